package kv.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;


/**
 * The small encoding ("listpack"): one exactly sized byte array of entries in set order. An entry
 * is a varint header {@code memberLength << 1 | isDouble}, the member bytes, then the score: an
 * integral score of at most 2^53 in magnitude as a zigzag varint (1 byte for 0..63), any other
 * as its 8 bytes. Every operation is a linear walk, as in Redis' listpack; each change allocates
 * the new array (Redis reallocs too), so the array never carries slack.
 */
final class PackedZset implements ZsetEncoding {
    private static final VarHandle DOUBLES = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] EMPTY = new byte[0];
    private static final double MAX_EXACT = 9007199254740992.0; // 2^53

    /** Where the array lives: the sorted set value itself holds it, this is a short-lived view. */
    private final SortedSet owner;
    private byte[] buf;
    /** Entries, counted on first use (-1 before). */
    private int count = -1;

    PackedZset(SortedSet owner) {
        this.owner = owner;
        this.buf = owner.packedBytes();
    }

    static byte[] empty() {
        return EMPTY;
    }

    @Override
    public int size() {
        if (count < 0) {
            Entry e = new Entry(buf);
            int n = 0;
            for (boolean ok = e.at(0); ok; ok = e.next()) {
                n++;
            }
            count = n;
        }
        return count;
    }

    private void replace(byte[] nb, int delta) {
        if (count >= 0) {
            count += delta;
        }
        buf = nb;
        owner.packedBytes(nb);
    }

    // ---- entry layout: one reusable reader (one thread owns the data) ----

    /** Decodes the entry at {@link #off} of {@link #buf}: member at [start, start+len), score, next entry at end. */
    private static final class Entry {
        final byte[] buf;
        int off;
        int start;
        int len;
        double score;
        int end;

        Entry(byte[] buf) {
            this.buf = buf;
        }

        /** Positions on the entry at {@code at}; false at the end of the array. */
        boolean at(int at) {
            off = at;
            if (at >= buf.length) {
                return false;
            }
            int p = at;
            int header = 0;
            int shift = 0;
            byte b;
            do {
                b = buf[p++];
                header |= (b & 0x7f) << shift;
                shift += 7;
            } while (b < 0);
            len = header >>> 1;
            start = p;
            p += len;
            if ((header & 1) != 0) {
                score = (double) DOUBLES.get(buf, p);
                end = p + 8;
            } else {
                long v = 0;
                shift = 0;
                do {
                    b = buf[p++];
                    v |= (long) (b & 0x7f) << shift;
                    shift += 7;
                } while (b < 0);
                score = (double) ((v >>> 1) ^ -(v & 1));
                end = p;
            }
            return true;
        }

        boolean next() {
            return at(end);
        }

        boolean memberEquals(byte[] member) {
            return len == member.length && Arrays.equals(buf, start, start + len, member, 0, len);
        }

        /** Sign of this entry compared with (score, member). */
        int compareTo(double s, byte[] member) {
            return ZsetOrder.compare(score, buf, start, len, s, member);
        }

        byte[] member() {
            return Arrays.copyOfRange(buf, start, start + len);
        }
    }

    private static boolean integral(double s) {
        return s == Math.rint(s) && Math.abs(s) <= MAX_EXACT;
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    private static int putVarint(byte[] b, int p, long v) {
        while ((v & ~0x7fL) != 0) {
            b[p++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
    }

    private static long zigzag(double s) {
        long v = (long) s;
        return (v << 1) ^ (v >> 63);
    }

    private static int entrySize(byte[] member, double score) {
        boolean isInt = integral(score);
        int header = varintSize(((long) member.length << 1) | (isInt ? 0 : 1));
        return header + member.length + (isInt ? varintSize(zigzag(score)) : 8);
    }

    private static void writeEntry(byte[] b, int p, byte[] member, double score) {
        boolean isInt = integral(score);
        p = putVarint(b, p, ((long) member.length << 1) | (isInt ? 0 : 1));
        System.arraycopy(member, 0, b, p, member.length);
        p += member.length;
        if (isInt) {
            putVarint(b, p, zigzag(score));
        } else {
            DOUBLES.set(b, p, score);
        }
    }

    /** The entry of {@code member}, or null. */
    private Entry find(byte[] member) {
        int at = offsetOf(buf, member);
        if (at < 0) {
            return null;
        }
        Entry e = new Entry(buf);
        e.at(at);
        return e;
    }

    /**
     * Offset of the entry holding {@code member}, or -1; scores are skipped, not decoded, and a
     * member's last byte is compared before the whole (members often share a prefix).
     */
    private static int offsetOf(byte[] b, byte[] member) {
        int length = member.length;
        byte last = length == 0 ? 0 : member[length - 1];
        int p = 0;
        while (p < b.length) {
            int at = p;
            int header = 0;
            int shift = 0;
            byte x;
            do {
                x = b[p++];
                header |= (x & 0x7f) << shift;
                shift += 7;
            } while (x < 0);
            int len = header >>> 1;
            if (len == length && (len == 0 || b[p + len - 1] == last) && Arrays.equals(b, p, p + len, member, 0, len)) {
                return at;
            }
            p += len;
            if ((header & 1) != 0) {
                p += 8;
            } else {
                while (b[p++] < 0) {
                    // the varint's continuation bytes
                }
            }
        }
        return -1;
    }

    @Override
    public double score(byte[] member) {
        return score(buf, member);
    }

    /**
     * The score of {@code member} in the packed entries {@code b}, NaN if absent: a static path for
     * the sorted set's hot lookup, which then allocates no view.
     */
    static double score(byte[] b, byte[] member) {
        int at = offsetOf(b, member);
        if (at < 0) {
            return Double.NaN;
        }
        Entry e = new Entry(b);
        e.at(at);
        return e.score;
    }

    @Override
    public void insert(byte[] member, double score) {
        replace(inserted(buf, insertionPoint(member, score, -1), member, score), 1);
    }

    /**
     * The packed entries {@code b} with the absent {@code member} added, or null if the set would
     * then hold more than {@code maxEntries} entries. One walk both finds the place and counts the
     * entries; static, so ZADD's insertion allocates no view.
     */
    static byte[] insertWithin(byte[] b, byte[] member, double score, long maxEntries) {
        int at = b.length;
        int entries = 0;
        Entry e = new Entry(b);
        for (boolean ok = e.at(0); ok; ok = e.next()) {
            if (at == b.length && e.compareTo(score, member) > 0) {
                at = e.off;
            }
            entries++;
        }
        return entries + 1 > maxEntries ? null : inserted(b, at, member, score);
    }

    /** A copy of {@code b} with the entry (member, score) at offset {@code at}. */
    private static byte[] inserted(byte[] b, int at, byte[] member, double score) {
        int size = entrySize(member, score);
        byte[] nb = new byte[b.length + size];
        System.arraycopy(b, 0, nb, 0, at);
        writeEntry(nb, at, member, score);
        System.arraycopy(b, at, nb, at + size, b.length - at);
        return nb;
    }

    /** Offset of the first entry, other than the one at {@code skip}, that sorts after (score, member); the array's end if none. */
    private int insertionPoint(byte[] member, double score, int skip) {
        Entry e = new Entry(buf);
        for (boolean ok = e.at(0); ok; ok = e.next()) {
            if (e.off != skip && e.compareTo(score, member) > 0) {
                return e.off;
            }
        }
        return buf.length;
    }

    /** Moves the member's entry to its new place in one new array (not a removal, then an insertion: two). */
    @Override
    public void update(byte[] member, double old, double score) {
        Entry e = find(member);
        int from = e.off;
        int to = e.end;
        int at = insertionPoint(member, score, from);
        int size = entrySize(member, score);
        byte[] nb = new byte[buf.length - (to - from) + size];
        if (at <= from) {
            // [0, at) new [at, from) [to, end)
            System.arraycopy(buf, 0, nb, 0, at);
            writeEntry(nb, at, member, score);
            System.arraycopy(buf, at, nb, at + size, from - at);
            System.arraycopy(buf, to, nb, from + size, buf.length - to);
        } else {
            // [0, from) [to, at) new [at, end)
            System.arraycopy(buf, 0, nb, 0, from);
            System.arraycopy(buf, to, nb, from, at - to);
            int mid = from + at - to;
            writeEntry(nb, mid, member, score);
            System.arraycopy(buf, at, nb, mid + size, buf.length - at);
        }
        replace(nb, 0);
    }

    private void removeSpan(int from, int to, int entries) {
        byte[] nb = new byte[buf.length - (to - from)];
        System.arraycopy(buf, 0, nb, 0, from);
        System.arraycopy(buf, to, nb, from, buf.length - to);
        replace(nb, -entries);
    }

    @Override
    public boolean delete(byte[] member) {
        Entry e = find(member);
        if (e == null) {
            return false;
        }
        removeSpan(e.off, e.end, 1);
        return true;
    }

    @Override
    public int rank(byte[] member, double score) {
        Entry e = new Entry(buf);
        int rank = 0;
        for (boolean ok = e.at(0); ok; ok = e.next(), rank++) {
            if (e.memberEquals(member)) {
                return rank;
            }
        }
        return -1;
    }

    @Override
    public int prefixLength(Before before) {
        Entry e = new Entry(buf);
        int n = 0;
        for (boolean ok = e.at(0); ok && before.test(buf, e.start, e.len, e.score); ok = e.next()) {
            n++;
        }
        return n;
    }

    private int offsetOfRank(int rank) {
        Entry e = new Entry(buf);
        e.at(0);
        for (int i = 0; i < rank; i++) {
            e.next();
        }
        return e.off;
    }

    @Override
    public ZsetCursor cursor(int rank, boolean reverse) {
        if (!reverse) {
            Entry e = new Entry(buf);
            e.at(offsetOfRank(rank));
            return new ZsetCursor() {
                boolean valid = e.off < buf.length;

                @Override
                public boolean valid() {
                    return valid;
                }

                @Override
                public byte[] member() {
                    return e.member();
                }

                @Override
                public double score() {
                    return e.score;
                }

                @Override
                public void advance() {
                    valid = e.next();
                }
            };
        }
        int[] offsets = new int[rank + 1];
        Entry e = new Entry(buf);
        e.at(0);
        for (int i = 0; i <= rank; i++) {
            offsets[i] = e.off;
            e.next();
        }
        e.at(offsets[rank]);
        return new ZsetCursor() {
            int index = rank;

            @Override
            public boolean valid() {
                return index >= 0;
            }

            @Override
            public byte[] member() {
                return e.member();
            }

            @Override
            public double score() {
                return e.score;
            }

            @Override
            public void advance() {
                if (--index >= 0) {
                    e.at(offsets[index]);
                }
            }
        };
    }

    @Override
    public void deleteRange(int from, int to) {
        int start = offsetOfRank(from);
        Entry e = new Entry(buf);
        e.at(start);
        for (int i = from; i < to; i++) {
            e.next();
        }
        removeSpan(start, e.end, to - from + 1);
    }

    @Override
    public long heapBytes() {
        return Memory.arrayBytes(buf.length);
    }

    @Override
    public ZsetEncoding copy() {
        throw new UnsupportedOperationException("a packed set is copied by its owner");
    }
}
