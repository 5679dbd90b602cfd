package kv.store;

import java.util.Arrays;

/**
 * Expiry times (unix milliseconds) of the keys that have one, keyed by their own slab records
 * (key bytes only). Lookups by a main-table slot compare the main record's bytes in place.
 */
final class ExpireTable extends SlabKeyTable {
    private static final long[] NO_WHENS = new long[CHUNK];

    /** Expiry times, in chunks as the references. */
    private long[][] whens;
    private long[][] oldWhens;

    @Override
    protected void allocatePayload(int chunkCount) {
        oldWhens = whens;
        whens = new long[chunkCount][];
        Arrays.fill(whens, NO_WHENS);
    }

    @Override
    protected void allocatePayloadChunk(int c, int length) {
        whens[c] = longChunk(length);
    }

    @Override
    protected void stockPayloadChunk(ChunkStock stock) {
        stock.addLongs();
    }

    @Override
    protected void movePayloadFromOld(int from, int to) {
        whens[to >>> CHUNK_SHIFT][to & CHUNK_MASK] = oldWhens[from >>> CHUNK_SHIFT][from & CHUNK_MASK];
    }

    @Override
    protected Object payloadArray() {
        return whens;
    }

    @Override
    protected Object oldPayloadArray() {
        return resizing() ? oldWhens : null;
    }

    @Override
    protected void dropOldPayload() {
        oldWhens = null;
    }

    @Override
    protected void shiftPayload(int from, int to) {
        whens[to >>> CHUNK_SHIFT][to & CHUNK_MASK] = whens[from >>> CHUNK_SHIFT][from & CHUNK_MASK];
    }

    @Override
    protected void clearPayload(int slot) {
        whens[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = 0;
    }

    /** The expiry of {@code key}, or -1 if it has none. */
    long get(byte[] key) {
        int slot = find(key);
        return slot < 0 ? -1 : whenAt(slot);
    }

    /** {@link #get(byte[])} with the key's hash already computed. */
    long get(byte[] key, int hash) {
        int slot = find(key, hash);
        return slot < 0 ? -1 : whenAt(slot);
    }

    /** The slot here of the key in slot {@code mainSlot} of {@code main}, or -1. */
    int findKeyOf(SlabKeyTable main, int mainSlot) {
        return findKeyOf(main.slab(), main.refAt(mainSlot), main.hashAt(mainSlot));
    }

    /** The expiry of the key in slot {@code mainSlot} of {@code main}, or -1. */
    long getKeyOf(SlabKeyTable main, int mainSlot) {
        if (size == 0) {
            return -1;
        }
        int slot = findKeyOf(main, mainSlot);
        return slot < 0 ? -1 : whenAt(slot);
    }

    long whenAt(int slot) {
        return whens[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
    }

    void put(byte[] key, long when) {
        int h = KeyHash.hash(key);
        int slot = find(key, h);
        if (slot < 0) {
            slot = insertAbsent(key, 0, key.length, h, null);
        }
        beforeWrite(refs, slot);
        whens[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = when;
    }

    /** Sets the expiry of the key in slot {@code mainSlot} of {@code main}. */
    void putKeyOf(SlabKeyTable main, int mainSlot, long when) {
        int slot = findKeyOf(main, mainSlot);
        if (slot < 0) {
            long r = main.refAt(mainSlot);
            KeySlab s = main.slab();
            slot = insertAbsent(s.pageOf(r), KeySlab.keyOffset(r), s.keyLength(r), main.hashAt(mainSlot), null);
        }
        beforeWrite(refs, slot);
        whens[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = when;
    }

    /** Sets the expiry of the key of record {@code ref} of {@code s} (hash {@code h}), known to have none here. */
    void insertKeyOf(KeySlab s, long ref, int h, long when) {
        int slot = insertAbsent(s.pageOf(ref), KeySlab.keyOffset(ref), s.keyLength(ref), h, null);
        whens[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = when;
    }

    boolean remove(byte[] key) {
        int slot = find(key);
        if (slot < 0) {
            return false;
        }
        removeRecordAt(slot);
        return true;
    }

    /** Removes the expiry of the key in slot {@code mainSlot} of {@code main}; false if it had none. */
    boolean removeKeyOf(SlabKeyTable main, int mainSlot) {
        if (size == 0) {
            return false;
        }
        int slot = findKeyOf(main, mainSlot);
        if (slot < 0) {
            return false;
        }
        removeRecordAt(slot);
        return true;
    }

    void removeSlot(int slot) {
        removeRecordAt(slot);
    }
}
