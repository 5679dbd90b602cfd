package kv.store;

/**
 * The "hashtable" encoding of a big hash: field → value in the open-addressing arrays of
 * {@link OpenKeyTable}, plus an expiry time per field once any field has had a TTL (the array is
 * only allocated then, so hashes without field TTLs pay nothing for the feature). Keeps a running
 * total of the heap taken by field and value arrays, so the size estimate stays O(1).
 */
final class HashFieldTable extends OpenKeyTable {
    /** Stored in {@link #ttls} for a field without TTL. */
    static final long NO_TTL = 0;

    private byte[][] values;
    private byte[][] oldValues;
    private long[] ttls;
    private long[] oldTtls;
    /** Heap bytes of the field and value arrays. */
    private long entryBytes;

    @Override
    protected void allocatePayload(int capacity) {
        oldValues = values;
        oldTtls = ttls;
        values = new byte[capacity][];
        if (oldTtls != null) {
            ttls = new long[capacity];
        }
    }

    @Override
    protected void movePayloadFromOld(int from, int to) {
        values[to] = oldValues[from];
        if (ttls != null) {
            ttls[to] = oldTtls[from];
        }
    }

    @Override
    protected void dropOldPayload() {
        oldValues = null;
        oldTtls = null;
    }

    @Override
    protected void shiftPayload(int from, int to) {
        values[to] = values[from];
        if (ttls != null) {
            ttls[to] = ttls[from];
        }
    }

    @Override
    protected void clearPayload(int slot) {
        values[slot] = null;
        if (ttls != null) {
            ttls[slot] = NO_TTL;
        }
    }

    /** Allocates the per-field expiry array (the current and, during a resize, the old one). */
    void enableTtls() {
        if (ttls == null) {
            ttls = new long[values.length];
            if (oldValues != null) {
                oldTtls = new long[oldValues.length];
            }
        }
    }

    boolean ttlsEnabled() {
        return ttls != null;
    }

    byte[] valueAt(int slot) {
        return values[slot];
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
        // one probe: an absent field is inserted with its payload cleared
        int slot = findOrInsert(field);
        boolean added = size() != before;
        if (added) {
            entryBytes += Memory.arrayBytes(field.length) + Memory.arrayBytes(value.length);
        } else {
            entryBytes += Memory.arrayBytes(value.length) - Memory.arrayBytes(values[slot].length);
        }
        values[slot] = value;
        if (ttls != null) {
            ttls[slot] = NO_TTL;
        }
        return added;
    }

    /** Removes the entry in {@code slot}. */
    void removeSlot(int slot) {
        entryBytes -= Memory.arrayBytes(keys[slot].length) + Memory.arrayBytes(values[slot].length);
        removeAt(slot);
    }

    /**
     * Heap bytes of the table: slot arrays plus entries. Only the current arrays count (not the old
     * ones of a resize in progress), so lookups, which may finish a resize, never change the figure.
     */
    long heapBytes() {
        return 3 * 16 + (long) capacity() * (4 + 4 + 4 + (ttls == null ? 0 : 8)) + entryBytes;
    }
}
