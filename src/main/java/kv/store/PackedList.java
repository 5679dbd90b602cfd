package kv.store;

import kv.util.BulkSink;

/**
 * A run of list elements packed into one byte array: the small list encoding ("listpack") and the
 * node of a {@link QuickList}. An entry is {@code len, bytes, len} with both lengths as 7-bit
 * groups (the leading one read forwards, the trailing one backwards), so either end can be walked.
 * Entries live in {@code buf[start, end)} with free room on both sides, so pushes at either end
 * are amortised O(1) and a pop never copies.
 *
 * <p>{@link #redisBytes} is what Redis' listpack of the same elements would occupy (integers
 * packed as Redis packs them): the encoding thresholds are decided on it, so conversions happen
 * at exactly Redis' sizes.
 */
public final class PackedList implements ListValue {
    /** Listpack header (total bytes, element count) and terminator. */
    static final int LISTPACK_OVERHEAD = 7;
    private static final byte[] EMPTY = new byte[0];
    private static final long OBJECT_BYTES = Memory.align(12 + 4 + 4 * 4 + 8);

    private byte[] buf;
    private int start;
    private int end;
    private int count;
    private long redisBytes = LISTPACK_OVERHEAD;

    public PackedList() {
        buf = EMPTY;
    }

    /** An empty list sized for {@code payloadBytes} of elements (as their raw lengths). */
    public PackedList(int payloadBytes) {
        buf = payloadBytes == 0 ? EMPTY : new byte[payloadBytes + 4];
    }

    // ---- entry layout ----

    static int varSize(int len) {
        return len < 1 << 7 ? 1 : len < 1 << 14 ? 2 : len < 1 << 21 ? 3 : len < 1 << 28 ? 4 : 5;
    }

    static int entrySize(int len) {
        return 2 * varSize(len) + len;
    }

    /** Length of the element whose entry starts at {@code off}. */
    int lenAt(int off) {
        int len = 0;
        int shift = 0;
        byte b;
        do {
            b = buf[off++];
            len |= (b & 0x7f) << shift;
            shift += 7;
        } while (b < 0);
        return len;
    }

    /** Offset of the element's bytes for the entry at {@code off}. */
    int dataAt(int off) {
        return off + varSize(lenAt(off));
    }

    int nextOf(int off) {
        return off + entrySize(lenAt(off));
    }

    /** Start of the entry ending at {@code endOff}. */
    int prevOf(int endOff) {
        int len = 0;
        int shift = 0;
        int p = endOff - 1;
        byte b;
        while (true) {
            b = buf[p];
            len |= (b & 0x7f) << shift;
            if (b >= 0) {
                break;
            }
            shift += 7;
            p--;
        }
        return endOff - entrySize(len);
    }

    private static int writeEntry(byte[] dst, int off, byte[] v) {
        int len = v.length;
        int n = varSize(len);
        int x = len;
        for (int k = 0; k < n; k++) {
            dst[off++] = (byte) ((x & 0x7f) | (k < n - 1 ? 0x80 : 0));
            x >>>= 7;
        }
        System.arraycopy(v, 0, dst, off, len);
        off += len;
        // trailing length: the low group last, so a backwards reader meets it first; every group
        // but the highest says "more before me"
        for (int k = n - 1; k >= 0; k--) {
            dst[off++] = (byte) (((len >>> (7 * k)) & 0x7f) | (k < n - 1 ? 0x80 : 0));
        }
        return off;
    }

    // ---- Redis' listpack sizes ----

    /** Bytes of this element as a Redis listpack entry (encoding, data, back-length). */
    static int redisEntryBytes(byte[] b, int off, int len) {
        int enc;
        if (len < 21 && kv.util.Numbers.isLong(b, off, len)) {
            long v = kv.util.Numbers.parseLong(b, off, len);
            enc = v >= 0 && v <= 127 ? 1
                    : v >= -4096 && v <= 4095 ? 2
                    : v >= -32768 && v <= 32767 ? 3
                    : v >= -8388608 && v <= 8388607 ? 4
                    : v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? 5 : 9;
        } else {
            enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
        }
        int back = enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : enc < 268435455 ? 4 : 5;
        return enc + back;
    }

    /** What Redis' listpack of these elements occupies in bytes. */
    public long redisBytes() {
        return redisBytes;
    }

    // ---- room ----

    private void roomAtEnd(int n) {
        if (buf.length - end >= n) {
            return;
        }
        int used = end - start;
        if (start >= n && start >= used / 2) {
            // plenty of room at the front (a queue drained from the head): slide instead of growing
            System.arraycopy(buf, start, buf, 0, used);
            start = 0;
            end = used;
            return;
        }
        byte[] b = new byte[grow(used + n)];
        System.arraycopy(buf, start, b, 0, used);
        buf = b;
        start = 0;
        end = used;
    }

    private void roomAtStart(int n) {
        if (start >= n) {
            return;
        }
        int used = end - start;
        int cap = grow(used + n);
        byte[] b = cap <= buf.length ? buf : new byte[cap];
        int newStart = b.length - used;
        if (buf.length - end >= n && b == buf) {
            // room at the back: keep the array, shift right by half the spare
            newStart = start + (buf.length - end + 1) / 2;
            newStart = Math.max(newStart, n);
        }
        System.arraycopy(buf, start, b, newStart, used);
        buf = b;
        start = newStart;
        end = newStart + used;
    }

    private static int grow(int needed) {
        return needed < 64 ? needed + 8 : needed + (needed >> 1);
    }

    /** Drops the spare room (a quicklist node that is full will not grow again). */
    void compact() {
        int used = end - start;
        if (buf.length != used) {
            buf = used == 0 ? EMPTY : java.util.Arrays.copyOfRange(buf, start, end);
            start = 0;
            end = used;
        }
    }

    // ---- element access by offset ----

    int firstOffset() {
        return start;
    }

    int endOffset() {
        return end;
    }

    byte[] buffer() {
        return buf;
    }

    /** Offset of entry {@code index}, walking from the nearer end. */
    int offsetOf(int index) {
        if (index < count / 2) {
            int off = start;
            for (int i = 0; i < index; i++) {
                off = nextOf(off);
            }
            return off;
        }
        int off = end;
        for (int i = count; i > index; i--) {
            off = prevOf(off);
        }
        return off;
    }

    byte[] elementAt(int off) {
        int len = lenAt(off);
        byte[] v = new byte[len];
        System.arraycopy(buf, off + varSize(len), v, 0, len);
        return v;
    }

    boolean equalsAt(int off, byte[] v) {
        int len = lenAt(off);
        if (len != v.length) {
            return false;
        }
        int d = off + varSize(len);
        return java.util.Arrays.equals(buf, d, d + len, v, 0, len);
    }

    /** Inserts {@code v} so that its entry starts at {@code off}; returns the entry's offset. */
    int insertAt(int off, byte[] v) {
        int n = entrySize(v.length);
        if (off == end) {
            roomAtEnd(n);
            off = end;
            end = writeEntry(buf, end, v);
        } else if (off == start) {
            roomAtStart(n);
            start -= n;
            off = start;
            writeEntry(buf, start, v);
        } else {
            int rel = off - start;
            roomAtEnd(n);
            off = start + rel;
            System.arraycopy(buf, off, buf, off + n, end - off);
            writeEntry(buf, off, v);
            end += n;
        }
        count++;
        redisBytes += redisEntryBytes(v, 0, v.length);
        return off;
    }

    /** Removes the entry at {@code off}. */
    void removeAt(int off) {
        int len = lenAt(off);
        int n = entrySize(len);
        redisBytes -= redisEntryBytes(buf, off + varSize(len), len);
        if (off == start) {
            start += n;
        } else if (off + n == end) {
            end -= n;
        } else {
            System.arraycopy(buf, off + n, buf, off, end - off - n);
            end -= n;
        }
        count--;
        if (count == 0) {
            start = 0;
            end = 0;
        }
    }

    /** Removes the entries in {@code [from, to)} (offsets), {@code n} of them. */
    void removeRange(int from, int to, int n) {
        for (int off = from; off < to; off = nextOf(off)) {
            int len = lenAt(off);
            redisBytes -= redisEntryBytes(buf, off + varSize(len), len);
        }
        if (from == start) {
            start = to;
        } else if (to == end) {
            end = from;
        } else {
            System.arraycopy(buf, to, buf, from, end - to);
            end -= to - from;
        }
        count -= n;
        if (count == 0) {
            start = 0;
            end = 0;
        }
    }

    /** Replaces the entry at {@code off} with {@code v}. */
    void replaceAt(int off, byte[] v) {
        boolean atStart = off == start;
        removeAt(off);
        insertAt(atStart ? start : off, v);
    }

    /** Moves entries from index {@code from} on into a new node (for a split). */
    PackedList splitFrom(int from) {
        PackedList tail = new PackedList();
        int off = offsetOf(from);
        int n = count - from;
        int bytes = end - off;
        tail.buf = new byte[bytes];
        System.arraycopy(buf, off, tail.buf, 0, bytes);
        tail.end = bytes;
        tail.count = n;
        for (int o = 0; o < bytes; o = tail.nextOf(o)) {
            int len = tail.lenAt(o);
            tail.redisBytes += redisEntryBytes(tail.buf, o + varSize(len), len);
        }
        removeRange(off, end, n);
        return tail;
    }

    // ---- ListValue ----

    @Override
    public ValueType type() {
        return ValueType.LIST;
    }

    @Override
    public String encoding() {
        return "listpack";
    }

    @Override
    public long heapBytes() {
        return OBJECT_BYTES + (buf.length == 0 ? 0 : Memory.arrayBytes(buf.length));
    }

    @Override
    public boolean isEmpty() {
        return count == 0;
    }

    @Override
    public PackedList copy() {
        PackedList c = new PackedList();
        c.buf = count == 0 ? EMPTY : java.util.Arrays.copyOfRange(buf, start, end);
        c.start = 0;
        c.end = end - start;
        c.count = count;
        c.redisBytes = redisBytes;
        return c;
    }

    @Override
    public long size() {
        return count;
    }

    @Override
    public void push(boolean head, byte[] v, int fill) {
        insertAt(head ? start : end, v);
    }

    @Override
    public byte[] pop(boolean head) {
        if (count == 0) {
            return null;
        }
        int off = head ? start : prevOf(end);
        byte[] v = elementAt(off);
        removeAt(off);
        return v;
    }

    @Override
    public boolean popTo(boolean head, BulkSink out) {
        if (count == 0) {
            return false;
        }
        int off = head ? start : prevOf(end);
        int len = lenAt(off);
        out.bulk(buf, off + varSize(len), len);
        removeAt(off);
        return true;
    }

    @Override
    public byte[] get(long index) {
        return elementAt(offsetOf((int) index));
    }

    @Override
    public void set(long index, byte[] v, int fill) {
        replaceAt(offsetOf((int) index), v);
    }

    @Override
    public void insert(long index, byte[] v, int fill) {
        insertAt(index == count ? end : offsetOf((int) index), v);
    }

    @Override
    public long removeMatching(byte[] v, long limit) {
        long removed = 0;
        if (limit >= 0) {
            int off = start;
            while (off < end && (limit == 0 || removed < limit)) {
                if (equalsAt(off, v)) {
                    boolean atStart = off == start;
                    removeAt(off);
                    removed++;
                    if (atStart) {
                        off = start;
                    }
                } else {
                    off = nextOf(off);
                }
            }
            return removed;
        }
        // backwards: "after" (bytes behind the cursor) survives removals in front of it
        int off = end;
        while (off > start && removed < -limit) {
            int p = prevOf(off);
            if (equalsAt(p, v)) {
                int after = end - off;
                removeAt(p);
                removed++;
                off = end - after;
            } else {
                off = p;
            }
        }
        return removed;
    }

    @Override
    public void trim(long from, long keep) {
        int f = (int) from;
        int k = (int) keep;
        int tailCut = count - f - k;
        if (tailCut > 0) {
            int off = offsetOf(f + k);
            removeRange(off, end, tailCut);
        }
        if (f > 0) {
            int off = offsetOf(f);
            removeRange(start, off, f);
        }
    }

    @Override
    public void visit(long from, boolean forward, ElementVisitor visitor) {
        if (count == 0 || from < 0 || from >= count) {
            return;
        }
        int off = offsetOf((int) from);
        if (forward) {
            for (; off < end; off = nextOf(off)) {
                int len = lenAt(off);
                if (!visitor.element(buf, off + varSize(len), len)) {
                    return;
                }
            }
        } else {
            while (true) {
                int len = lenAt(off);
                if (!visitor.element(buf, off + varSize(len), len) || off == start) {
                    return;
                }
                off = prevOf(off);
            }
        }
    }
}
