package kv.store.zset;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import kv.store.Memory;

/**
 * The small encoding ("listpack"): one byte array of entries in set order, each a varint member
 * length, the member bytes and the score's 8 bytes. Every operation is a linear walk, which is
 * what Redis does too for these few elements.
 */
final class PackedZset implements ZsetEncoding {
    private static final VarHandle DOUBLES = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] EMPTY = new byte[0];

    private byte[] buf;
    private int used;
    private int count;

    PackedZset(int capacity) {
        buf = capacity == 0 ? EMPTY : new byte[capacity];
    }

    private PackedZset(byte[] buf, int used, int count) {
        this.buf = buf;
        this.used = used;
        this.count = count;
    }

    @Override
    public int size() {
        return count;
    }

    // ---- entry layout ----

    private int lengthAt(int off) {
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

    private static int varintSize(int v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    /** Offset of the member bytes of the entry at {@code off}. */
    private int memberStart(int off, int len) {
        return off + varintSize(len);
    }

    private double scoreAt(int memberStart, int len) {
        return (double) DOUBLES.get(buf, memberStart + len);
    }

    private int next(int off) {
        int len = lengthAt(off);
        return memberStart(off, len) + len + 8;
    }

    private boolean memberEquals(int start, int len, byte[] member) {
        return len == member.length && Arrays.equals(buf, start, start + len, member, 0, len);
    }

    /** Offset of {@code member}'s entry, or -1. */
    private int find(byte[] member) {
        for (int off = 0; off < used; ) {
            int len = lengthAt(off);
            int start = memberStart(off, len);
            if (memberEquals(start, len, member)) {
                return off;
            }
            off = start + len + 8;
        }
        return -1;
    }

    @Override
    public double score(byte[] member) {
        int off = find(member);
        if (off < 0) {
            return Double.NaN;
        }
        int len = lengthAt(off);
        return scoreAt(memberStart(off, len), len);
    }

    @Override
    public void insert(byte[] member, double score) {
        int off = 0;
        while (off < used) {
            int len = lengthAt(off);
            int start = memberStart(off, len);
            if (ZsetOrder.compare(scoreAt(start, len), buf, start, len, score, member) > 0) {
                break;
            }
            off = start + len + 8;
        }
        int entry = varintSize(member.length) + member.length + 8;
        if (used + entry > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(used + entry, used + (used >> 1)));
        }
        System.arraycopy(buf, off, buf, off + entry, used - off);
        int p = off;
        int v = member.length;
        while ((v & ~0x7f) != 0) {
            buf[p++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[p++] = (byte) v;
        System.arraycopy(member, 0, buf, p, member.length);
        DOUBLES.set(buf, p + member.length, score);
        used += entry;
        count++;
    }

    @Override
    public void update(byte[] member, double old, double score) {
        int off = find(member);
        int len = lengthAt(off);
        int start = memberStart(off, len);
        // stays in place when the neighbours still bracket the new score
        int prev = previous(off);
        int nxt = start + len + 8;
        boolean afterPrev = prev < 0 || compareEntry(prev, score, member) < 0;
        boolean beforeNext = nxt >= used || compareEntry(nxt, score, member) > 0;
        if (afterPrev && beforeNext) {
            DOUBLES.set(buf, start + len, score);
            return;
        }
        removeAt(off, nxt);
        insert(member, score);
    }

    /** Sign of (entry at off) compared with (score, member). */
    private int compareEntry(int off, double score, byte[] member) {
        int len = lengthAt(off);
        int start = memberStart(off, len);
        return ZsetOrder.compare(scoreAt(start, len), buf, start, len, score, member);
    }

    private int previous(int off) {
        int prev = -1;
        for (int p = 0; p < off; p = next(p)) {
            prev = p;
        }
        return prev;
    }

    private void removeAt(int off, int end) {
        System.arraycopy(buf, end, buf, off, used - end);
        used -= end - off;
        count--;
    }

    @Override
    public boolean delete(byte[] member) {
        int off = find(member);
        if (off < 0) {
            return false;
        }
        removeAt(off, next(off));
        shrinkIfSparse();
        return true;
    }

    private void shrinkIfSparse() {
        if (buf.length > 64 && used < buf.length / 2) {
            buf = Arrays.copyOf(buf, used + (used >> 2));
        }
    }

    @Override
    public int rank(byte[] member, double score) {
        int rank = 0;
        for (int off = 0; off < used; rank++) {
            int len = lengthAt(off);
            int start = memberStart(off, len);
            if (memberEquals(start, len, member)) {
                return rank;
            }
            off = start + len + 8;
        }
        return -1;
    }

    @Override
    public int prefixLength(Before before) {
        int n = 0;
        for (int off = 0; off < used; n++) {
            int len = lengthAt(off);
            int start = memberStart(off, len);
            if (!before.test(buf, start, len, scoreAt(start, len))) {
                break;
            }
            off = start + len + 8;
        }
        return n;
    }

    private int offsetOfRank(int rank) {
        int off = 0;
        for (int i = 0; i < rank; i++) {
            off = next(off);
        }
        return off;
    }

    @Override
    public ZsetCursor cursor(int rank, boolean reverse) {
        if (!reverse) {
            return new ForwardCursor(offsetOfRank(rank));
        }
        int[] offsets = new int[rank + 1];
        int off = 0;
        for (int i = 0; i <= rank; i++) {
            offsets[i] = off;
            off = next(off);
        }
        return new ReverseCursor(offsets);
    }

    @Override
    public void deleteRange(int from, int to) {
        int start = offsetOfRank(from);
        int end = start;
        for (int i = from; i <= to; i++) {
            end = next(end);
        }
        System.arraycopy(buf, end, buf, start, used - end);
        used -= end - start;
        count -= to - from + 1;
        shrinkIfSparse();
    }

    @Override
    public long heapBytes() {
        // object header + 3 fields, and the array
        return 24 + Memory.arrayBytes(buf.length);
    }

    @Override
    public ZsetEncoding copy() {
        return new PackedZset(Arrays.copyOf(buf, used), used, count);
    }

    /** Longest member, for choosing an encoding for a copy. */
    int maxMemberLength() {
        int max = 0;
        for (int off = 0; off < used; off = next(off)) {
            max = Math.max(max, lengthAt(off));
        }
        return max;
    }

    private abstract class PackedCursor implements ZsetCursor {
        int off;
        int len;
        int start;

        void load() {
            if (off >= 0 && off < used) {
                len = lengthAt(off);
                start = memberStart(off, len);
            }
        }

        @Override
        public byte[] member() {
            return Arrays.copyOfRange(buf, start, start + len);
        }

        @Override
        public double score() {
            return scoreAt(start, len);
        }
    }

    private final class ForwardCursor extends PackedCursor {
        ForwardCursor(int off) {
            this.off = off;
            load();
        }

        @Override
        public boolean valid() {
            return off < used;
        }

        @Override
        public void advance() {
            off = start + len + 8;
            load();
        }
    }

    private final class ReverseCursor extends PackedCursor {
        private final int[] offsets;
        private int index;

        ReverseCursor(int[] offsets) {
            this.offsets = offsets;
            index = offsets.length - 1;
            off = offsets[index];
            load();
        }

        @Override
        public boolean valid() {
            return index >= 0;
        }

        @Override
        public void advance() {
            index--;
            if (index >= 0) {
                off = offsets[index];
                load();
            }
        }
    }
}
