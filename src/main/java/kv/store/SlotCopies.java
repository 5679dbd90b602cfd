package kv.store;

import java.util.Arrays;

/**
 * A {@link SlabKeyTable}'s slot arrays (record references, hashes, payload; the old table's too during a resize) as they were
 * at one instant, without copying them up front: the table calls {@link #beforeWrite} before it
 * changes any slot, and the chunk holding it is copied then, once. Reads come from the copy where
 * one exists, else from the live array, whose chunk is then known to be unchanged. A chunk the
 * reader has {@link #release released} is never copied again. Data thread only.
 */
final class SlotCopies {
    private static final int SHIFT = 12;
    private static final int CHUNK = 1 << SHIFT;

    /** The records the references point to: it defers frees while copies are kept. */
    private final KeySlab slab;
    /** [0] the current table at capture, [1] the old one of a resize (or null). */
    private final long[][] keys = new long[2][];
    private final int[][] hashes = new int[2][];
    private final Object[] payload = new Object[2];
    private final long[][][] keyChunks = new long[2][][];
    private final int[][][] hashChunks = new int[2][][];
    private final Object[][] payloadChunks = new Object[2][];
    private final boolean[][] released = new boolean[2][];
    /** Heap bytes of the chunk copies held now: the snapshot's share of copy-on-write memory. */
    private long copiedBytes;

    SlotCopies(KeySlab slab, long[] k, int[] h, Object p, long[] oldK, int[] oldH, Object oldP) {
        this.slab = slab;
        init(0, k, h, p);
        if (oldK != null) {
            init(1, oldK, oldH, oldP);
        }
    }

    private void init(int a, long[] k, int[] h, Object p) {
        keys[a] = k;
        hashes[a] = h;
        payload[a] = p;
        int chunks = (k.length + CHUNK - 1) >>> SHIFT;
        keyChunks[a] = new long[chunks][];
        hashChunks[a] = new int[chunks][];
        payloadChunks[a] = new Object[chunks];
        released[a] = new boolean[chunks];
    }

    /** Number of arrays captured: 1, or 2 during a resize. */
    int tables() {
        return keys[1] == null ? 1 : 2;
    }

    int length(int a) {
        return keys[a].length;
    }

    int mask(int a) {
        return keys[a].length - 1;
    }

    void beforeWrite(long[] array, int slot) {
        for (int a = 0; a < 2; a++) {
            if (array == keys[a]) {
                int c = slot >>> SHIFT;
                if (keyChunks[a][c] == null && !released[a][c]) {
                    int from = c << SHIFT;
                    int to = Math.min(keys[a].length, from + CHUNK);
                    keyChunks[a][c] = Arrays.copyOfRange(keys[a], from, to);
                    hashChunks[a][c] = Arrays.copyOfRange(hashes[a], from, to);
                    if (payload[a] != null) {
                        // the payloads are values (Object[]) or expiry times (long[]); no reflection,
                        // so the native image needs no array-class registration
                        payloadChunks[a][c] = payload[a] instanceof long[] times
                                ? Arrays.copyOfRange(times, from, to)
                                : Arrays.copyOfRange((Object[]) payload[a], from, to);
                    }
                    copiedBytes += chunkBytes(a, to - from);
                }
                return;
            }
        }
    }

    /** The record of slot {@code slot} of table {@code a} at capture: 0 if empty or migrated. */
    long refAt(int a, int slot) {
        if (hashAt(a, slot) == HashSlots.MOVED) {
            return 0;
        }
        long[] chunk = keyChunks[a][slot >>> SHIFT];
        return chunk != null ? chunk[slot & (CHUNK - 1)] : keys[a][slot];
    }

    /** A copy of the key in slot {@code slot} of table {@code a} at capture: null if empty or migrated. */
    byte[] keyAt(int a, int slot) {
        long r = refAt(a, slot);
        return r == 0 ? null : slab.key(r);
    }

    KeySlab slab() {
        return slab;
    }

    private int hashAt(int a, int slot) {
        int[] chunk = hashChunks[a][slot >>> SHIFT];
        return chunk != null ? chunk[slot & (CHUNK - 1)] : hashes[a][slot];
    }

    Object valueAt(int a, int slot) {
        Object chunk = payloadChunks[a][slot >>> SHIFT];
        return chunk != null ? ((Object[]) chunk)[slot & (CHUNK - 1)] : ((Object[]) payload[a])[slot];
    }

    long longAt(int a, int slot) {
        Object chunk = payloadChunks[a][slot >>> SHIFT];
        return chunk != null ? ((long[]) chunk)[slot & (CHUNK - 1)] : ((long[]) payload[a])[slot];
    }

    /**
     * Where {@code key} was at capture: {@code a << 31 | slot} packed in a long, or -1. Probes as
     * the table does: by hash first, an empty slot ends the run, a migrated one does not.
     */
    long find(byte[] key, int off, int len) {
        int h = KeyHash.hash(key, off, len);
        for (int a = 0; a < tables(); a++) {
            int m = mask(a);
            int i = h & m;
            while (true) {
                int hi = hashAt(a, i);
                if (hi == HashSlots.EMPTY) {
                    break;
                }
                if (hi == h) {
                    long r = refAt(a, i);
                    if (slab.keyEquals(r, key, off, len)) {
                        return ((long) a << 31) | i;
                    }
                }
                i = (i + 1) & m;
            }
        }
        return -1;
    }

    /** A copied chunk of {@code n} slots: record references (8 bytes), hashes (4), payload references or times. */
    private long chunkBytes(int a, int n) {
        long payloadBytes = payload[a] == null ? 0 : Memory.align(16L + (payload[a] instanceof long[] ? 8L : 4L) * n);
        return Memory.align(16L + 8L * n) + Memory.align(16L + 4L * n) + payloadBytes;
    }

    /** Heap bytes of the chunk copies held now. */
    long copiedBytes() {
        return copiedBytes;
    }

    /** The reader is done with the chunk of {@code slot}: drop its copy, copy it no more. */
    void release(int a, int slot) {
        int c = slot >>> SHIFT;
        if (keyChunks[a][c] != null) {
            copiedBytes -= chunkBytes(a, keyChunks[a][c].length);
        }
        released[a][c] = true;
        keyChunks[a][c] = null;
        hashChunks[a][c] = null;
        payloadChunks[a][c] = null;
    }
}
