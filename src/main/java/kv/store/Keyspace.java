package kv.store;

/** The numbered databases and what they share: the clock, the access clock mode, the counters. */
public final class Keyspace {
    private final Db[] dbs;
    private final Clock clock = new Clock();
    private final AccessClock access = new AccessClock();
    private final KeyspaceStats stats = new KeyspaceStats();
    /** Set while a CLIENT NO-TOUCH client runs a command: reads leave access clocks alone. */
    private boolean noTouch;

    public Keyspace(int databases) {
        dbs = new Db[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new Db(this);
        }
    }

    public Db db(int index) {
        return dbs[index];
    }

    public int count() {
        return dbs.length;
    }

    public Clock clock() {
        return clock;
    }

    public AccessClock access() {
        return access;
    }

    public KeyspaceStats stats() {
        return stats;
    }

    boolean noTouch() {
        return noTouch;
    }

    public void noTouch(boolean value) {
        noTouch = value;
    }

    /** Swaps the contents of two databases; clients stay on their index and see the other data. */
    public void swap(int a, int b) {
        if (a != b) {
            dbs[a].swapWith(dbs[b]);
        }
    }

    /** Empties every database; the old tables are left to the garbage collector, so this is O(1). */
    public void clearAll() {
        for (Db db : dbs) {
            db.clear();
        }
    }

    /** Gives pending table resizes up to {@code budgetNanos} of background progress. */
    public void migrateTables(long budgetNanos) {
        long deadline = System.nanoTime() + budgetNanos;
        for (Db db : dbs) {
            db.migrateUntil(deadline);
        }
    }

    public long keyCount() {
        long n = 0;
        for (Db db : dbs) {
            n += db.size();
        }
        return n;
    }

    public long heapBytes() {
        long n = 0;
        for (Db db : dbs) {
            n += db.heapBytes();
        }
        return n;
    }
}
