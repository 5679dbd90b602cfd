package kv.store;

import java.util.List;

/**
 * A set of byte arrays without payload (the open-addressing arrays of {@link OpenKeyTable}): the
 * per-database index of hashes that have fields with a TTL (it may hold keys that have since been
 * deleted or lost their field TTLs: whoever walks it checks each key and drops stale ones), and,
 * as {@link MemberTable}, the members of a big set.
 */
public class KeySet extends OpenKeyTable {
    @Override
    protected void allocatePayload(int chunkCount) {
    }

    @Override
    protected void allocatePayloadChunk(int c, int length) {
    }

    @Override
    protected void stockPayloadChunk(ChunkStock stock) {
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

    /** Adds {@code key} (the array is kept, not copied); false if it was present. */
    public boolean add(byte[] key) {
        int before = size();
        findOrInsert(key);
        return size() > before;
    }

    public boolean remove(byte[] key) {
        int slot = find(key);
        if (slot < 0) {
            return false;
        }
        removeAt(slot);
        return true;
    }

    public boolean contains(byte[] key) {
        return find(key) >= 0;
    }

    /** One step of a cursor walk (SCAN's guarantees): adds the keys of one bucket to {@code out}. */
    public long scan(long cursor, List<byte[]> out) {
        return scanStep(cursor, slot -> out.add(keyAt(slot)));
    }
}
