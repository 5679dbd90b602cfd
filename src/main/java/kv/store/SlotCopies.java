package kv.store;

import java.util.Arrays;

/**
 * A {@link SlabKeyTable}'s slot arrays (record references, hashes, payload; the old table's too during a resize) as they were
 * at one instant, without copying them up front: the table calls {@link #beforeWrite} before it
 * changes any slot, and the unit of {@link #UNIT} slots holding it is copied then, once. Reads
 * come from the copy where one exists, else from the live chunk, whose unit is then known to be
 * unchanged. A unit the reader has {@link #release released} is never copied again. Data thread only.
 *
 * <p>The table's arrays of chunk references are copied at capture (a few KiB even for millions of
 * slots): a chunk the table allocates afterwards stays, for this copy, the shared empty chunk it
 * was, which nothing writes.
 */
final class SlotCopies {
    private static final int SHIFT = 12;
    /** Slots per copied unit: a chunk of the table ({@link HashSlots#CHUNK}) holds a whole number of them. */
    private static final int UNIT = 1 << SHIFT;

    /** The records the references point to: it defers frees while copies are kept. */
    private final KeySlab slab;
    /** [0] the current table at capture, [1] the old one of a resize (or null): the live reference chunks, to recognise writes. */
    private final long[][][] live = new long[2][][];
    /** The chunks as captured. */
    private final long[][][] keys = new long[2][][];
    private final int[][][] hashes = new int[2][][];
    private final Object[] payload = new Object[2];
    private final int[] capacity = new int[2];
    private final long[][][] keyUnits = new long[2][][];
    private final int[][][] hashUnits = new int[2][][];
    private final Object[][] payloadUnits = new Object[2][];
    private final boolean[][] released = new boolean[2][];
    /** Heap bytes of the unit copies held now: the snapshot's share of copy-on-write memory. */
    private long copiedBytes;

    SlotCopies(KeySlab slab, int capacity, long[][] k, int[][] h, Object p,
            int oldCapacity, long[][] oldK, int[][] oldH, Object oldP) {
        this.slab = slab;
        init(0, capacity, k, h, p);
        if (oldK != null) {
            init(1, oldCapacity, oldK, oldH, oldP);
        }
    }

    private void init(int a, int n, long[][] k, int[][] h, Object p) {
        live[a] = k;
        keys[a] = k.clone();
        hashes[a] = h.clone();
        // the payloads are values (Object[][]) or expiry times (long[][]); no reflection,
        // so the native image needs no array-class registration
        payload[a] = p == null ? null : p instanceof long[][] times ? times.clone() : ((Object[][]) p).clone();
        capacity[a] = n;
        int units = (n + UNIT - 1) >>> SHIFT;
        keyUnits[a] = new long[units][];
        hashUnits[a] = new int[units][];
        payloadUnits[a] = new Object[units];
        released[a] = new boolean[units];
    }

    /** Number of arrays captured: 1, or 2 during a resize. */
    int tables() {
        return keys[1] == null ? 1 : 2;
    }

    int length(int a) {
        return capacity[a];
    }

    int mask(int a) {
        return capacity[a] - 1;
    }

    void beforeWrite(long[][] array, int slot) {
        for (int a = 0; a < 2; a++) {
            if (array == live[a]) {
                int u = slot >>> SHIFT;
                int c = slot >>> HashSlots.CHUNK_SHIFT;
                if (keyUnits[a][u] == null && !released[a][u] && hashes[a][c] != HashSlots.NO_HASHES) {
                    int from = slot & HashSlots.CHUNK_MASK & -UNIT;
                    int to = from + Math.min(UNIT, capacity[a]);
                    keyUnits[a][u] = Arrays.copyOfRange(keys[a][c], from, to);
                    hashUnits[a][u] = Arrays.copyOfRange(hashes[a][c], from, to);
                    if (payload[a] != null) {
                        payloadUnits[a][u] = payload[a] instanceof long[][] times
                                ? Arrays.copyOfRange(times[c], from, to)
                                : Arrays.copyOfRange(((Object[][]) payload[a])[c], from, to);
                    }
                    copiedBytes += unitBytes(a, to - from);
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
        long[] unit = keyUnits[a][slot >>> SHIFT];
        return unit != null ? unit[slot & (UNIT - 1)] : keys[a][slot >>> HashSlots.CHUNK_SHIFT][slot & HashSlots.CHUNK_MASK];
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
        int[] unit = hashUnits[a][slot >>> SHIFT];
        return unit != null ? unit[slot & (UNIT - 1)] : hashes[a][slot >>> HashSlots.CHUNK_SHIFT][slot & HashSlots.CHUNK_MASK];
    }

    Object valueAt(int a, int slot) {
        Object unit = payloadUnits[a][slot >>> SHIFT];
        return unit != null ? ((Object[]) unit)[slot & (UNIT - 1)]
                : ((Object[][]) payload[a])[slot >>> HashSlots.CHUNK_SHIFT][slot & HashSlots.CHUNK_MASK];
    }

    long longAt(int a, int slot) {
        Object unit = payloadUnits[a][slot >>> SHIFT];
        return unit != null ? ((long[]) unit)[slot & (UNIT - 1)]
                : ((long[][]) payload[a])[slot >>> HashSlots.CHUNK_SHIFT][slot & HashSlots.CHUNK_MASK];
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

    /** A copied unit of {@code n} slots: record references (8 bytes), hashes (4), payload references or times. */
    private long unitBytes(int a, int n) {
        long payloadBytes = payload[a] == null ? 0 : Memory.align(16L + (payload[a] instanceof long[][] ? 8L : 4L) * n);
        return Memory.align(16L + 8L * n) + Memory.align(16L + 4L * n) + payloadBytes;
    }

    /** Heap bytes of the unit copies held now. */
    long copiedBytes() {
        return copiedBytes;
    }

    /** The reader is done with the unit of {@code slot}: drop its copy, copy it no more. */
    void release(int a, int slot) {
        int u = slot >>> SHIFT;
        if (keyUnits[a][u] != null) {
            copiedBytes -= unitBytes(a, keyUnits[a][u].length);
        }
        released[a][u] = true;
        keyUnits[a][u] = null;
        hashUnits[a][u] = null;
        payloadUnits[a][u] = null;
    }
}
