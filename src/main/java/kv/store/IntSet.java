package kv.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Redis' intset, packed tighter: a one-byte header holding the width (1 to 8 bytes), then the
 * distinct integers sorted ascending, little-endian two's complement, all at the smallest width
 * that holds them; the count is what the length says. Redis' own layout (4-byte width of 2, 4 or
 * 8, 4-byte count, the elements at that width) is made for RDB by {@link #toRedisLayout}: since
 * our width, like Redis', only grows with the widest value ever added, rounding it up to 2, 4 or
 * 8 gives exactly Redis' width. A set is this one array and nothing else; like Redis, every
 * change reallocates it exactly (an add or remove moves O(n) bytes anyway). Adding a value that
 * needs a wider width re-encodes every element; the width never narrows again.
 */
final class IntSet {
    private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int HEADER = 1;
    private static final int REDIS_HEADER = 8;

    private IntSet() {
    }

    static byte[] empty() {
        return allocate(1, 0);
    }

    private static byte[] allocate(int width, int size) {
        byte[] b = new byte[HEADER + width * size];
        b[0] = (byte) width;
        return b;
    }

    static int size(byte[] b) {
        return (b.length - HEADER) / b[0];
    }

    /** Element width in bytes, 1 to 8. */
    static int width(byte[] b) {
        return b[0];
    }

    /** The same set in Redis' intset layout (what RDB files hold): 4-byte width, 4-byte count, the elements. */
    static byte[] toRedisLayout(byte[] b) {
        int w = width(b);
        int size = size(b);
        int rw = w <= 2 ? 2 : w <= 4 ? 4 : 8;
        byte[] r = new byte[REDIS_HEADER + rw * size];
        INTS.set(r, 0, rw);
        INTS.set(r, 4, size);
        for (int i = 0; i < size; i++) {
            write(r, REDIS_HEADER, rw, i, read(b, w, i));
        }
        return r;
    }

    static long get(byte[] b, int i) {
        return read(b, width(b), i);
    }

    static long min(byte[] b) {
        return get(b, 0);
    }

    static long max(byte[] b) {
        return get(b, size(b) - 1);
    }

    private static long read(byte[] d, int w, int i) {
        int o = HEADER + i * w;
        switch (w) {
            case 1:
                return d[o];
            case 2:
                return (short) SHORTS.get(d, o);
            case 4:
                return (int) INTS.get(d, o);
            case 8:
                return (long) LONGS.get(d, o);
            default:
                long v = 0;
                for (int k = w - 1; k >= 0; k--) {
                    v = (v << 8) | (d[o + k] & 0xff);
                }
                int unused = 64 - 8 * w;
                return (v << unused) >> unused; // sign-extend
        }
    }

    private static void write(byte[] d, int w, int i, long v) {
        write(d, HEADER, w, i, v);
    }

    private static void write(byte[] d, int header, int w, int i, long v) {
        int o = header + i * w;
        switch (w) {
            case 2:
                SHORTS.set(d, o, (short) v);
                break;
            case 4:
                INTS.set(d, o, (int) v);
                break;
            case 8:
                LONGS.set(d, o, v);
                break;
            default:
                for (int k = 0; k < w; k++) {
                    d[o + k] = (byte) (v >>> (8 * k));
                }
        }
    }

    /** The fewest bytes that hold {@code v} in two's complement. */
    static int widthFor(long v) {
        // bits needed besides the sign: those of v, or of ~v for a negative v
        int significant = 64 - Long.numberOfLeadingZeros(v < 0 ? ~v : v);
        return significant / 8 + 1;
    }

    /** Index of {@code v}, or -(insertion point) - 1. */
    private static int search(byte[] b, long v) {
        int w = width(b);
        int lo = 0;
        int hi = size(b) - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long m = read(b, w, mid);
            if (m < v) {
                lo = mid + 1;
            } else if (m > v) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    static boolean contains(byte[] b, long v) {
        return widthFor(v) <= width(b) && search(b, v) >= 0;
    }

    /** The intset with {@code v} added: {@code b} itself if it was present, else a new array. */
    static byte[] add(byte[] b, long v) {
        int w = width(b);
        int size = size(b);
        int nw = widthFor(v);
        if (nw > w) {
            // v lies outside the old range: it goes first or last
            byte[] d = allocate(nw, size + 1);
            int offset = v < 0 ? 1 : 0;
            for (int i = 0; i < size; i++) {
                write(d, nw, i + offset, read(b, w, i));
            }
            write(d, nw, v < 0 ? 0 : size, v);
            return d;
        }
        int at = search(b, v);
        if (at >= 0) {
            return b;
        }
        at = -at - 1;
        byte[] d = allocate(w, size + 1);
        System.arraycopy(b, HEADER, d, HEADER, at * w);
        write(d, w, at, v);
        System.arraycopy(b, HEADER + at * w, d, HEADER + (at + 1) * w, (size - at) * w);
        return d;
    }

    /** The intset without {@code v}: {@code b} itself if it was absent, else a new array. */
    static byte[] remove(byte[] b, long v) {
        if (widthFor(v) > width(b)) {
            return b;
        }
        int at = search(b, v);
        return at < 0 ? b : removeAt(b, at);
    }

    static byte[] removeAt(byte[] b, int at) {
        int w = width(b);
        int size = size(b);
        byte[] d = allocate(w, size - 1);
        System.arraycopy(b, HEADER, d, HEADER, at * w);
        System.arraycopy(b, HEADER + (at + 1) * w, d, HEADER + at * w, (size - at - 1) * w);
        return d;
    }

    static byte[] copy(byte[] b) {
        return Arrays.copyOf(b, b.length);
    }
}
