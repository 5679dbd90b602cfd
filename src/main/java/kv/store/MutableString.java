package kv.store;

import java.util.Arrays;

/**
 * A string value that has been modified in place (APPEND, SETRANGE): it keeps spare capacity so
 * repeated appends are amortised O(1). Redis reports this encoding as "raw".
 */
final class MutableString {
    private static final int MAX_PREALLOC = 1024 * 1024;

    private byte[] buf;
    private int length;

    MutableString(byte[] initial, int extraCapacity) {
        this.buf = Arrays.copyOf(initial, grownCapacity(initial.length + extraCapacity));
        this.length = initial.length;
    }

    private MutableString(byte[] exact) {
        this.buf = exact;
        this.length = exact.length;
    }

    /** A growable string that takes over {@code exact} as its buffer (no copy, no spare room). */
    static MutableString wrap(byte[] exact) {
        return new MutableString(exact);
    }

    /** Grows to {@code n} bytes, zero-filled (bytes past the length are always zero already). */
    void extendTo(int n) {
        if (n > length) {
            ensureLength(n);
            length = n;
        }
    }

    public byte[] buffer() {
        return buf;
    }

    public int length() {
        return length;
    }

    public void append(byte[] data) {
        ensureLength(length + data.length);
        System.arraycopy(data, 0, buf, length, data.length);
        length += data.length;
    }

    /** Writes {@code data} at {@code offset}, zero-padding any gap past the current end. */
    public void write(int offset, byte[] data) {
        int end = offset + data.length;
        if (end > length) {
            ensureLength(end);
            length = end;
        }
        System.arraycopy(data, 0, buf, offset, data.length);
    }

    private void ensureLength(int needed) {
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, grownCapacity(needed));
        }
    }

    /** Doubles small strings, adds 1 MiB to large ones (like sds' greedy growth). */
    private static int grownCapacity(int needed) {
        long target = needed < MAX_PREALLOC ? needed * 2L : needed + (long) MAX_PREALLOC;
        return (int) Math.min(target, Integer.MAX_VALUE - 8);
    }

    public byte[] toBytes() {
        return Arrays.copyOf(buf, length);
    }

    public long heapBytes() {
        return 24 + Memory.arrayBytes(buf.length);
    }
}
