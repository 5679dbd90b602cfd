package kv.store;

/**
 * A database's entries as of one instant, for a snapshot: copies of the tables' slot arrays
 * (keys, values, expiry times), taken with bulk array copies, so the data thread pays memory
 * bandwidth, not per-key work. Values are shared with the live tables: one changed in place later
 * must be preserved by whoever needs its old content (the snapshot's before-change hook).
 * Walking it is the owner's business (any thread, once handed over).
 */
public final class FrozenDb {
    private final OpenKeyTable.FrozenIndex main;
    private final Object[] values;
    private final OpenKeyTable.FrozenIndex expires;
    private final long[] whens;
    private final int size;
    private final int expiring;

    FrozenDb(KeyTable main, ExpireTable expires) {
        this.main = main.freezeIndex();
        this.values = main.freezeValues();
        this.size = main.size();
        this.expiring = expires.size();
        this.expires = expiring == 0 ? null : expires.freezeIndex();
        this.whens = expiring == 0 ? null : expires.freezeWhens();
    }

    /** Keys at the time of the copy (some may be past their TTL). */
    public int size() {
        return size;
    }

    /** Keys with a TTL at the time of the copy. */
    public int expiring() {
        return expiring;
    }

    /** Slot numbers are below this. */
    public int slots() {
        return main.slots();
    }

    /** The key in {@code slot}, or null for an empty slot. */
    public byte[] keyAt(int slot) {
        return main.keyAt(slot);
    }

    public Object valueAt(int slot) {
        return values[slot];
    }

    /** The expiry (unix ms) of the key in {@code slot}, or -1. */
    public long expireAt(int slot) {
        if (expires == null) {
            return -1;
        }
        int e = expires.find(main.keyAt(slot));
        return e < 0 ? -1 : whens[e];
    }

    /** Forgets a visited slot, so the copy stops holding its key and value alive. */
    public void release(int slot) {
        main.release(slot);
        values[slot] = null;
    }
}
