package kv.store;

import java.util.Arrays;

/**
 * Redis' eviction pool: the best candidates seen by recent samplings, kept sorted by rank
 * (ascending: the best victim is last). Sampling a few keys per round and keeping the best of
 * everything sampled so far approximates a true LRU/LFU/TTL order closely at a tiny cost. Entries
 * may be stale (the key deleted or changed since): the picker checks them again.
 */
final class EvictionPool {
    static final int SIZE = 16;

    private final long[] ranks = new long[SIZE];
    private final byte[][] keys = new byte[SIZE][];
    private final int[] dbs = new int[SIZE];

    /** Offers a sampled key with its rank (higher = better victim). */
    void offer(long rank, byte[] key, int db) {
        int k = 0;
        while (k < SIZE && keys[k] != null && ranks[k] < rank) {
            k++;
        }
        if (k == 0 && keys[SIZE - 1] != null) {
            return; // worse than everything in a full pool
        }
        if (k < SIZE && keys[k] == null) {
            set(k, rank, key, db); // an empty slot right where it belongs
            return;
        }
        if (keys[SIZE - 1] == null) {
            // room at the right end: shift the better ones right
            System.arraycopy(ranks, k, ranks, k + 1, SIZE - k - 1);
            System.arraycopy(keys, k, keys, k + 1, SIZE - k - 1);
            System.arraycopy(dbs, k, dbs, k + 1, SIZE - k - 1);
        } else {
            // full: drop the worst (index 0) and shift the worse ones left
            k--;
            System.arraycopy(ranks, 1, ranks, 0, k);
            System.arraycopy(keys, 1, keys, 0, k);
            System.arraycopy(dbs, 1, dbs, 0, k);
        }
        set(k, rank, key, db);
    }

    private void set(int k, long rank, byte[] key, int db) {
        ranks[k] = rank;
        keys[k] = key;
        dbs[k] = db;
    }

    /** The index of the best remaining entry, or -1 when empty. */
    int best() {
        for (int k = SIZE - 1; k >= 0; k--) {
            if (keys[k] != null) {
                return k;
            }
        }
        return -1;
    }

    byte[] keyAt(int k) {
        return keys[k];
    }

    int dbAt(int k) {
        return dbs[k];
    }

    void clearAt(int k) {
        keys[k] = null;
    }

    /** Forgets every candidate (the policy changed: the ranks mean something else now). */
    void clear() {
        Arrays.fill(keys, null);
    }
}
