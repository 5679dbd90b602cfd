package kv.store;

import java.util.Arrays;

/**
 * Open-addressing hash table keyed by byte arrays, with linear probing and backward-shift
 * deletion (no tombstones). Keys and their cached hashes live in parallel arrays; subclasses keep
 * their per-slot payload in more parallel arrays, so an entry costs no object of its own.
 *
 * <p>Capacity is a power of two and an entry's <em>home bucket</em> is {@code hash & mask}. Linear
 * probing keeps every entry in the run of occupied slots starting at its home bucket, which lets
 * {@link #scan} visit entries by home bucket exactly as Redis' chained dict visits buckets: its
 * reverse-binary cursor then gives the same guarantees while the table grows or shrinks.
 */
abstract class OpenKeyTable {
    private static final int MIN_CAPACITY = 8;

    protected byte[][] keys;
    protected int[] hashes;
    protected int mask;
    protected int size;
    /** Resizing is deferred while an iteration that must see stable slots is in progress. */
    private int pauseResize;

    OpenKeyTable() {
        keys = new byte[MIN_CAPACITY][];
        hashes = new int[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
        allocatePayload(MIN_CAPACITY);
    }

    /** Allocates fresh payload arrays of the given capacity, keeping the current ones aside. */
    protected abstract void allocatePayload(int capacity);

    /** Moves the payload of slot {@code from} of the set-aside arrays to slot {@code to} of the fresh ones. */
    protected abstract void movePayloadFromOld(int from, int to);

    /** Drops the set-aside arrays once a resize is done. */
    protected abstract void dropOldPayload();

    /** Moves the payload of slot {@code from} to slot {@code to} within the current arrays. */
    protected abstract void shiftPayload(int from, int to);

    protected abstract void clearPayload(int slot);

    public final int size() {
        return size;
    }

    public final int capacity() {
        return mask + 1;
    }

    /** The slot holding {@code key}, or -1. */
    public final int find(byte[] key) {
        int h = KeyHash.hash(key);
        int i = h & mask;
        byte[][] ks = keys;
        while (true) {
            byte[] k = ks[i];
            if (k == null) {
                return -1;
            }
            if (hashes[i] == h && Arrays.equals(k, key)) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * The slot holding {@code key}, inserting the key (its payload cleared) if absent. Slot
     * numbers stay valid until the next insertion or removal.
     */
    protected final int findOrInsert(byte[] key) {
        int h = KeyHash.hash(key);
        int i = h & mask;
        while (true) {
            byte[] k = keys[i];
            if (k == null) {
                break;
            }
            if (hashes[i] == h && Arrays.equals(k, key)) {
                return i;
            }
            i = (i + 1) & mask;
        }
        if (pauseResize == 0 && (size + 1) * 4L > (mask + 1) * 3L) {
            resize((mask + 1) * 2);
            i = h & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
        }
        keys[i] = key;
        hashes[i] = h;
        size++;
        return i;
    }

    public final byte[] keyAt(int slot) {
        return keys[slot];
    }

    /** Removes the entry in {@code slot}, closing the gap by shifting later run members back. */
    protected final void removeAt(int slot) {
        int gap = slot;
        int i = slot;
        while (true) {
            i = (i + 1) & mask;
            byte[] k = keys[i];
            if (k == null) {
                break;
            }
            int home = hashes[i] & mask;
            // move i into the gap unless its home lies cyclically in (gap, i]
            boolean homeBetween = gap <= i ? (gap < home && home <= i) : (gap < home || home <= i);
            if (!homeBetween) {
                keys[gap] = k;
                hashes[gap] = hashes[i];
                shiftPayload(i, gap);
                gap = i;
            }
        }
        keys[gap] = null;
        clearPayload(gap);
        size--;
        if (pauseResize == 0) {
            maybeShrink();
        }
    }

    private void maybeShrink() {
        int capacity = mask + 1;
        if (capacity > MIN_CAPACITY && size * 8L < capacity) {
            int target = MIN_CAPACITY;
            while (target * 3L < size * 4L + 4) {
                target <<= 1;
            }
            // leave room to grow: aim for at most half full
            while (target < size * 2) {
                target <<= 1;
            }
            if (target < capacity) {
                resize(target);
            }
        }
    }

    private void resize(int capacity) {
        byte[][] oldKeys = keys;
        int[] oldHashes = hashes;
        keys = new byte[capacity][];
        hashes = new int[capacity];
        mask = capacity - 1;
        allocatePayload(capacity);
        for (int j = 0; j < oldKeys.length; j++) {
            byte[] k = oldKeys[j];
            if (k != null) {
                int h = oldHashes[j];
                int i = h & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
                hashes[i] = h;
                movePayloadFromOld(j, i);
            }
        }
        dropOldPayload();
    }

    /** Removes everything, returning to the minimum capacity. */
    public void clear() {
        keys = new byte[MIN_CAPACITY][];
        hashes = new int[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
        size = 0;
        allocatePayload(MIN_CAPACITY);
        dropOldPayload();
    }

    /** Visits the entries whose home bucket is {@code bucket}. */
    public interface SlotVisitor {
        void visit(int slot);
    }

    /**
     * One step of a SCAN: visits the entries of the home bucket selected by {@code cursor} and
     * returns the next cursor (0 when the iteration is complete). The cursor counts up in the
     * reversed bit order of the bucket index, so the buckets visited before a resize map onto
     * buckets already visited after it.
     */
    public final long scanStep(long cursor, SlotVisitor visitor) {
        if (size == 0) {
            return 0;
        }
        int m = mask;
        int bucket = (int) (cursor & m);
        // visitors may delete expired entries; keep slots stable while this bucket is walked
        pauseResize++;
        try {
            visitBucket(bucket, visitor);
        } finally {
            pauseResize--;
        }
        // set the bits above the mask so the increment of the reversed value carries into the masked bits
        long v = cursor | ~(long) m;
        v = Long.reverse(v);
        v++;
        return Long.reverse(v);
    }

    private void visitBucket(int bucket, SlotVisitor visitor) {
        int i = bucket;
        // collect first: a visitor that removes entries would shift the run under our feet
        int found = 0;
        int[] slots = null;
        while (keys[i] != null) {
            if ((hashes[i] & mask) == bucket) {
                if (slots == null) {
                    slots = new int[4];
                } else if (found == slots.length) {
                    slots = Arrays.copyOf(slots, found * 2);
                }
                slots[found++] = i;
            }
            i = (i + 1) & mask;
        }
        byte[][] picked = new byte[found][];
        for (int j = 0; j < found; j++) {
            picked[j] = keys[slots[j]];
        }
        for (byte[] key : picked) {
            int slot = find(key);
            if (slot >= 0) {
                visitor.visit(slot);
            }
        }
    }

    /** Visits every entry; the visitor must not insert or remove. */
    public final void forEachSlot(SlotVisitor visitor) {
        byte[][] ks = keys;
        for (int i = 0; i < ks.length; i++) {
            if (ks[i] != null) {
                visitor.visit(i);
            }
        }
    }

    /** A uniformly chosen occupied slot, or -1 when empty. */
    public final int randomSlot(java.util.random.RandomGenerator random) {
        if (size == 0) {
            return -1;
        }
        while (true) {
            int i = random.nextInt(mask + 1);
            if (keys[i] != null) {
                return i;
            }
        }
    }

    protected final void pauseResize() {
        pauseResize++;
    }

    protected final void resumeResize() {
        pauseResize--;
    }

    /** Approximate heap bytes of the table arrays themselves (not keys or values). */
    public long tableBytes(int payloadBytesPerSlot) {
        long slots = mask + 1L;
        return 2 * 16 + slots * (4 + 4 + payloadBytesPerSlot);
    }
}
