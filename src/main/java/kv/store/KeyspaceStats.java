package kv.store;

/** Counters the keyspace keeps; written only by the data thread. */
public final class KeyspaceStats {
    public long hits;
    public long misses;
    public long expiredKeys;
    /** Keys removed to get under maxmemory. */
    public long evictedKeys;
    /** Keys removed because their TTL passed while they were being examined by the active cycle. */
    public long expiredByCycle;

    public void reset() {
        hits = 0;
        misses = 0;
        expiredKeys = 0;
        evictedKeys = 0;
        expiredByCycle = 0;
    }
}
