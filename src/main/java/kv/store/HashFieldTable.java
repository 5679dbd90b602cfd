package kv.store;

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

    private long[] ttls;
    private long[] oldTtls;
    /** Heap bytes of the entry arrays. */
    private long entryBytes;

    HashFieldTable() {
        super(true);
    }

    @Override
    protected void allocatePayload(int capacity) {
        oldTtls = ttls;
        if (oldTtls != null) {
            ttls = new long[capacity];
        }
    }

    @Override
    protected void movePayloadFromOld(int from, int to) {
        if (ttls != null) {
            ttls[to] = oldTtls[from];
        }
    }

    @Override
    protected void dropOldPayload() {
        oldTtls = null;
    }

    @Override
    protected void shiftPayload(int from, int to) {
        if (ttls != null) {
            ttls[to] = ttls[from];
        }
    }

    @Override
    protected void clearPayload(int slot) {
        if (ttls != null) {
            ttls[slot] = NO_TTL;
        }
    }

    /** Allocates the per-field expiry array (the current and, during a resize, the old one). */
    void enableTtls() {
        if (ttls == null) {
            ttls = new long[capacity()];
            if (resizing()) {
                oldTtls = new long[oldCapacity()];
            }
        }
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
        return ttls == null ? NO_TTL : ttls[slot];
    }

    void setTtlAt(int slot, long when) {
        ttls[slot] = when;
    }

    /** Inserts or overwrites (the field's TTL is cleared); true if the field is new. */
    boolean put(byte[] field, byte[] value) {
        int before = size();
        // one probe: an absent field is inserted (as the bare field until replaced just below)
        int slot = findOrInsert(field);
        boolean added = size() != before;
        if (ttls != null) {
            ttls[slot] = NO_TTL;
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
        return Memory.align(OBJECT_BYTES + 4 + 4 + 8) + 2 * 16 + (long) capacity() * (4 + 4 + (ttls == null ? 0 : 8)) + (ttls == null ? 0 : 16) + entryBytes;
    }
}
