package kv.store;

import java.util.Arrays;

import kv.util.BulkSink;

/**
 * The big list encoding ("quicklist"): a deque of {@link PackedList} nodes, each filled up to the
 * list-max-listpack-size limit as Redis fills its quicklist nodes, so a list of millions of
 * elements is a few thousand arrays rather than millions of objects. Pushes and pops touch one
 * end node; indexing walks node counts from the nearer end.
 */
public final class QuickList implements ListValue {
    private static final long OBJECT_BYTES = Memory.align(12 + 4 + 4 + 8 + 8);

    /** Nodes live in {@code nodes[first, first + nodeCount)}. */
    private PackedList[] nodes;
    private int first;
    private int nodeCount;
    private long count;
    /** Sum of the nodes' heap bytes, kept current on every change (heapBytes must be O(1)). */
    private long nodeBytes;

    /** A quicklist whose first node is {@code listpack} (the conversion Redis does). */
    QuickList(PackedList listpack) {
        nodes = new PackedList[4];
        first = 1;
        if (listpack.size() > 0) {
            nodes[first] = listpack;
            nodeCount = 1;
            count = listpack.size();
            nodeBytes = listpack.heapBytes();
        }
    }

    private QuickList() {
    }

    /** The single node, or null if there are several (or none). */
    PackedList onlyNode() {
        return nodeCount == 1 ? nodes[first] : null;
    }

    private PackedList node(int i) {
        return nodes[first + i];
    }

    private void insertNode(int i, PackedList n) {
        if (i == 0 && first > 0) {
            first--;
        } else {
            if (first + nodeCount == nodes.length || i == 0) {
                int cap = Math.max(4, nodeCount * 2);
                PackedList[] a = new PackedList[cap];
                int nf = (cap - nodeCount) / 2;
                System.arraycopy(nodes, first, a, nf, nodeCount);
                Arrays.fill(nodes, null);
                nodes = a;
                first = nf;
            }
            if (i == 0) {
                first--;
            } else {
                System.arraycopy(nodes, first + i, nodes, first + i + 1, nodeCount - i);
            }
        }
        nodes[first + i] = n;
        nodeCount++;
        nodeBytes += n.heapBytes();
    }

    private void removeNode(int i) {
        nodeBytes -= node(i).heapBytes();
        if (i == 0) {
            nodes[first] = null;
            first++;
        } else {
            System.arraycopy(nodes, first + i + 1, nodes, first + i, nodeCount - i - 1);
            nodes[first + nodeCount - 1] = null;
        }
        nodeCount--;
        if (nodeCount == 0) {
            first = nodes.length / 2;
        }
    }

    /** Locates element {@code index}: returns the node index, and the index within it in {@code at[0]}. */
    private int locate(long index, int[] at) {
        if (index < count / 2) {
            long skip = index;
            for (int i = 0; i < nodeCount; i++) {
                int n = (int) node(i).size();
                if (skip < n) {
                    at[0] = (int) skip;
                    return i;
                }
                skip -= n;
            }
        } else {
            long skip = count - 1 - index;
            for (int i = nodeCount - 1; i >= 0; i--) {
                int n = (int) node(i).size();
                if (skip < n) {
                    at[0] = n - 1 - (int) skip;
                    return i;
                }
                skip -= n;
            }
        }
        throw new IndexOutOfBoundsException(Long.toString(index));
    }

    // ---- CompoundValue ----

    @Override
    public ValueType type() {
        return ValueType.LIST;
    }

    @Override
    public String encoding() {
        return "quicklist";
    }

    @Override
    public long heapBytes() {
        return OBJECT_BYTES + Memory.arrayBytes(nodes.length * 4) + nodeBytes;
    }

    @Override
    public boolean isEmpty() {
        return count == 0;
    }

    @Override
    public QuickList copy() {
        QuickList c = new QuickList();
        c.nodes = new PackedList[nodes.length];
        c.first = first;
        c.nodeCount = nodeCount;
        c.count = count;
        for (int i = 0; i < nodeCount; i++) {
            c.nodes[first + i] = node(i).copy();
            c.nodeBytes += c.nodes[first + i].heapBytes();
        }
        return c;
    }

    // ---- ListValue ----

    @Override
    public long size() {
        return count;
    }

    @Override
    public void push(boolean head, byte[] v, int fill) {
        PackedList n = nodeCount == 0 ? null : head ? node(0) : node(nodeCount - 1);
        if (n != null && ListEncoding.nodeTakes(n, v.length, fill)) {
            long before = n.heapBytes();
            n.push(head, v, fill);
            nodeBytes += n.heapBytes() - before;
        } else {
            if (n != null) {
                // the end node is full: its spare room would stay unused
                long before = n.heapBytes();
                n.compact();
                nodeBytes += n.heapBytes() - before;
            }
            PackedList fresh = new PackedList(PackedList.entrySize(v.length));
            fresh.push(true, v, fill);
            insertNode(head ? 0 : nodeCount, fresh);
        }
        count++;
    }

    @Override
    public byte[] pop(boolean head) {
        if (count == 0) {
            return null;
        }
        int i = head ? 0 : nodeCount - 1;
        PackedList n = node(i);
        long before = n.heapBytes();
        byte[] v = n.pop(head);
        nodeBytes += n.heapBytes() - before;
        count--;
        if (n.isEmpty()) {
            removeNode(i);
        }
        return v;
    }

    @Override
    public boolean popTo(boolean head, BulkSink out) {
        if (count == 0) {
            return false;
        }
        int i = head ? 0 : nodeCount - 1;
        PackedList n = node(i);
        // a pop keeps the node's array: its heap size does not change
        n.popTo(head, out);
        count--;
        if (n.isEmpty()) {
            removeNode(i);
        }
        return true;
    }

    @Override
    public byte[] get(long index) {
        int[] at = new int[1];
        int i = locate(index, at);
        return node(i).get(at[0]);
    }

    @Override
    public void set(long index, byte[] v, int fill) {
        int[] at = new int[1];
        int i = locate(index, at);
        PackedList n = node(i);
        long before = n.heapBytes();
        n.set(at[0], v, fill);
        nodeBytes += n.heapBytes() - before;
    }

    @Override
    public void insert(long index, byte[] v, int fill) {
        if (index == 0 || index == count) {
            push(index == 0, v, fill);
            return;
        }
        int[] at = new int[1];
        int i = locate(index, at);
        PackedList n = node(i);
        if (at[0] == 0 && i > 0 && !ListEncoding.nodeTakes(n, v.length, fill)
                && ListEncoding.nodeTakes(node(i - 1), v.length, fill)) {
            // at the head of a full node: the previous node's tail takes it, as in Redis
            n = node(--i);
            at[0] = (int) n.size();
        } else if (!ListEncoding.nodeTakes(n, v.length, fill)) {
            // a full node is split at the insertion point; the element starts the second half
            long before = n.heapBytes();
            PackedList tail = n.splitFrom(at[0]);
            nodeBytes += n.heapBytes() - before;
            if (tail.isEmpty() || !ListEncoding.nodeTakes(tail, v.length, fill)) {
                if (!tail.isEmpty()) {
                    insertNode(i + 1, tail);
                }
                PackedList fresh = new PackedList(PackedList.entrySize(v.length));
                fresh.push(true, v, fill);
                insertNode(i + 1, fresh);
            } else {
                tail.push(true, v, fill);
                insertNode(i + 1, tail);
            }
            if (n.isEmpty()) {
                removeNode(i);
            }
            count++;
            return;
        }
        long before = n.heapBytes();
        n.insert(at[0], v, fill);
        nodeBytes += n.heapBytes() - before;
        count++;
    }

    @Override
    public long removeMatching(byte[] v, long limit) {
        long removed = 0;
        if (limit >= 0) {
            for (int i = 0; i < nodeCount && (limit == 0 || removed < limit); ) {
                PackedList n = node(i);
                long before = n.heapBytes();
                removed += n.removeMatching(v, limit == 0 ? 0 : limit - removed);
                nodeBytes += n.heapBytes() - before;
                if (n.isEmpty()) {
                    removeNode(i);
                } else {
                    i++;
                }
            }
        } else {
            for (int i = nodeCount - 1; i >= 0 && removed < -limit; i--) {
                PackedList n = node(i);
                long before = n.heapBytes();
                removed += n.removeMatching(v, limit + removed);
                nodeBytes += n.heapBytes() - before;
                if (n.isEmpty()) {
                    removeNode(i);
                }
            }
        }
        count -= removed;
        return removed;
    }

    @Override
    public void trim(long from, long keep) {
        long dropTail = count - from - keep;
        long dropHead = from;
        while (dropTail > 0) {
            int last = nodeCount - 1;
            PackedList n = node(last);
            if (n.size() <= dropTail) {
                dropTail -= n.size();
                count -= n.size();
                removeNode(last);
            } else {
                long before = n.heapBytes();
                n.trim(0, n.size() - dropTail);
                nodeBytes += n.heapBytes() - before;
                count -= dropTail;
                dropTail = 0;
            }
        }
        while (dropHead > 0) {
            PackedList n = node(0);
            if (n.size() <= dropHead) {
                dropHead -= n.size();
                count -= n.size();
                removeNode(0);
            } else {
                long before = n.heapBytes();
                n.trim(dropHead, n.size() - dropHead);
                nodeBytes += n.heapBytes() - before;
                count -= dropHead;
                dropHead = 0;
            }
        }
    }

    @Override
    public void visit(long from, boolean forward, ElementVisitor visitor) {
        if (from < 0 || from >= count) {
            return;
        }
        int[] at = new int[1];
        int i = locate(from, at);
        boolean[] stopped = new boolean[1];
        ElementVisitor watch = (b, off, len) -> {
            if (!visitor.element(b, off, len)) {
                stopped[0] = true;
                return false;
            }
            return true;
        };
        if (forward) {
            node(i).visit(at[0], true, watch);
            for (int k = i + 1; k < nodeCount && !stopped[0]; k++) {
                node(k).visit(0, true, watch);
            }
        } else {
            node(i).visit(at[0], false, watch);
            for (int k = i - 1; k >= 0 && !stopped[0]; k--) {
                node(k).visit(node(k).size() - 1, false, watch);
            }
        }
    }
}
