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
    /** Time the active cycle ran (expire_cycle_cpu_milliseconds), and runs it ended at its time limit. */
    public long expireCycleNanos;
    public long expireCycleTimeCapReached;
    /** Share of expired keys among those the cycle samples, averaged over runs as Redis does (expired_stale_perc). */
    public double expiredStaleShare;

    public void reset() {
        hits = 0;
        misses = 0;
        expiredKeys = 0;
        evictedKeys = 0;
        expiredByCycle = 0;
        expireCycleNanos = 0;
        expireCycleTimeCapReached = 0;
        expiredStaleShare = 0;
    }
}
