package kv.store;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses and removes one key at a time under a maxmemory policy, with Redis' approximations:
 * LRU, LFU and TTL sample {@code maxmemory-samples} keys per database into a shared
 * {@link EvictionPool} and evict its best entry; the random policies take a random key of the next
 * database in turn. Victims leave through {@link Db#evict}, so listeners and propagation see them.
 */
public final class Evictor {
    private final Keyspace keyspace;
    private final EvictionPool pool = new EvictionPool();
    private EvictionPolicy poolPolicy;
    /** The random policies' round-robin position over the databases. */
    private int nextDb;

    Evictor(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    /**
     * Evicts one key chosen by {@code policy}; false when there is no candidate (no keys, or no keys
     * with a TTL under a volatile policy), which is when memory cannot be freed.
     */
    public boolean evictOne(EvictionPolicy policy, int samples) {
        if (policy.rank() == EvictionPolicy.Rank.NONE) {
            return false;
        }
        if (policy.rank() == EvictionPolicy.Rank.RANDOM) {
            return evictRandom(policy.volatileOnly());
        }
        if (policy != poolPolicy) {
            pool.clear();
            poolPolicy = policy;
        }
        long now = keyspace.clock().now();
        while (true) {
            long candidates = 0;
            for (int i = 0; i < keyspace.count(); i++) {
                candidates += keyspace.db(i).sampleForEviction(pool, policy, samples, now);
            }
            if (candidates == 0) {
                return false;
            }
            // the best entry still present wins; stale ones (deleted since sampled) are dropped
            for (int k = pool.best(); k >= 0; k = pool.best()) {
                byte[] key = pool.keyAt(k);
                Db db = keyspace.db(pool.dbAt(k));
                pool.clearAt(k);
                if (db.isEvictionCandidate(key, policy.volatileOnly())) {
                    return db.evict(key);
                }
            }
        }
    }

    private boolean evictRandom(boolean volatileOnly) {
        int n = keyspace.count();
        for (int i = 0; i < n; i++) {
            nextDb = (nextDb + 1) % n;
            byte[] key = keyspace.db(nextDb).randomCandidate(volatileOnly, ThreadLocalRandom.current());
            if (key != null) {
                return keyspace.db(nextDb).evict(key);
            }
        }
        return false;
    }
}
