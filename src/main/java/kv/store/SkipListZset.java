package kv.store;

import java.util.concurrent.ThreadLocalRandom;


/**
 * The big encoding ("skiplist"): a skip list with spans (rank queries in O(log n)) plus an
 * open-addressing table from member to node for O(1) score lookups (see {@link Node} for the
 * node layout).
 */
final class SkipListZset implements ZsetEncoding {
    static final int MAX_LEVEL = 32;
    /** Fixed part of a node: header, member, score, backward, next0, next1, span1, up, upSpan, level. */
    private static final long NODE_BYTES = Memory.align(12 + 4 + 8 + 4 + 4 + 4 + 4 + 4 + 4 + 1);

    /**
     * A node keeps its first two levels inline: a search spends most of its steps on the low
     * levels, and a pointer read from the node itself costs no extra cache miss. Only the one node
     * in sixteen with more levels carries arrays for the rest. The level-0 span is implicitly 1.
     */
    static final class Node {
        final byte[] member;
        double score;
        Node backward;
        Node next0;
        Node next1;
        int span1;
        /** Levels 2..level-1; null for nodes of one or two levels. */
        Node[] up;
        int[] upSpan;
        final byte level;

        Node(byte[] member, double score, int level) {
            this.member = member;
            this.score = score;
            this.level = (byte) level;
            if (level > 2) {
                up = new Node[level - 2];
                upSpan = new int[level - 2];
            }
        }

        int level() {
            return level;
        }

        Node next(int i) {
            return i == 0 ? next0 : i == 1 ? next1 : up[i - 2];
        }

        void setNext(int i, Node n) {
            if (i == 0) {
                next0 = n;
            } else if (i == 1) {
                next1 = n;
            } else {
                up[i - 2] = n;
            }
        }

        int span(int i) {
            return i == 0 ? 1 : i == 1 ? span1 : upSpan[i - 2];
        }

        void setSpan(int i, int s) {
            if (i == 1) {
                span1 = s;
            } else if (i > 1) {
                upSpan[i - 2] = s;
            }
        }

        long heapBytes() {
            long b = NODE_BYTES + Memory.arrayBytes(member.length);
            if (up != null) {
                b += Memory.arrayBytes(4 * up.length) * 2;
            }
            return b;
        }
    }

    private final Node head = new Node(new byte[0], 0, MAX_LEVEL);
    private Node tail;
    private int level = 1;
    private int length;
    private final ZsetMemberTable table;
    private long nodeBytes;
    // scratch for insert/delete (one thread owns the data)
    private final Node[] update = new Node[MAX_LEVEL];
    private final int[] rankAt = new int[MAX_LEVEL];

    SkipListZset(int capacity) {
        table = new ZsetMemberTable(capacity);
    }

    @Override
    public int size() {
        return length;
    }

    @Override
    public double score(byte[] member) {
        Node n = table.get(member);
        return n == null ? Double.NaN : n.score;
    }

    private static int randomLevel() {
        int lvl = 1;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (lvl < MAX_LEVEL && (r.nextInt() & 0xffff) < 0xffff / 4) {
            lvl++;
        }
        return lvl;
    }

    private static boolean before(Node n, double score, byte[] member) {
        return n.score < score || (n.score == score && ZsetOrder.compareMembers(n.member, member) < 0);
    }

    @Override
    public void insert(byte[] member, double score) {
        Node node = new Node(member, score, randomLevel());
        link(node);
        table.put(node);
    }

    /** Links {@code node} (not in the list) at the place of its score and member, at its own level. */
    private void link(Node node) {
        double score = node.score;
        byte[] member = node.member;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            rankAt[i] = i == level - 1 ? 0 : rankAt[i + 1];
            Node n;
            while ((n = x.next(i)) != null && before(n, score, member)) {
                rankAt[i] += x.span(i);
                x = n;
            }
            update[i] = x;
        }
        int lvl = node.level();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rankAt[i] = 0;
                update[i] = head;
                head.setSpan(i, length);
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            node.setNext(i, update[i].next(i));
            update[i].setNext(i, node);
            if (i > 0) {
                node.setSpan(i, update[i].span(i) - (rankAt[0] - rankAt[i]));
                update[i].setSpan(i, rankAt[0] - rankAt[i] + 1);
            }
        }
        for (int i = lvl; i < level; i++) {
            update[i].setSpan(i, update[i].span(i) + 1);
        }
        node.backward = update[0] == head ? null : update[0];
        if (node.next0 != null) {
            node.next0.backward = node;
        } else {
            tail = node;
        }
        length++;
        nodeBytes += node.heapBytes();
        clearScratch(level);
    }

    /** Drops the scratch references to nodes (levels below {@code used}), so no removed node stays reachable. */
    private void clearScratch(int used) {
        java.util.Arrays.fill(update, 0, used, null);
    }

    /** Unlinks {@code x} given its predecessors in {@code update}. */
    private void unlink(Node x) {
        for (int i = 0; i < level; i++) {
            if (update[i].next(i) == x) {
                if (i > 0) {
                    update[i].setSpan(i, update[i].span(i) + x.span(i) - 1);
                }
                update[i].setNext(i, x.next(i));
            } else if (i > 0) {
                update[i].setSpan(i, update[i].span(i) - 1);
            }
        }
        if (x.next0 != null) {
            x.next0.backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && head.next(level - 1) == null) {
            level--;
        }
        length--;
        nodeBytes -= x.heapBytes();
    }

    /** Fills {@code update} with the predecessors of (score, member) on every level. */
    private Node findUpdate(double score, byte[] member) {
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node n;
            while ((n = x.next(i)) != null && before(n, score, member)) {
                x = n;
            }
            update[i] = x;
        }
        return x.next0;
    }

    @Override
    public void update(byte[] member, double old, double score) {
        Node x = table.get(member);
        // stays in place when the neighbours still bracket the new score (Redis does the same);
        // the node's own links tell, no walk needed
        if ((x.backward == null || x.backward.score < score
                        || (x.backward.score == score && ZsetOrder.compareMembers(x.backward.member, member) < 0))
                && (x.next0 == null || x.next0.score > score
                        || (x.next0.score == score && ZsetOrder.compareMembers(x.next0.member, member) > 0))) {
            x.score = score;
            return;
        }
        // moves: the same node is relinked at its new place (the member table keeps pointing to it)
        int used = level;
        findUpdate(x.score, member);
        unlink(x);
        clearScratch(used);
        x.score = score;
        x.backward = null;
        link(x);
    }

    @Override
    public boolean delete(byte[] member) {
        Node n = table.get(member);
        if (n == null) {
            return false;
        }
        int used = level;
        Node x = findUpdate(n.score, member);
        unlink(x);
        table.remove(member);
        clearScratch(used);
        return true;
    }

    @Override
    public int rank(byte[] member, double score) {
        int rank = 0;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node n;
            while ((n = x.next(i)) != null
                    && (n.score < score || (n.score == score && ZsetOrder.compareMembers(n.member, member) <= 0))) {
                rank += x.span(i);
                x = n;
            }
            if (x != head && x.score == score && java.util.Arrays.equals(x.member, member)) {
                return rank - 1;
            }
        }
        return -1;
    }

    @Override
    public int prefixLength(Before before) {
        int rank = 0;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node n;
            while ((n = x.next(i)) != null && before.test(n.member, 0, n.member.length, n.score)) {
                rank += x.span(i);
                x = n;
            }
        }
        return rank;
    }

    private Node nodeAt(int rank) {
        int traversed = 0;
        int target = rank + 1;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next(i) != null && traversed + x.span(i) <= target) {
                traversed += x.span(i);
                x = x.next(i);
            }
            if (traversed == target) {
                return x;
            }
        }
        return null;
    }

    @Override
    public ZsetCursor cursor(int rank, boolean reverse) {
        Node start = nodeAt(rank);
        return new ZsetCursor() {
            Node n = start;

            @Override
            public boolean valid() {
                return n != null;
            }

            @Override
            public byte[] member() {
                return n.member;
            }

            @Override
            public double score() {
                return n.score;
            }

            @Override
            public void advance() {
                n = reverse ? n.backward : n.next0;
            }
        };
    }

    @Override
    public void deleteRange(int from, int to) {
        int used = level;
        Node x = head;
        int traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next(i) != null && traversed + x.span(i) < from + 1) {
                traversed += x.span(i);
                x = x.next(i);
            }
            update[i] = x;
        }
        x = x.next0;
        for (int r = from; r <= to && x != null; r++) {
            Node next = x.next0;
            unlink(x);
            table.remove(x.member);
            x = next;
        }
        clearScratch(used);
    }

    @Override
    public long heapBytes() {
        return 48 + head.heapBytes() + nodeBytes + table.heapBytes() + Memory.arrayBytes(4 * MAX_LEVEL) * 2;
    }

    @Override
    public ZsetEncoding copy() {
        SkipListZset c = new SkipListZset(length);
        for (Node n = head.next0; n != null; n = n.next0) {
            c.insert(n.member, n.score);
        }
        return c;
    }

    /** One SCAN step over the member table (see {@link ZsetMemberTable#scan}). */
    long scan(long cursor, java.util.function.Consumer<Node> visitor) {
        return table.scan(cursor, visitor);
    }

    Node random() {
        return nodeAt(ThreadLocalRandom.current().nextInt(length));
    }
}
