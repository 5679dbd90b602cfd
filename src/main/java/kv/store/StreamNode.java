package kv.store;

import java.util.Arrays;

/**
 * A run of consecutive stream entries packed into one byte array, like a Redis stream listpack.
 * An entry is: a flag byte (deleted, same fields), the ms as a varint delta from the node's first
 * ID, the seq as a varint, the field count, then each field and value as a length varint and its
 * bytes. An entry whose field names equal the node's first entry's (the usual case: producers
 * send the same fields) stores only its values, as Redis' master-entry compression does. Deleted entries stay as tombstones until the whole node goes, as in Redis, so entry
 * offsets are stable while the node lives.
 */
final class StreamNode {
    static final byte DELETED = 1;
    static final byte SAME_FIELDS = 2;

    /** ms of the first entry ever stored here: the base of the ms deltas. */
    final long baseMs;
    byte[] buf;
    int used;
    /** Entries stored, tombstones included (what the node-size limit counts, as in Redis). */
    int total;
    int live;
    long lastMs;
    long lastSeq;
    /** Offset of the entry appended last (the one with {@link #lastMs}/{@link #lastSeq}). */
    int lastEntryStart;
    /** The first entry's field count and the offset of its first field: the names others may share. */
    int masterFields;
    int masterFieldsStart;

    StreamNode(long baseMs) {
        this.baseMs = baseMs;
        this.buf = new byte[32];
    }

    private StreamNode(StreamNode o) {
        this.baseMs = o.baseMs;
        this.buf = Arrays.copyOf(o.buf, o.buf.length);
        this.used = o.used;
        this.total = o.total;
        this.live = o.live;
        this.lastMs = o.lastMs;
        this.lastSeq = o.lastSeq;
        this.lastEntryStart = o.lastEntryStart;
        this.masterFields = o.masterFields;
        this.masterFieldsStart = o.masterFieldsStart;
    }

    StreamNode copy() {
        return new StreamNode(this);
    }

    long heapBytes() {
        return Memory.align(12 + 8 + 4 + 4 + 4 + 4 + 8 + 8) + Memory.arrayBytes(buf.length);
    }

    /** Appends an entry whose fields and values are {@code argv[from..to)}; returns how many bytes the node grew by. */
    int append(long ms, long seq, byte[][] argv, int from, int to) {
        int need = 1 + 10 + 10 + 5;
        for (int i = from; i < to; i++) {
            need += 5 + argv[i].length;
        }
        int grown = ensure(need);
        int fields = (to - from) / 2;
        boolean same = total > 0 && sameFieldsAsMaster(argv, from, fields);
        lastEntryStart = used;
        buf[used++] = same ? SAME_FIELDS : 0;
        putVarint(ms - baseMs);
        putVarint(seq);
        putVarint(fields);
        if (total == 0) {
            masterFields = fields;
            masterFieldsStart = used;
        }
        for (int i = from; i < to; i++) {
            if (same && (i - from) % 2 == 0) {
                continue;
            }
            putVarint(argv[i].length);
            System.arraycopy(argv[i], 0, buf, used, argv[i].length);
            used += argv[i].length;
        }
        total++;
        live++;
        lastMs = ms;
        lastSeq = seq;
        return grown;
    }

    private boolean sameFieldsAsMaster(byte[][] argv, int from, int fields) {
        if (fields != masterFields) {
            return false;
        }
        int p = masterFieldsStart;
        for (int f = 0; f < fields; f++) {
            long lenAt = varintAt(p);
            int len = (int) (lenAt >>> 32);
            p = (int) lenAt;
            byte[] name = argv[from + 2 * f];
            if (name.length != len || !Arrays.equals(buf, p, p + len, name, 0, len)) {
                return false;
            }
            p += len;
            long valueLenAt = varintAt(p);
            p = (int) valueLenAt + (int) (valueLenAt >>> 32);
        }
        return true;
    }

    /** The length varint at {@code p} in the high half and the offset after it in the low half (no allocation). */
    private long varintAt(int p) {
        int v = 0;
        int shift = 0;
        byte b;
        do {
            b = buf[p++];
            v |= (b & 0x7F) << shift;
            shift += 7;
        } while (b < 0);
        return (long) v << 32 | p;
    }

    /** Grows the buffer by half (at least {@code extra} bytes); returns the change of {@link #heapBytes()}. */
    private int ensure(int extra) {
        if (used + extra <= buf.length) {
            return 0;
        }
        long before = heapBytes();
        buf = Arrays.copyOf(buf, Math.max(used + extra, buf.length + (buf.length >> 1)));
        return (int) (heapBytes() - before);
    }

    /** Whether the entry appended last is still there (not a tombstone). */
    boolean lastEntryLive() {
        return total > 0 && (buf[lastEntryStart] & DELETED) == 0;
    }

    /** Shrinks the buffer to its content: a full node keeps no slack. Returns the change of {@link #heapBytes()}. */
    int compact() {
        if (buf.length == used) {
            return 0;
        }
        long before = heapBytes();
        buf = Arrays.copyOf(buf, used);
        return (int) (heapBytes() - before);
    }

    private void putVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            buf[used++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[used++] = (byte) v;
    }

    // ---- reading: a cursor over the packed entries ----

    /** Reads entries in order; {@link #next} moves to the following entry. */
    final class Cursor {
        int pos;
        int entryStart;
        byte flag;
        long ms;
        long seq;
        int fields;
        /** Offset of the first field's length. */
        int fieldsStart;

        /** Positions the cursor on the entry at {@code offset}; false at the end. */
        boolean at(int offset) {
            if (offset >= used) {
                return false;
            }
            entryStart = offset;
            pos = offset;
            flag = buf[pos++];
            ms = baseMs + varint();
            seq = varint();
            fields = (int) varint();
            fieldsStart = pos;
            return true;
        }

        /** Moves past the current entry's fields; false at the end. */
        boolean next() {
            pos = fieldsStart;
            int stored = (flag & SAME_FIELDS) != 0 ? fields : fields * 2;
            for (int i = 0; i < stored; i++) {
                int len = (int) varint();
                pos += len;
            }
            return at(pos);
        }

        boolean first() {
            return at(0);
        }

        long varint() {
            long v = 0;
            int shift = 0;
            byte b;
            do {
                b = buf[pos++];
                v |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            return v;
        }

        StreamId id() {
            return new StreamId(ms, seq);
        }

        int compare(StreamId id) {
            int c = Long.compareUnsigned(ms, id.ms());
            return c != 0 ? c : Long.compareUnsigned(seq, id.seq());
        }

        boolean isLive() {
            return (flag & DELETED) == 0;
        }

        void markDeleted() {
            buf[entryStart] |= DELETED;
            flag |= DELETED;
            live--;
        }

        /** Calls {@code sink} with each field and value of the current entry, in order. */
        void forEachElement(StreamValue.ElementSink sink) {
            int p = pos;
            pos = fieldsStart;
            if ((flag & SAME_FIELDS) == 0) {
                for (int i = 0; i < fields * 2; i++) {
                    int len = (int) varint();
                    sink.element(buf, pos, len);
                    pos += len;
                }
            } else {
                int names = masterFieldsStart;
                for (int i = 0; i < fields; i++) {
                    // the name from the first entry (skipping its value), the value from this one
                    int entryPos = pos;
                    pos = names;
                    int nameLen = (int) varint();
                    sink.element(buf, pos, nameLen);
                    pos += nameLen;
                    int masterValueLen = (int) varint();
                    names = pos + masterValueLen;
                    pos = entryPos;
                    int len = (int) varint();
                    sink.element(buf, pos, len);
                    pos += len;
                }
            }
            pos = p;
        }
    }
}
