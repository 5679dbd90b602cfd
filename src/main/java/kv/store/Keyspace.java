package kv.store;

import java.util.Arrays;

/**
 * The numbered databases and what they share: the clock, the access clock mode, the counters, and
 * the listeners of the mutation funnel (see {@link Db}).
 */
public final class Keyspace {
    private static final KeyspaceListener[] NONE = new KeyspaceListener[0];

    private final Db[] dbs;
    private final Clock clock;
    private final AccessClock access = new AccessClock();
    private final KeyspaceStats stats = new KeyspaceStats();
    private final Evictor evictor = new Evictor(this);
    /** Set while a CLIENT NO-TOUCH client runs a command: reads leave access clocks alone. */
    private boolean noTouch;
    private KeyspaceListener[] listeners = NONE;
    /**
     * Set while the server replicates a master: keys past their TTL read as missing but are not
     * deleted (the master's DEL will come), as on a Redis replica.
     */
    private boolean replicaExpiry;
    /** Set while the master's stream is applied: keys past their TTL still exist for its commands. */
    private boolean applyingMasterStream;
    /** Keys changed by commands since start (Redis' server.dirty); never reset by CONFIG RESETSTAT. */
    private long changes;
    /**
     * Databases {@code 0..inUse-1} may differ from a fresh one; every database above has never held
     * a key and weighs {@link #freshDbBytes}. used_memory is computed before every command (the
     * maxmemory check), and most servers use db 0 alone: this spares walking fifteen empty ones.
     */
    private int inUse;
    private final long freshDbBytes;

    public Keyspace(int databases) {
        this(databases, new Clock());
    }

    public Keyspace(int databases, Clock clock) {
        this.clock = clock;
        dbs = new Db[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new Db(this, i);
        }
        freshDbBytes = databases == 0 ? 0 : dbs[0].heapBytes();
    }

    /** Db {@code index} is about to hold keys (or tables) a fresh one does not. */
    void inUse(int index) {
        if (index >= inUse) {
            inUse = index + 1;
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

    /** Picks and removes keys under a maxmemory policy. */
    public Evictor evictor() {
        return evictor;
    }

    /** See {@link #replicaExpiry}: on while the server is a replica (no lazy or active expiry of its own). */
    public void replicaExpiry(boolean on) {
        replicaExpiry = on;
    }

    public boolean replicaExpiry() {
        return replicaExpiry;
    }

    /** Brackets the master's commands on a replica: they see keys past their TTL as existing. */
    public void applyingMasterStream(boolean on) {
        applyingMasterStream = on;
    }

    /** What a key past its TTL is now: 0 = expire it, 1 = hide it (a replica's client), 2 = keep it (the master's). */
    int pastTtlTreatment() {
        return !replicaExpiry ? 0 : applyingMasterStream ? 2 : 1;
    }

    boolean noTouch() {
        return noTouch;
    }

    public void noTouch(boolean value) {
        noTouch = value;
    }

    /**
     * Swaps the contents of two databases; clients stay on their index and see the other data.
     * Counts as one change, as in Redis.
     */
    public void swap(int a, int b) {
        beforeDbChange(dbs[a], dbs[b], KeyEvent.SWAPPED);
        if (a != b) {
            beforeDbChange(dbs[b], dbs[a], KeyEvent.SWAPPED);
        }
        if (a != b) {
            dbs[a].swapWith(dbs[b]);
        }
        changes++;
        dbChanged(dbs[a], KeyEvent.SWAPPED);
        if (a != b) {
            dbChanged(dbs[b], KeyEvent.SWAPPED);
        }
    }

    /** Empties every database; the old tables are left to the garbage collector, so this is O(1). */
    public void clearAll() {
        for (Db db : dbs) {
            db.clear();
        }
    }

    // ---- the mutation funnel's counter and listeners ----

    /** Adds {@code listener} (once: adding it again changes nothing). */
    public void addListener(KeyspaceListener listener) {
        for (KeyspaceListener l : listeners) {
            if (l == listener) {
                return;
            }
        }
        listeners = Arrays.copyOf(listeners, listeners.length + 1);
        listeners[listeners.length - 1] = listener;
    }

    public void removeListener(KeyspaceListener listener) {
        listeners = Arrays.stream(listeners).filter(l -> l != listener).toArray(KeyspaceListener[]::new);
    }

    /** Keys changed by commands since start: what rdb_changes_since_last_save counts from. */
    public long changes() {
        return changes;
    }

    /**
     * Adds changes outside the keys that Redis counts in server.dirty too (function libraries
     * loaded or deleted): they count for save points and make the command propagate.
     */
    public void countChanges(long n) {
        changes += n;
    }

    void beforeChange(Db db, byte[] key) {
        for (KeyspaceListener l : listeners) {
            l.beforeChange(db, key);
        }
    }

    void keyAdded(Db db, byte[] key) {
        for (KeyspaceListener l : listeners) {
            l.keyAdded(db, key);
        }
    }

    void keyMissed(Db db, byte[] key) {
        for (KeyspaceListener l : listeners) {
            l.keyMissed(db, key);
        }
    }

    void keyChanged(Db db, byte[] key, KeyEvent event) {
        if (event.countsAsChange()) {
            changes++;
        }
        for (KeyspaceListener l : listeners) {
            l.keyChanged(db, key, event);
        }
    }

    void beforeDbChange(Db db, Db replacedWith, KeyEvent event) {
        for (KeyspaceListener l : listeners) {
            l.beforeDbChange(db, replacedWith, event);
        }
    }

    void dbChanged(Db db, KeyEvent event) {
        for (KeyspaceListener l : listeners) {
            l.dbChanged(db, event);
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

    /** The tables' slot arrays of every db: what used_memory_overhead counts beside the fixed part. */
    public long indexBytes() {
        long n = 0;
        for (Db db : dbs) {
            n += db.mainIndexBytes() + db.expiresIndexBytes();
        }
        return n;
    }

    /** Bytes of the key slabs' pages, used or free, over every db. */
    public long slabPageBytes() {
        long n = 0;
        for (Db db : dbs) {
            n += db.slabPageBytes();
        }
        return n;
    }

    /** Bytes of the records in use in the key slabs (size-class rounded), over every db. */
    public long slabLiveBytes() {
        long n = 0;
        for (Db db : dbs) {
            n += db.slabLiveBytes();
        }
        return n;
    }

    /** What the next growth of the databases' tables needs ({@link Db#growthReserve}), summed. */
    public long growthReserve() {
        long n = 0;
        for (int i = 0; i < inUse; i++) {
            n += dbs[i].growthReserve();
        }
        return n;
    }

    public long heapBytes() {
        long n = (dbs.length - inUse) * freshDbBytes;
        for (int i = 0; i < inUse; i++) {
            n += dbs[i].heapBytes();
        }
        return n;
    }
}
