package kv.store;

/** The "hashtable" encoding of a big set: an open-addressing table of members, no payload. */
final class MemberTable extends OpenKeyTable {
    /** Heap bytes of the member arrays held (kept by SetValue, so its heapBytes is O(1)). */
    long memberBytes;

    @Override
    protected void allocatePayload(int capacity) {
    }

    @Override
    protected void movePayloadFromOld(int from, int to) {
    }

    @Override
    protected void dropOldPayload() {
    }

    @Override
    protected void shiftPayload(int from, int to) {
    }

    @Override
    protected void clearPayload(int slot) {
    }

    /** Adds {@code m}; false if it was present. */
    boolean add(byte[] m) {
        int before = size;
        findOrInsert(m);
        return size > before;
    }

    boolean remove(byte[] m) {
        int slot = find(m);
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
