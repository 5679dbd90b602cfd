package kv.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The open-addressing table of {@link OpenKeyTable} (linear probing, backward-shift deletion,
 * incremental resize, SCAN by home bucket) with its keys in a {@link KeySlab}: a slot holds a
 * {@code long} reference to a record instead of a key array, so the table's own arrays are all
 * primitive and an entry costs no heap object. The main dictionary and the expiry table use it.
 *
 * <p>Slot contents can be kept as of one instant for a snapshot ({@link #keepCopies}, see
 * {@link SlotCopies}); the slab then defers frees so the records the copies point to stay intact.
 */
abstract class SlabKeyTable {
    private static final int MIN_CAPACITY = 8;
    private static final int MIGRATE_PER_OP = 16;
    /** Marks a migrated slot of the old table: probing continues past it. */
    static final long MOVED = -1L;
    private static final long MAX_RESERVE = 1 << 23;

    private static boolean overLoad(long entries, long capacity) {
        return entries * 5 > capacity * 4;
    }

    protected KeySlab slab = new KeySlab();
    protected long[] refs;
    protected int[] hashes;
    protected int mask;
    protected int size;

    private long[] oldRefs;
    private int[] oldHashes;
    private int oldMask;
    private int migrateIndex;
    private int pauseResize;

    private static final SlotCopies[] NO_COPIES = new SlotCopies[0];
    private SlotCopies[] copies = NO_COPIES;

    SlabKeyTable() {
        refs = new long[MIN_CAPACITY];
        hashes = new int[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
        allocatePayload(MIN_CAPACITY);
        dropOldPayload();
    }

    protected abstract void allocatePayload(int capacity);

    protected abstract void movePayloadFromOld(int from, int to);

    protected abstract void dropOldPayload();

    protected abstract void shiftPayload(int from, int to);

    protected abstract void clearPayload(int slot);

    public final int size() {
        return size;
    }

    public final int capacity() {
        return mask + 1;
    }

    public final boolean resizing() {
        return oldRefs != null;
    }

    final KeySlab slab() {
        return slab;
    }

    /** The slot holding {@code key}, or -1; as {@link OpenKeyTable#find(byte[])}. */
    public final int find(byte[] key) {
        return find(key, 0, key.length, KeyHash.hash(key));
    }

    final int find(byte[] key, int h) {
        return find(key, 0, key.length, h);
    }

    /** The slot holding the key of {@code len} bytes at {@code off} of {@code key}, whose hash is {@code h}. */
    final int find(byte[] key, int off, int len, int h) {
        int i = probe(refs, hashes, mask, key, off, len, h);
        if (i >= 0 || oldRefs == null) {
            return i;
        }
        int j = probe(oldRefs, oldHashes, oldMask, key, off, len, h);
        return j < 0 ? -1 : migrate(j);
    }

    private int probe(long[] rs, int[] hs, int m, byte[] key, int off, int len, int h) {
        int i = h & m;
        while (true) {
            int hi = hs[i];
            if (hi == h) {
                long r = rs[i];
                if (r != MOVED && slab.keyEquals(r, key, off, len)) {
                    return i;
                }
            } else if (hi == 0) {
                return -1;
            }
            i = (i + 1) & m;
        }
    }

    private int migrate(int j) {
        int h = oldHashes[j];
        int i = h & mask;
        while (refs[i] != 0) {
            i = (i + 1) & mask;
        }
        beforeWrite(refs, i);
        beforeWrite(oldRefs, j);
        refs[i] = oldRefs[j];
        hashes[i] = h;
        movePayloadFromOld(j, i);
        oldRefs[j] = MOVED;
        return i;
    }

    /** Inserts a key known to be absent, its record holding {@code value} if given; returns its slot. */
    protected final int insertAbsent(byte[] key, int off, int len, int h, byte[] value) {
        if (pauseResize == 0) {
            if (oldRefs != null) {
                migrateSome(MIGRATE_PER_OP);
            }
            if (overLoad(size + 1, mask + 1)) {
                finishResize();
                if (overLoad(size + 1, mask + 1)) {
                    startResize((mask + 1) * 2);
                }
            }
        }
        int i = h & mask;
        while (hashes[i] != 0) {
            i = (i + 1) & mask;
        }
        beforeWrite(refs, i);
        refs[i] = slab.add(key, off, len, value);
        hashes[i] = h;
        size++;
        return i;
    }

    /** The record reference of {@code slot} (0 if empty). */
    final long refAt(int slot) {
        return refs[slot];
    }

    /** The key's hash in {@code slot}. */
    final int hashAt(int slot) {
        return hashes[slot];
    }

    /** A copy of the key in {@code slot}, or null for an empty slot. */
    public final byte[] keyAt(int slot) {
        long r = refs[slot];
        return r == 0 ? null : slab.key(r);
    }

    /** Replaces the record of {@code slot} by a new one of the same key and {@code value} (null: none). */
    protected final void replaceRecord(int slot, byte[] value) {
        long old = refs[slot];
        long fresh = slab.add(slab.pageOf(old), KeySlab.keyOffset(old), slab.keyLength(old), value);
        beforeWrite(refs, slot);
        refs[slot] = fresh;
        slab.free(old);
    }

    protected final void removeAt(int slot) {
        slab.free(refs[slot]);
        int gap = slot;
        int i = slot;
        while (true) {
            i = (i + 1) & mask;
            int hi = hashes[i];
            if (hi == 0) {
                break;
            }
            int home = hi & mask;
            boolean homeBetween = gap <= i ? (gap < home && home <= i) : (gap < home || home <= i);
            if (!homeBetween) {
                beforeWrite(refs, gap);
                refs[gap] = refs[i];
                hashes[gap] = hi;
                shiftPayload(i, gap);
                gap = i;
            }
        }
        beforeWrite(refs, gap);
        refs[gap] = 0;
        hashes[gap] = 0;
        clearPayload(gap);
        size--;
        if (pauseResize == 0) {
            if (oldRefs != null) {
                migrateSome(MIGRATE_PER_OP);
            } else {
                maybeShrink();
            }
        }
    }

    private void maybeShrink() {
        int capacity = mask + 1;
        if (capacity > MIN_CAPACITY && size * 8L < capacity) {
            int target = MIN_CAPACITY;
            while (target < size * 2) {
                target <<= 1;
            }
            if (target < capacity) {
                startResize(target);
            }
        }
    }

    private void startResize(int capacity) {
        oldRefs = refs;
        oldHashes = hashes;
        oldMask = mask;
        migrateIndex = 0;
        refs = new long[capacity];
        hashes = new int[capacity];
        mask = capacity - 1;
        allocatePayload(capacity);
        if (size == 0) {
            finishResize();
        }
    }

    private void migrateSome(int slots) {
        long[] old = oldRefs;
        int end = Math.min(old.length, migrateIndex + slots);
        for (int j = migrateIndex; j < end; j++) {
            long r = old[j];
            if (r != 0 && r != MOVED) {
                migrate(j);
            }
        }
        migrateIndex = end;
        if (end == old.length) {
            oldRefs = null;
            oldHashes = null;
            dropOldPayload();
        }
    }

    private void finishResize() {
        if (oldRefs != null) {
            migrateSome(oldRefs.length);
        }
    }

    public final void migrateUntil(long deadlineNanos) {
        while (oldRefs != null && pauseResize == 0) {
            migrateSome(1024);
            if (System.nanoTime() > deadlineNanos) {
                return;
            }
        }
    }

    /** Grows an empty table at once to hold {@code n} entries (capped: the figure may come from a file). */
    final void reserve(long n) {
        if (size != 0 || oldRefs != null) {
            return;
        }
        long want = Math.min(n, MAX_RESERVE);
        long capacity = MIN_CAPACITY;
        while (overLoad(want, capacity)) {
            capacity <<= 1;
        }
        if (capacity > mask + 1) {
            refs = new long[(int) capacity];
            hashes = new int[(int) capacity];
            mask = (int) capacity - 1;
            allocatePayload((int) capacity);
            dropOldPayload();
        }
    }

    /**
     * Removes everything, returning to the minimum capacity, with a fresh slab (one a snapshot
     * still reads stays as it is for it).
     */
    public final void clear() {
        slab = new KeySlab();
        refs = new long[MIN_CAPACITY];
        hashes = new int[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
        size = 0;
        oldRefs = null;
        oldHashes = null;
        allocatePayload(MIN_CAPACITY);
        dropOldPayload();
    }

    /** One SCAN step by home bucket, with {@link OpenKeyTable#scanStep}'s cursor and guarantees. */
    public final long scanStep(long cursor, OpenKeyTable.SlotVisitor visitor) {
        if (size == 0) {
            return 0;
        }
        List<byte[]> picked = new ArrayList<>();
        long v = cursor;
        if (oldRefs == null) {
            collectBucket(refs, hashes, mask, (int) (v & mask), picked);
            v = OpenKeyTable.nextCursor(v, mask);
        } else {
            boolean oldIsSmall = oldMask < mask;
            long[] smallRefs = oldIsSmall ? oldRefs : refs;
            int[] smallHashes = oldIsSmall ? oldHashes : hashes;
            int m0 = oldIsSmall ? oldMask : mask;
            long[] largeRefs = oldIsSmall ? refs : oldRefs;
            int[] largeHashes = oldIsSmall ? hashes : oldHashes;
            int m1 = oldIsSmall ? mask : oldMask;
            collectBucket(smallRefs, smallHashes, m0, (int) (v & m0), picked);
            do {
                collectBucket(largeRefs, largeHashes, m1, (int) (v & m1), picked);
                v = OpenKeyTable.nextCursor(v, m1);
            } while ((v & (m0 ^ m1)) != 0);
        }
        // keys are copied out first: visitors may delete expired entries, whose records are then freed
        pauseResize++;
        try {
            for (byte[] key : picked) {
                int slot = find(key);
                if (slot >= 0) {
                    visitor.visit(slot);
                }
            }
        } finally {
            pauseResize--;
        }
        return v;
    }

    private void collectBucket(long[] rs, int[] hs, int m, int bucket, List<byte[]> out) {
        int i = bucket;
        while (rs[i] != 0) {
            if (rs[i] != MOVED && (hs[i] & m) == bucket) {
                out.add(slab.key(rs[i]));
            }
            i = (i + 1) & m;
        }
    }

    // ---- point-in-time copies for snapshots (see SlotCopies) ----

    protected abstract Object payloadArray();

    protected abstract Object oldPayloadArray();

    final SlotCopies keepCopies() {
        SlotCopies c = new SlotCopies(slab, refs, hashes, payloadArray(), oldRefs, oldHashes, oldPayloadArray());
        copies = Arrays.copyOf(copies, copies.length + 1);
        copies[copies.length - 1] = c;
        slab.hold();
        return c;
    }

    final void dropCopies(SlotCopies c) {
        int before = copies.length;
        copies = Arrays.stream(copies).filter(x -> x != c).toArray(SlotCopies[]::new);
        if (copies.length < before) {
            c.slab().unhold();
        }
    }

    /** Every write to a slot goes through here first: a snapshot that still needs the slot copies its chunk. */
    protected final void beforeWrite(long[] array, int slot) {
        for (SlotCopies c : copies) {
            c.beforeWrite(array, slot);
        }
    }

    /** Visits every entry; the visitor must not insert or remove. Completes a pending resize first. */
    public final void forEachSlot(OpenKeyTable.SlotVisitor visitor) {
        finishResize();
        long[] rs = refs;
        for (int i = 0; i < rs.length; i++) {
            if (rs[i] != 0) {
                visitor.visit(i);
            }
        }
    }

    public final int randomSlot(RandomGenerator random) {
        if (size == 0) {
            return -1;
        }
        while (true) {
            int total = (mask + 1) + (oldRefs == null ? 0 : oldMask + 1);
            int i = random.nextInt(total);
            if (i <= mask) {
                if (refs[i] != 0) {
                    return i;
                }
            } else {
                int j = i - mask - 1;
                long r = oldRefs[j];
                if (r != 0 && r != MOVED) {
                    return migrate(j);
                }
            }
        }
    }

    /** Bytes of the slot arrays: reference and hash per slot, plus the payload's (the records are counted apart). */
    public long tableBytes(int payloadBytesPerSlot) {
        long slots = mask + 1L + (oldRefs == null ? 0 : oldMask + 1L);
        return 2 * 16 + slots * (8 + 4 + payloadBytesPerSlot);
    }
}
