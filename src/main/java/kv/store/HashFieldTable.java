package kv.store;

import java.util.Arrays;

/**
 * The "hashtable" encoding of a big hash: the open-addressing arrays of {@link OpenKeyTable},
 * whose key array holds each field with its value as one {@link FieldEntry} array (so a field
 * costs one array and two slot ints), plus an expiry time per field once any field has had a TTL
 * (the array is only allocated then, so hashes without field TTLs pay nothing for the feature).
 * Keeps a running total of the heap taken by the entries, so the size estimate stays O(1).
 */
final class HashFieldTable extends OpenKeyTable {
    /** Stored in {@link #ttls} for a field without TTL. */
    static final long NO_TTL = 0;

    private static final long[] NO_TTLS = new long[CHUNK];

    /** Field expiry times in chunks as the keys, null until a field has had a TTL. */
    private long[][] ttls;
    private long[][] oldTtls;
    /** Heap bytes of the entry arrays. */
    private long entryBytes;

    HashFieldTable() {
        super(true);
    }

    @Override
    protected void allocatePayload(int chunkCount) {
        oldTtls = ttls;
        if (oldTtls != null) {
            ttls = new long[chunkCount][];
            Arrays.fill(ttls, NO_TTLS);
        }
    }

    @Override
    protected void allocatePayloadChunk(int c, int length) {
        if (ttls != null) {
            ttls[c] = longChunk(length);
        }
    }

    @Override
    protected void stockPayloadChunk(ChunkStock stock) {
        if (ttls != null) {
            stock.addLongs();
        }
    }

    @Override
    protected void movePayloadFromOld(int from, int to) {
        if (ttls != null) {
            ttls[to >>> CHUNK_SHIFT][to & CHUNK_MASK] = oldTtls[from >>> CHUNK_SHIFT][from & CHUNK_MASK];
        }
    }

    @Override
    protected void dropOldPayload() {
        oldTtls = null;
    }

    @Override
    protected void shiftPayload(int from, int to) {
        if (ttls != null) {
            ttls[to >>> CHUNK_SHIFT][to & CHUNK_MASK] = ttls[from >>> CHUNK_SHIFT][from & CHUNK_MASK];
        }
    }

    @Override
    protected void clearPayload(int slot) {
        if (ttls != null) {
            ttls[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = NO_TTL;
        }
    }

    /** Allocates the per-field expiry array (the current and, during a resize, the old one). */
    void enableTtls() {
        if (ttls == null) {
            ttls = ttlChunks(false);
            if (resizing()) {
                oldTtls = ttlChunks(true);
            }
        }
    }

    /** Expiry chunks for the current (or old) table: allocated where its keys' chunks are. */
    private long[][] ttlChunks(boolean old) {
        int capacity = old ? oldCapacity() : capacity();
        long[][] t = new long[chunkCount(capacity)][];
        for (int c = 0; c < t.length; c++) {
            t[c] = chunkAllocated(old, c) ? new long[chunkLength(capacity)] : NO_TTLS;
        }
        return t;
    }

    boolean ttlsEnabled() {
        return ttls != null;
    }

    /** The field/value entry of {@code slot} (see {@link FieldEntry}); read only. */
    byte[] entryAt(int slot) {
        return keyAt(slot);
    }

    /** A copy of the field of {@code slot}. */
    byte[] fieldAt(int slot) {
        return FieldEntry.field(keyAt(slot));
    }

    /** A copy of the value of {@code slot}. */
    byte[] valueAt(int slot) {
        return FieldEntry.value(keyAt(slot));
    }

    long ttlAt(int slot) {
        return ttls == null ? NO_TTL : ttls[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
    }

    void setTtlAt(int slot, long when) {
        ttls[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = when;
    }

    /** Inserts or overwrites (the field's TTL is cleared); true if the field is new. */
    boolean put(byte[] field, byte[] value) {
        int before = size();
        // one probe: an absent field is inserted (as the bare field until replaced just below)
        int slot = findOrInsert(field);
        boolean added = size() != before;
        if (ttls != null) {
            ttls[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = NO_TTL;
        }
        if (!added && FieldEntry.rewriteValue(keyAt(slot), value)) {
            // a value of the same length: rewritten where it lies, no new entry
            return false;
        }
        byte[] entry = FieldEntry.of(field, value);
        if (!added) {
            entryBytes -= Memory.arrayBytes(keyAt(slot).length);
        }
        entryBytes += Memory.arrayBytes(entry.length);
        replaceKeyAt(slot, entry);
        return added;
    }

    /** Removes the entry in {@code slot}. */
    void removeSlot(int slot) {
        entryBytes -= Memory.arrayBytes(keyAt(slot).length);
        removeAt(slot);
    }

    /**
     * Heap bytes of the table: itself, its slot arrays and the entries. Only the current arrays count (not the old
     * ones of a resize in progress), so lookups, which may finish a resize, never change the figure.
     */
    long heapBytes() {
        int capacity = capacity();
        int arrays = ttls == null ? 2 : 3;
        return Memory.align(OBJECT_BYTES + 4 + 4 + 8) + slotArrayBytes(capacity, arrays, chunkCount(capacity), 4 + 4 + (ttls == null ? 0 : 8)) + entryBytes;
    }
}
