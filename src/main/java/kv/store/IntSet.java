package kv.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Redis' intset, with a one-byte header: the width (2, 4 or 8), then the distinct integers sorted
 * ascending, little-endian, all at the smallest width that holds them; the count is what the
 * length says. Redis' own layout (4-byte width, 4-byte count, the same elements) is made for RDB
 * by {@link #toRedisLayout}. A set is this one array and nothing else; like Redis, every change
 * reallocates it exactly (an add or remove moves O(n) bytes anyway). Adding a value that needs a
 * wider width re-encodes every element; the width never narrows again.
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
        return allocate(2, 0);
    }

    private static byte[] allocate(int width, int size) {
        byte[] b = new byte[HEADER + width * size];
        b[0] = (byte) width;
        return b;
    }

    static int size(byte[] b) {
        return (b.length - HEADER) / b[0];
    }

    /** Element width in bytes: 2, 4 or 8. */
    static int width(byte[] b) {
        return b[0];
    }

    /** The same set in Redis' intset layout (what RDB files hold): 4-byte width, 4-byte count, the elements. */
    static byte[] toRedisLayout(byte[] b) {
        byte[] r = new byte[REDIS_HEADER + b.length - HEADER];
        INTS.set(r, 0, width(b));
        INTS.set(r, 4, size(b));
        System.arraycopy(b, HEADER, r, REDIS_HEADER, b.length - HEADER);
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
        switch (w) {
            case 2:
                return (short) SHORTS.get(d, HEADER + i * 2);
            case 4:
                return (int) INTS.get(d, HEADER + i * 4);
            default:
                return (long) LONGS.get(d, HEADER + i * 8);
        }
    }

    private static void write(byte[] d, int w, int i, long v) {
        switch (w) {
            case 2:
                SHORTS.set(d, HEADER + i * 2, (short) v);
                break;
            case 4:
                INTS.set(d, HEADER + i * 4, (int) v);
                break;
            default:
                LONGS.set(d, HEADER + i * 8, v);
        }
    }

    static int widthFor(long v) {
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return 2;
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return 4;
        }
        return 8;
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
