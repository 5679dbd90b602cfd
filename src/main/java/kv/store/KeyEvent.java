package kv.store;

/** What happened to a key (or to a whole database) in the mutation funnel. */
public enum KeyEvent {
    /** Created, overwritten, changed in place, or its TTL set or removed. */
    MODIFIED(true),
    /**
     * Created by DEBUG POPULATE: WATCH, tracking and blocked clients hear of it, but Redis neither
     * counts it as a change nor notifies it (beyond "new").
     */
    POPULATED(false),
    /** Removed by a command. */
    DELETED(true),
    /**
     * Removed because a command changed an aggregate in place and left it empty (a pop of the last
     * element): Redis reports the command's own event before the deletion.
     */
    EMPTIED(true),
    /** Removed because its TTL passed (lazily on access, or by the active cycle). */
    EXPIRED(false),
    /** Removed to free memory under maxmemory. */
    EVICTED(false),
    /** The source of RENAME: the entry left this name (counted once, on its destination). */
    RENAMED_FROM(false),
    /** The destination of RENAME. */
    RENAMED_TO(true),
    /** The source of MOVE, in the source database. */
    MOVED_FROM(false),
    /** The destination of MOVE, in the target database. */
    MOVED_TO(true),
    /** A whole database emptied (FLUSHDB, FLUSHALL); reported per database. */
    FLUSHED(false),
    /** A whole database's content exchanged with another's (SWAPDB); reported for both. */
    SWAPPED(false);

    private final boolean countsAsChange;

    KeyEvent(boolean countsAsChange) {
        this.countsAsChange = countsAsChange;
    }

    /** True if the event adds one to the dirty counter (Redis' server.dirty: keys changed by commands). */
    public boolean countsAsChange() {
        return countsAsChange;
    }
}
