package kv.store;

/**
 * Heap footprint estimates for 64-bit HotSpot with compressed references (heaps under 32 GiB):
 * 12-byte object headers, 16-byte array headers, 8-byte alignment. used_memory is the sum of
 * these over keys, values and table slots.
 */
public final class Memory {
    private Memory() {
    }

    public static long arrayBytes(int length) {
        return align(16L + length);
    }

    public static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
