package kv.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Redis' intset: distinct 64-bit integers, sorted ascending, packed little-endian into one byte
 * array at the smallest width (2, 4 or 8 bytes) that holds them all. Adding a value that needs a
 * wider width re-encodes every element; the width never narrows again (as in Redis).
 */
final class IntSet {
    private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] data;
    private int width;
    private int size;

    IntSet() {
        this(new byte[0], 2, 0);
    }

    private IntSet(byte[] data, int width, int size) {
        this.data = data;
        this.width = width;
        this.size = size;
    }

    int size() {
        return size;
    }

    /** Element width in bytes: 2, 4 or 8. */
    int width() {
        return width;
    }

    long get(int i) {
        return read(data, width, i);
    }

    long min() {
        return get(0);
    }

    long max() {
        return get(size - 1);
    }

    private static long read(byte[] d, int w, int i) {
        switch (w) {
            case 2:
                return (short) SHORTS.get(d, i * 2);
            case 4:
                return (int) INTS.get(d, i * 4);
            default:
                return (long) LONGS.get(d, i * 8);
        }
    }

    private static void write(byte[] d, int w, int i, long v) {
        switch (w) {
            case 2:
                SHORTS.set(d, i * 2, (short) v);
                break;
            case 4:
                INTS.set(d, i * 4, (int) v);
                break;
            default:
                LONGS.set(d, i * 8, v);
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
    private int search(long v) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long m = get(mid);
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

    boolean contains(long v) {
        return widthFor(v) <= width && search(v) >= 0;
    }

    /** Adds {@code v}; false if it was present. */
    boolean add(long v) {
        int w = widthFor(v);
        if (w > width) {
            upgrade(w, v);
            return true;
        }
        int at = search(v);
        if (at >= 0) {
            return false;
        }
        at = -at - 1;
        ensureCapacity((size + 1) * width);
        System.arraycopy(data, at * width, data, (at + 1) * width, (size - at) * width);
        write(data, width, at, v);
        size++;
        return true;
    }

    /** Re-encodes at width {@code w}; {@code v} (out of the old range) goes first or last. */
    private void upgrade(int w, long v) {
        byte[] d = new byte[grown((size + 1) * w)];
        int offset = v < 0 ? 1 : 0;
        for (int i = 0; i < size; i++) {
            write(d, w, i + offset, read(data, width, i));
        }
        write(d, w, v < 0 ? 0 : size, v);
        data = d;
        width = w;
        size++;
    }

    boolean remove(long v) {
        if (widthFor(v) > width) {
            return false;
        }
        int at = search(v);
        if (at < 0) {
            return false;
        }
        removeAt(at);
        return true;
    }

    void removeAt(int at) {
        System.arraycopy(data, (at + 1) * width, data, at * width, (size - at - 1) * width);
        size--;
        if (data.length > 64 && size * width * 2 < data.length / 2) {
            data = Arrays.copyOf(data, size * width * 2);
        }
    }

    private void ensureCapacity(int bytes) {
        if (bytes > data.length) {
            data = Arrays.copyOf(data, grown(bytes));
        }
    }

    /**
     * Small intsets are sized exactly, as Redis reallocates them (memory per small set matters
     * more than the copy: an add is O(n) anyway); big ones get an eighth of room to grow.
     */
    private static int grown(int bytes) {
        return bytes < 256 ? bytes : bytes + bytes / 8;
    }

    long heapBytes() {
        return 24 + Memory.arrayBytes(data.length);
    }

    IntSet copy() {
        return new IntSet(Arrays.copyOf(data, size * width), width, size);
    }
}
