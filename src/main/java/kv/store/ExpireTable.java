package kv.store;

/**
 * Expiry times (unix milliseconds) of the keys that have one. It shares the key arrays of the
 * main table rather than copying them, like Redis' expires dict.
 */
final class ExpireTable extends OpenKeyTable {
    private long[] whens;
    private long[] oldWhens;

    @Override
    protected void allocatePayload(int capacity) {
        oldWhens = whens;
        whens = new long[capacity];
    }

    @Override
    protected void movePayloadFromOld(int from, int to) {
        whens[to] = oldWhens[from];
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
        whens[to] = whens[from];
    }

    @Override
    protected void clearPayload(int slot) {
        whens[slot] = 0;
    }

    /** The expiry of {@code key}, or -1 if it has none. */
    long get(byte[] key) {
        int slot = find(key);
        return slot < 0 ? -1 : whens[slot];
    }

    /** {@link #get(byte[])} with the key's hash already computed. */
    long get(byte[] key, int hash) {
        int slot = find(key, hash);
        return slot < 0 ? -1 : whens[slot];
    }

    long whenAt(int slot) {
        return whens[slot];
    }

    void put(byte[] key, long when) {
        // find first: an insertion may resize, and "whens[findOrInsert(key)]" would load the old array
        int slot = findOrInsert(key);
        beforeWrite(keys, slot);
        whens[slot] = when;
    }

    boolean remove(byte[] key) {
        int slot = find(key);
        if (slot < 0) {
            return false;
        }
        removeAt(slot);
        return true;
    }

    void removeSlot(int slot) {
        removeAt(slot);
    }
}
