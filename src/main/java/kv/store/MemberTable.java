package kv.store;

/** The "hashtable" encoding of a big set: an open-addressing table of members, no payload. */
final class MemberTable extends KeySet {
    /** Heap bytes of the member arrays held (kept by SetValue, so its heapBytes is O(1)). */
    long memberBytes;

    void removeSlot(int slot) {
        removeAt(slot);
    }
}
