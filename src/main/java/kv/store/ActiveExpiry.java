package kv.store;

/**
 * The active expiry cycle, run from the server cron on the data thread: walks the expiry tables
 * in slices and removes keys whose TTL passed even if nobody reads them. Each run is bounded by
 * a time budget so that it never stalls the event loop; like Redis it keeps going while a
 * database shows many expired keys (more than 10% of those examined) and time remains.
 */
public final class ActiveExpiry {
    private static final int KEYS_PER_SLICE = 20;
    private static final int SLICES_BETWEEN_CLOCK_CHECKS = 16;

    private final Keyspace keyspace;
    private final int[] cursors;
    private int nextDb;

    public ActiveExpiry(Keyspace keyspace) {
        this.keyspace = keyspace;
        this.cursors = new int[keyspace.count()];
    }

    /**
     * Runs one cycle with the given time budget.
     *
     * @param effort 1..10 like active-expire-effort: more keys per slice, lower tolerated stale share
     */
    public void run(long budgetNanos, int effort) {
        long start = System.nanoTime();
        long deadline = start + budgetNanos;
        long[] sampled = new long[2];
        boolean capped = cycle(deadline, effort, sampled);
        KeyspaceStats stats = keyspace.stats();
        stats.expireCycleNanos += System.nanoTime() - start;
        if (capped) {
            stats.expireCycleTimeCapReached++;
        }
        // a slow-moving average of what this run saw, as Redis keeps stat_expired_stale_perc
        double share = sampled[0] == 0 ? 0 : (double) sampled[1] / sampled[0];
        stats.expiredStaleShare = share * 0.05 + stats.expiredStaleShare * 0.95;
    }

    /** The slices of one run; {@code sampled} gets the keys examined and expired. True if it stopped at the deadline. */
    private boolean cycle(long deadline, int effort, long[] sampled) {
        keyspace.clock().update();
        int perSlice = KEYS_PER_SLICE + KEYS_PER_SLICE / 4 * (effort - 1);
        int staleTolerancePercent = 10 - effort + 1;
        long[] counts = new long[2];
        int dbs = keyspace.count();
        int slices = 0;
        for (int n = 0; n < dbs; n++) {
            int index = nextDb;
            nextDb = (nextDb + 1) % dbs;
            Db db = keyspace.db(index);
            while (db.expiringCount() > 0) {
                counts[0] = 0;
                counts[1] = 0;
                cursors[index] = db.expireCycle(cursors[index], perSlice, counts);
                keyspace.stats().expiredByCycle += counts[1];
                sampled[0] += counts[0];
                sampled[1] += counts[1];
                if (++slices % SLICES_BETWEEN_CLOCK_CHECKS == 0 && System.nanoTime() > deadline) {
                    return true;
                }
                if (counts[0] == 0 || counts[1] * 100 <= counts[0] * staleTolerancePercent) {
                    break;
                }
            }
        }
        return false;
    }
}
