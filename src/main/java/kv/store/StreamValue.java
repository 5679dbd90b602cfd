package kv.store;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A stream: entries packed into {@link StreamNode}s of at most {@link #NODE_MAX_ENTRIES} entries
 * or about {@link #NODE_MAX_BYTES} bytes (Redis' stream-node-max-entries/-bytes defaults, which
 * decide what approximate trimming can drop), kept in ID order. An emptied stream stays a key,
 * as in Redis: {@link #isEmpty()} is always false.
 */
public final class StreamValue implements CompoundValue {
    public static final int NODE_MAX_ENTRIES = 100;
    public static final int NODE_MAX_BYTES = 4096;
    private static final long SELF_BYTES = Memory.align(12 + 4 + 8 * 8 + 4) + Memory.align(12 + 4 + 4);

    private final ArrayList<StreamNode> nodes = new ArrayList<>();
    private long length;
    private StreamId lastId = StreamId.MIN;
    private StreamId firstId = StreamId.MIN;
    private StreamId maxDeletedId = StreamId.MIN;
    private long entriesAdded;
    private long nodeBytes;
    /** Consumer groups by name (byte order); null until the first one. */
    private TreeMap<String, StreamGroup> groups;
    /** Running estimate of the groups' footprint, settled by {@link #groupChanged}. */
    private long groupBytes;

    public StreamValue() {
    }

    @Override
    public ValueType type() {
        return ValueType.STREAM;
    }

    @Override
    public String encoding() {
        return "stream";
    }

    @Override
    public long heapBytes() {
        return SELF_BYTES + Memory.arrayBytes(4 * nodes.size()) + nodeBytes + groupBytes;
    }

    @Override
    public boolean isEmpty() {
        return false;
    }

    @Override
    public StreamValue copy() {
        StreamValue c = new StreamValue();
        for (StreamNode n : nodes) {
            c.nodes.add(n.copy());
        }
        c.length = length;
        c.lastId = lastId;
        c.firstId = firstId;
        c.maxDeletedId = maxDeletedId;
        c.entriesAdded = entriesAdded;
        c.nodeBytes = nodeBytes;
        if (groups != null) {
            c.groups = new TreeMap<>();
            for (StreamGroup g : groups.values()) {
                c.groups.put(StreamGroup.key(g.name), g.copy());
            }
        }
        c.groupBytes = groupBytes;
        return c;
    }

    /** How many packed nodes hold the entries (XINFO STREAM's stand-in for Redis' radix-tree counts). */
    public int nodeCount() {
        return nodes.size();
    }

    public long length() {
        return length;
    }

    /** The greatest ID ever added (deleted or not): new IDs must be greater. */
    public StreamId lastId() {
        return lastId;
    }

    /** The first live entry's ID, 0-0 when empty. */
    public StreamId firstId() {
        return firstId;
    }

    public StreamId maxDeletedId() {
        return maxDeletedId;
    }

    public long entriesAdded() {
        return entriesAdded;
    }

    /**
     * XSETID: moves the last ID (and optionally entries-added, -1 = keep, and the greatest
     * deleted ID, null = keep); the caller has checked it stays monotonic.
     */
    public void setLastId(StreamId id, long newEntriesAdded, StreamId newMaxDeleted) {
        lastId = id;
        if (newEntriesAdded != -1) {
            entriesAdded = newEntriesAdded;
        }
        if (newMaxDeleted != null) {
            maxDeletedId = newMaxDeleted;
        }
    }

    // ---- consumer groups ----

    public StreamGroup group(byte[] name) {
        return groups == null ? null : groups.get(StreamGroup.key(name));
    }

    /** Creates a group; null if one of that name exists. */
    public StreamGroup createGroup(byte[] name, StreamId lastId, long entriesRead) {
        if (groups == null) {
            groups = new TreeMap<>();
        }
        String k = StreamGroup.key(name);
        if (groups.containsKey(k)) {
            return null;
        }
        StreamGroup g = new StreamGroup(name.clone(), lastId, entriesRead);
        groups.put(k, g);
        groupBytes += g.heapBytes();
        return g;
    }

    public boolean destroyGroup(byte[] name) {
        StreamGroup g = groups == null ? null : groups.remove(StreamGroup.key(name));
        if (g == null) {
            return false;
        }
        groupBytes -= g.heapBytes();
        return true;
    }

    /** Creates consumer {@code name} in {@code g}. */
    public StreamGroup.Consumer createConsumer(StreamGroup g, byte[] name, long now) {
        long before = g.heapBytes();
        StreamGroup.Consumer c = g.createConsumer(name, now);
        groupBytes += g.heapBytes() - before;
        return c;
    }

    /** Deletes a consumer; returns how many entries it had pending. */
    public int deleteConsumer(StreamGroup g, StreamGroup.Consumer c) {
        long before = g.heapBytes();
        int n = g.deleteConsumer(c);
        groupBytes += g.heapBytes() - before;
        return n;
    }

    /** Records a delivery in the group's and the consumer's pending lists. */
    public StreamGroup.Pending deliver(StreamGroup g, StreamId id, StreamGroup.Consumer c, long now) {
        long before = g.heapBytes();
        StreamGroup.Pending p = g.deliver(id, c, now);
        groupBytes += g.heapBytes() - before;
        return p;
    }

    /** XCLAIM: gives pending entry {@code id} to {@code c}, creating the record when {@code create}. */
    public StreamGroup.Pending claim(StreamGroup g, StreamId id, StreamGroup.Consumer c, boolean create, long now) {
        long before = g.heapBytes();
        StreamGroup.Pending p = g.claim(id, c, create, now);
        groupBytes += g.heapBytes() - before;
        return p;
    }

    public boolean ack(StreamGroup g, StreamId id) {
        long before = g.heapBytes();
        boolean done = g.ack(id);
        groupBytes += g.heapBytes() - before;
        return done;
    }

    /**
     * Moves the group's last delivered ID to {@code id} (an entry just delivered) and keeps its
     * entries-read counter: +1 while no deletion may lie in between, else Redis' estimate.
     */
    public void advanceGroup(StreamGroup g, StreamId id) {
        if (id.compareTo(g.lastId) <= 0) {
            return;
        }
        if (g.entriesRead != -1 && !hasTombstoneFrom(id)) {
            g.entriesRead++;
        } else if (entriesAdded != 0) {
            g.entriesRead = estimateEntriesRead(id);
        }
        g.lastId = id;
    }

    private boolean hasTombstoneFrom(StreamId start) {
        if (length == 0 || maxDeletedId.equals(StreamId.MIN) || firstId.compareTo(maxDeletedId) > 0) {
            return false;
        }
        return start.compareTo(maxDeletedId) <= 0;
    }

    /** How many entries were added up to {@code id}, or -1 when deletions make it unknowable. */
    public long estimateEntriesRead(StreamId id) {
        if (entriesAdded == 0) {
            return 0;
        }
        if (length == 0 && id.compareTo(lastId) <= 0) {
            return entriesAdded;
        }
        int cmpLast = id.compareTo(lastId);
        if (cmpLast == 0) {
            return entriesAdded;
        }
        if (cmpLast > 0) {
            return -1;
        }
        int cmpFirst = id.compareTo(firstId);
        if (maxDeletedId.equals(StreamId.MIN) || maxDeletedId.compareTo(firstId) < 0) {
            if (cmpFirst < 0) {
                return entriesAdded - length;
            }
            if (cmpFirst == 0) {
                return entriesAdded - length + 1;
            }
        }
        return -1;
    }

    /** Entries added but not yet read by group {@code g}, or -1 when deletions make it unknowable. */
    public long lag(StreamGroup g) {
        if (entriesAdded == 0) {
            return 0;
        }
        if (g.entriesRead != -1 && !hasTombstoneFrom(g.lastId)) {
            return entriesAdded - g.entriesRead;
        }
        long read = estimateEntriesRead(g.lastId);
        return read == -1 ? -1 : entriesAdded - read;
    }

    /** The groups in name order (XINFO GROUPS). */
    public java.util.Collection<StreamGroup> groups() {
        return groups == null ? List.of() : groups.values();
    }

    /** The live entry {@code id}, or null. */
    public Entry entry(StreamId id) {
        List<Entry> e = range(id, id, false, 1);
        return e.isEmpty() ? null : e.get(0);
    }

    /** The greatest live entry's ID, or null when empty. */
    public StreamId lastLiveId() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            StreamNode n = nodes.get(i);
            if (n.live == 0) {
                continue;
            }
            if (n.lastEntryLive()) {
                return new StreamId(n.lastMs, n.lastSeq); // the usual case: no walk through the node
            }
            StreamId found = null;
            StreamNode.Cursor c = n.new Cursor();
            for (boolean ok = c.first(); ok; ok = c.next()) {
                if (c.isLive()) {
                    found = c.id();
                }
            }
            return found;
        }
        return null;
    }

    /**
     * Appends an entry with fields and values {@code argv[from..to)}; {@code id} must be greater
     * than {@link #lastId()}.
     */
    public void append(StreamId id, byte[][] argv, int from, int to) {
        StreamNode last = nodes.isEmpty() ? null : nodes.get(nodes.size() - 1);
        if (last == null || last.total >= NODE_MAX_ENTRIES || last.used >= NODE_MAX_BYTES) {
            if (last != null) {
                nodeBytes += last.compact();
            }
            last = new StreamNode(id.ms());
            nodes.add(last);
            nodeBytes += last.heapBytes();
        }
        // the node's footprint changes only when its array is reallocated
        nodeBytes += last.append(id.ms(), id.seq(), argv, from, to);
        if (length == 0) {
            firstId = id;
        }
        length++;
        entriesAdded++;
        lastId = id;
    }

    /** Deletes the entry {@code id}; false if there is no such live entry. */
    public boolean delete(StreamId id) {
        int i = nodeFor(id);
        if (i < 0) {
            return false;
        }
        StreamNode n = nodes.get(i);
        StreamNode.Cursor c = n.new Cursor();
        for (boolean ok = c.first(); ok; ok = c.next()) {
            int cmp = c.compare(id);
            if (cmp > 0) {
                return false;
            }
            if (cmp == 0) {
                if (!c.isLive()) {
                    return false;
                }
                c.markDeleted();
                length--;
                if (n.live == 0) {
                    nodeBytes -= n.heapBytes();
                    nodes.remove(i);
                }
                if (id.compareTo(maxDeletedId) > 0) {
                    maxDeletedId = id;
                }
                if (id.equals(firstId)) {
                    refreshFirstId();
                }
                return true;
            }
        }
        return false;
    }

    /** True if {@code id} is a live entry. */
    public boolean contains(StreamId id) {
        int i = nodeFor(id);
        if (i < 0) {
            return false;
        }
        StreamNode.Cursor c = nodes.get(i).new Cursor();
        for (boolean ok = c.first(); ok; ok = c.next()) {
            int cmp = c.compare(id);
            if (cmp >= 0) {
                return cmp == 0 && c.isLive();
            }
        }
        return false;
    }

    /** Index of the first node whose last ID is >= {@code id}, or -1. */
    private int nodeFor(StreamId id) {
        int lo = 0;
        int hi = nodes.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            StreamNode n = nodes.get(mid);
            int c = Long.compareUnsigned(n.lastMs, id.ms());
            if (c == 0) {
                c = Long.compareUnsigned(n.lastSeq, id.seq());
            }
            if (c >= 0) {
                found = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found;
    }

    private void refreshFirstId() {
        firstId = StreamId.MIN;
        for (StreamNode n : nodes) {
            if (n.live == 0) {
                continue;
            }
            StreamNode.Cursor c = n.new Cursor();
            for (boolean ok = c.first(); ok; ok = c.next()) {
                if (c.isLive()) {
                    firstId = c.id();
                    return;
                }
            }
        }
    }

    /**
     * Trims as Redis does: whole nodes from the head while they can go entirely; then, unless
     * {@code approx}, entries of the next node one by one. {@code limit} (0 = none) caps the
     * entries removed, checked per whole node. Keeps entries with IDs >= {@code minId} (when not
     * null) or the last {@code maxLen}. Returns the number of entries removed.
     */
    public long trim(long maxLen, StreamId minId, boolean approx, long limit) {
        return trim(maxLen, minId, approx, limit, false);
    }

    /** What {@link #trim} would remove, without removing it: 0 or more (stops at the first entry found). */
    public long trimDryRun(long maxLen, StreamId minId, boolean approx, long limit) {
        return trim(maxLen, minId, approx, limit, true);
    }

    private long trim(long maxLen, StreamId minId, boolean approx, long limit, boolean dryRun) {
        long deleted = 0;
        long len = length;
        int head = 0;
        while (head < nodes.size()) {
            if (minId == null && len <= maxLen) {
                break;
            }
            StreamNode n = nodes.get(head);
            if (limit > 0 && deleted + n.live > limit) {
                break;
            }
            boolean wholeNode = minId == null
                    ? len - n.live >= maxLen
                    : new StreamId(n.lastMs, n.lastSeq).compareTo(minId) < 0;
            if (wholeNode) {
                len -= n.live;
                deleted += n.live;
                if (dryRun) {
                    head++;
                    if (deleted > 0) {
                        return deleted;
                    }
                } else {
                    nodes.remove(0);
                    nodeBytes -= n.heapBytes();
                    length = len;
                }
                continue;
            }
            if (approx) {
                break;
            }
            StreamNode.Cursor c = n.new Cursor();
            for (boolean ok = c.first(); ok; ok = c.next()) {
                if (!c.isLive()) {
                    continue;
                }
                if (minId == null ? len <= maxLen : c.compare(minId) >= 0) {
                    break;
                }
                if (dryRun) {
                    return 1;
                }
                c.markDeleted();
                len--;
                length = len;
                deleted++;
            }
            break;
        }
        if (deleted > 0 && !dryRun) {
            refreshFirstId();
        }
        return deleted;
    }

    /** One entry found by {@link #range}: read its fields with {@link #forEachElement}. */
    public record Entry(StreamId id, Object node, int offset) {
    }

    /**
     * Live entries with IDs in [{@code start}, {@code end}], ascending (or descending when
     * {@code reverse}), at most {@code count} of them (0 = all).
     */
    public List<Entry> range(StreamId start, StreamId end, boolean reverse, long count) {
        List<Entry> out = new ArrayList<>();
        if (start.compareTo(end) > 0) {
            return out;
        }
        int from = nodeFor(start);
        if (from < 0) {
            return out;
        }
        if (!reverse) {
            for (int i = from; i < nodes.size(); i++) {
                StreamNode n = nodes.get(i);
                StreamNode.Cursor c = n.new Cursor();
                for (boolean ok = c.first(); ok; ok = c.next()) {
                    if (c.compare(end) > 0) {
                        return out;
                    }
                    if (c.isLive() && c.compare(start) >= 0) {
                        out.add(new Entry(c.id(), n, c.entryStart));
                        if (count > 0 && out.size() >= count) {
                            return out;
                        }
                    }
                }
            }
            return out;
        }
        int to = nodeFor(end);
        if (to < 0) {
            to = nodes.size() - 1;
        }
        List<Entry> nodeEntries = new ArrayList<>();
        for (int i = to; i >= from; i--) {
            StreamNode n = nodes.get(i);
            nodeEntries.clear();
            StreamNode.Cursor c = n.new Cursor();
            for (boolean ok = c.first(); ok; ok = c.next()) {
                if (c.compare(end) > 0) {
                    break;
                }
                if (c.isLive() && c.compare(start) >= 0) {
                    nodeEntries.add(new Entry(c.id(), n, c.entryStart));
                }
            }
            for (int j = nodeEntries.size() - 1; j >= 0; j--) {
                out.add(nodeEntries.get(j));
                if (count > 0 && out.size() >= count) {
                    return out;
                }
            }
        }
        return out;
    }

    /** Number of fields of {@code e}. */
    public int fieldCount(Entry e) {
        StreamNode n = (StreamNode) e.node();
        StreamNode.Cursor c = n.new Cursor();
        c.at(e.offset());
        return c.fields;
    }

    /** Each field and value of {@code e}, in order. */
    public void forEachElement(Entry e, ElementSink sink) {
        StreamNode n = (StreamNode) e.node();
        StreamNode.Cursor c = n.new Cursor();
        c.at(e.offset());
        c.forEachElement(sink);
    }

    /** Every live entry in order (DEBUG DIGEST). */
    public void forEach(EntryVisitor visitor) {
        for (StreamNode n : nodes) {
            StreamNode.Cursor c = n.new Cursor();
            for (boolean ok = c.first(); ok; ok = c.next()) {
                if (c.isLive()) {
                    visitor.entry(c.ms, c.seq);
                    c.forEachElement(visitor::element);
                }
            }
        }
    }

    /** Receives one field or value, as a slice of a node's array (valid during the call only). */
    public interface ElementSink {
        void element(byte[] b, int offset, int length);
    }

    /** Receives an entry's ID, then each of its fields and values. */
    public interface EntryVisitor {
        void entry(long ms, long seq);

        void element(byte[] b, int offset, int length);
    }
}
