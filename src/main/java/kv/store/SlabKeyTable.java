package kv.store;

import java.util.Arrays;

/**
 * A {@link HashSlots} table with its keys in a {@link KeySlab}: a slot holds a {@code long}
 * reference to a record instead of a key array, so the table's own arrays are all primitive and an
 * entry costs no heap object. The main dictionary and the expiry table use it.
 *
 * <p>Slot contents can be kept as of one instant for a snapshot ({@link #keepCopies}, see
 * {@link SlotCopies}); the slab then defers frees so the records the copies point to stay intact.
 * Every write to a slot (reference, hash or payload) is preceded by {@link #beforeWrite} of its
 * reference array.
 */
abstract class SlabKeyTable extends HashSlots {
    /** The references of every chunk not allocated yet: all 0, never written. */
    static final long[] NO_REFS = new long[CHUNK];

    protected KeySlab slab = new KeySlab();
    /**
     * Record references in chunks (see {@link HashSlots}): slot {@code i} is
     * {@code refs[i >>> CHUNK_SHIFT][i & CHUNK_MASK]}, tagged with its key's hash ({@link #tag}).
     */
    protected long[][] refs;
    /** The references of the old table during a resize; a migrated slot keeps its (stale) reference, its hash says MOVED. */
    private long[][] oldRefs;

    private static final SlotCopies[] NO_COPIES = new SlotCopies[0];
    private SlotCopies[] copies = NO_COPIES;

    @Override
    protected final void allocateSlots(int chunkCount) {
        oldRefs = refs;
        refs = new long[chunkCount][];
        Arrays.fill(refs, NO_REFS);
        allocatePayload(chunkCount);
    }

    @Override
    protected final void allocateSlotChunk(int c, int length) {
        refs[c] = longChunk(length);
        allocatePayloadChunk(c, length);
    }

    @Override
    protected final void stockSlotChunk(ChunkStock stock) {
        stock.addLongs();
        stockPayloadChunk(stock);
    }

    @Override
    protected final void dropOldSlots() {
        oldRefs = null;
        dropOldPayload();
    }

    @Override
    protected final void moveFromOld(int from, int to) {
        beforeWrite(refs, to);
        beforeWrite(oldRefs, from);
        refs[to >>> CHUNK_SHIFT][to & CHUNK_MASK] = oldRefs[from >>> CHUNK_SHIFT][from & CHUNK_MASK];
        movePayloadFromOld(from, to);
    }

    @Override
    protected final void shiftSlot(int from, int to) {
        beforeWrite(refs, to);
        refs[to >>> CHUNK_SHIFT][to & CHUNK_MASK] = refs[from >>> CHUNK_SHIFT][from & CHUNK_MASK];
        shiftPayload(from, to);
    }

    @Override
    protected final void clearSlot(int slot) {
        beforeWrite(refs, slot);
        refs[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = 0;
        clearPayload(slot);
    }

    /** A copy: the record may be freed (and its space reused) before the scan looks the key up again. */
    @Override
    protected final byte[] lookupKey(boolean old, int slot) {
        return slab.key((old ? oldRefs : refs)[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK]);
    }

    @Override
    protected final int keyBytesPerSlot() {
        return 8;
    }

    final KeySlab slab() {
        return slab;
    }

    /** The slot holding {@code key}, or -1; moves a key found in the old table of a resize to the current one. */
    @Override
    public final int find(byte[] key) {
        return find(key, 0, key.length, KeyHash.hash(key));
    }

    final int find(byte[] key, int h) {
        return find(key, 0, key.length, h);
    }

    /** The slot holding the key of {@code len} bytes at {@code off} of {@code key}, whose hash is {@code h}. */
    final int find(byte[] key, int off, int len, int h) {
        int i = probeRefs(key, off, len, h);
        if (i >= 0 || oldHashes == null) {
            return i;
        }
        int j = probe(oldRefs, oldHashes, oldMask, key, off, len, h);
        return j < 0 ? -1 : migrate(j);
    }

    /**
     * The probe of the current table, by the reference array alone: a slot's reference is 0 exactly
     * when its hash is {@link #EMPTY} (no slot of the current table is {@link #MOVED}), and carries
     * 20 bits of its key's hash (see {@link #tag}), so a mismatch is rejected without reading the hash
     * array or the key's record. One cache miss less per lookup than probing hashes, then references.
     */
    private int probeRefs(byte[] key, int off, int len, int h) {
        long tag = tag(h);
        int i = nextTagged(tag, h & mask);
        while (i >= 0) {
            if (slab.keyEquals(refs[i >>> CHUNK_SHIFT][i & CHUNK_MASK], key, off, len)) {
                return i;
            }
            i = nextTagged(tag, (i + 1) & mask);
        }
        probeEndedAt(~i, h);
        return -1;
    }

    /**
     * From slot {@code i} of the current table on, the first slot whose reference carries {@code tag};
     * at an empty slot {@code e} first, {@code ~e} (negative).
     */
    private int nextTagged(long tag, int i) {
        long[][] rs = refs;
        int m = mask;
        while (true) {
            long r = rs[i >>> CHUNK_SHIFT][i & CHUNK_MASK];
            if (r == 0) {
                return ~i;
            }
            if ((r & KeySlab.TAG_MASK) == tag) {
                return i;
            }
            i = (i + 1) & m;
        }
    }

    /**
     * The tag a reference carries for a key of hash {@code h}: 20 bits of the hash remixed (the low
     * bits pick the home slot, so neighbours in a run share them), in the bits {@link KeySlab} leaves
     * free.
     */
    static long tag(int h) {
        int t = (h * 0x9E3779B9) >>> 12;
        return ((long) (t >>> 12) << 56 | (long) (t & 0xfff) << 20) & KeySlab.TAG_MASK;
    }

    /** The old table's probe, as {@link OpenKeyTable}'s: by the hash array alone until a hash matches. */
    private int probe(long[][] rs, int[][] hs, int m, byte[] key, int off, int len, int h) {
        int i = h & m;
        while (true) {
            int hi = hs[i >>> CHUNK_SHIFT][i & CHUNK_MASK];
            if (hi == h) {
                if (slab.keyEquals(rs[i >>> CHUNK_SHIFT][i & CHUNK_MASK], key, off, len)) {
                    return i;
                }
            } else if (hi == EMPTY) {
                return -1;
            }
            i = (i + 1) & m;
        }
    }

    /** Inserts a key known to be absent, its record holding {@code value} if given; returns its slot. */
    protected final int insertAbsent(byte[] key, int off, int len, int h, byte[] value) {
        int i = claimSlot(h);
        beforeWrite(refs, i);
        refs[i >>> CHUNK_SHIFT][i & CHUNK_MASK] = slab.add(key, off, len, value) | tag(h);
        occupy(i, h);
        return i;
    }

    /**
     * Inserts a key known to be absent whose record {@code ref} (untagged) is already in this
     * table's slab (a load writes the records first, then fills the table); returns its slot.
     */
    protected final int insertRecord(long ref, int h) {
        int i = claimSlot(h);
        beforeWrite(refs, i);
        refs[i >>> CHUNK_SHIFT][i & CHUNK_MASK] = ref | tag(h);
        occupy(i, h);
        return i;
    }

    /** The slot holding the key of record {@code ref} of {@code s} (whose hash is {@code h}), or -1. */
    final int findKeyOf(KeySlab s, long ref, int h) {
        if (oldHashes != null) {
            return find(s.pageOf(ref), KeySlab.keyOffset(ref), s.keyLength(ref), h);
        }
        // the record is read only where a tag matches: a load's check for duplicates, which finds
        // none, then costs no cache miss in the slab per key
        long tag = tag(h);
        int i = nextTagged(tag, h & mask);
        while (i >= 0) {
            if (slab.keyEquals(refs[i >>> CHUNK_SHIFT][i & CHUNK_MASK], s.pageOf(ref), KeySlab.keyOffset(ref), s.keyLength(ref))) {
                return i;
            }
            i = nextTagged(tag, (i + 1) & mask);
        }
        probeEndedAt(~i, h);
        return -1;
    }

    /** The record reference of {@code slot} (0 if empty). */
    final long refAt(int slot) {
        return refs[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
    }

    /** The key's hash in {@code slot}. */
    final int hashAt(int slot) {
        return hashIn(slot);
    }

    /** A copy of the key in {@code slot}, or null for an empty slot. */
    public final byte[] keyAt(int slot) {
        long r = refAt(slot);
        return r == 0 ? null : slab.key(r);
    }

    /** Replaces the record of {@code slot} by a new one of the same key and {@code value} (null: none). */
    protected final void replaceRecord(int slot, byte[] value) {
        long old = refAt(slot);
        long fresh = slab.add(slab.pageOf(old), KeySlab.keyOffset(old), slab.keyLength(old), value)
                | (old & KeySlab.TAG_MASK);
        beforeWrite(refs, slot);
        refs[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = fresh;
        slab.free(old);
    }

    /** Removes the entry in {@code slot} and frees its record. */
    protected final void removeRecordAt(int slot) {
        slab.free(refAt(slot));
        removeAt(slot);
    }

    /**
     * Removes everything, returning to the minimum capacity, with a fresh slab (one a snapshot
     * still reads stays as it is for it).
     */
    public final void clear() {
        slab = new KeySlab();
        resetTo(MIN_CAPACITY);
    }

    // ---- point-in-time copies for snapshots (see SlotCopies) ----

    protected abstract Object payloadArray();

    protected abstract Object oldPayloadArray();

    final SlotCopies keepCopies() {
        SlotCopies c = new SlotCopies(slab, capacity(), refs, hashes, payloadArray(),
                resizing() ? oldCapacity() : 0, oldRefs, oldHashes, oldPayloadArray());
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
    protected final void beforeWrite(long[][] array, int slot) {
        for (SlotCopies c : copies) {
            c.beforeWrite(array, slot);
        }
    }
}
