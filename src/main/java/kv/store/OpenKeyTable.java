package kv.store;

import java.util.Arrays;

/**
 * A {@link HashSlots} table keyed by byte arrays held in an object array beside the hashes (the
 * collections' tables: big sets' members, big hashes' fields, the index of hashes with field TTLs).
 * Subclasses keep their per-slot payload in more parallel arrays, so an entry costs no object of
 * its own.
 */
abstract class OpenKeyTable extends HashSlots {
    /** The keys of every chunk not allocated yet: all null, never written. */
    private static final byte[][] NO_KEYS = new byte[CHUNK][];

    /** The keys in chunks (see {@link HashSlots}). */
    protected byte[][][] keys;
    private byte[][][] oldKeys;

    /**
     * True when the key array holds {@link FieldEntry} arrays (a big hash's field and value in one
     * array): lookups then compare the field part. A final field, so the probe of every other
     * table pays one predictable branch and no virtual call.
     */
    private final boolean fieldEntries;

    /**
     * Heap bytes of an instance's header and the fields declared here and in {@link HashSlots}
     * (five references, ten ints, a boolean), before alignment: a subclass's object is
     * {@code Memory.align(OBJECT_BYTES + its own fields)}. Keep in step with the fields
     * (EncodingLayoutTest measures it).
     */
    static final int OBJECT_BYTES = 12 + 5 * 4 + 10 * 4 + 1;

    OpenKeyTable() {
        this(false);
    }

    OpenKeyTable(boolean fieldEntries) {
        this.fieldEntries = fieldEntries;
    }

    @Override
    protected final void allocateSlots(int chunkCount) {
        oldKeys = keys;
        keys = new byte[chunkCount][][];
        Arrays.fill(keys, NO_KEYS);
        allocatePayload(chunkCount);
    }

    @Override
    protected final void allocateSlotChunk(int c, int length) {
        keys[c] = keyChunk(length);
        allocatePayloadChunk(c, length);
    }

    @Override
    protected final void stockSlotChunk(ChunkStock stock) {
        stock.addKeyArrays();
        stockPayloadChunk(stock);
    }

    @Override
    protected final void dropOldSlots() {
        oldKeys = null;
        dropOldPayload();
    }

    @Override
    protected final void moveFromOld(int from, int to) {
        byte[][] oldChunk = oldKeys[from >>> CHUNK_SHIFT];
        keys[to >>> CHUNK_SHIFT][to & CHUNK_MASK] = oldChunk[from & CHUNK_MASK];
        oldChunk[from & CHUNK_MASK] = null;
        movePayloadFromOld(from, to);
    }

    @Override
    protected final void shiftSlot(int from, int to) {
        keys[to >>> CHUNK_SHIFT][to & CHUNK_MASK] = keys[from >>> CHUNK_SHIFT][from & CHUNK_MASK];
        shiftPayload(from, to);
    }

    @Override
    protected final void clearSlot(int slot) {
        keys[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = null;
        clearPayload(slot);
    }

    @Override
    protected final byte[] lookupKey(boolean old, int slot) {
        byte[] k = (old ? oldKeys : keys)[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
        return fieldEntries ? FieldEntry.field(k) : k;
    }

    @Override
    protected final int keyBytesPerSlot() {
        return 4;
    }

    /**
     * The slot holding {@code key}, or -1. A key still in the old table of a resize is moved to
     * the current one first, so returned slots always index the current arrays. Slot numbers
     * stay valid until the next removal.
     */
    @Override
    public final int find(byte[] key) {
        return find(key, KeyHash.hash(key));
    }

    /** {@link #find(byte[])} with the key's {@link KeyHash#hash} already computed by the caller. */
    final int find(byte[] key, int h) {
        int i = probe(keys, hashes, mask, key, h, fieldEntries);
        if (i >= 0 || oldHashes == null) {
            return i;
        }
        int j = probe(oldKeys, oldHashes, oldMask, key, h, fieldEntries);
        return j < 0 ? -1 : migrate(j);
    }

    /**
     * Walks the probe run by the hash array: an empty slot has hash {@link #EMPTY} (a key's hash
     * never is, nor {@link #MOVED}), so the key bytes are only read where the hash matches. The
     * key reference of a slot is loaded before its hash is tested, not only on a match: the two
     * arrays' cache misses (the first slot of a probe is a random one of a big table) then overlap
     * instead of following each other; the next slots of the run are in the same cache lines.
     */
    private static int probe(byte[][][] ks, int[][] hs, int m, byte[] key, int h, boolean fieldEntries) {
        int i = h & m;
        while (true) {
            byte[] k = ks[i >>> CHUNK_SHIFT][i & CHUNK_MASK];
            int hi = hs[i >>> CHUNK_SHIFT][i & CHUNK_MASK];
            if (hi == h) {
                if (fieldEntries ? FieldEntry.fieldEquals(k, key) : Arrays.equals(k, key)) {
                    return i;
                }
            } else if (hi == EMPTY) {
                return -1;
            }
            i = (i + 1) & m;
        }
    }

    /**
     * The slot holding {@code key}, inserting the key (its payload cleared) if absent. Slot
     * numbers stay valid until the next removal.
     */
    protected final int findOrInsert(byte[] key) {
        int h = KeyHash.hash(key);
        int slot = find(key, h);
        if (slot >= 0) {
            return slot;
        }
        int i = claimSlot(h);
        keys[i >>> CHUNK_SHIFT][i & CHUNK_MASK] = key;
        occupy(i, h);
        return i;
    }

    public final byte[] keyAt(int slot) {
        return keys[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
    }

    /** Replaces the stored key array of {@code slot} by an equal key (a new {@link FieldEntry} of the same field). */
    protected final void replaceKeyAt(int slot, byte[] stored) {
        keys[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = stored;
    }

    /** Removes everything, returning to the minimum capacity. */
    public void clear() {
        resetTo(MIN_CAPACITY);
    }
}
