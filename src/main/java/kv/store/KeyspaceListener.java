package kv.store;

/**
 * Told about every change the mutation funnel ({@link Db}) makes: WATCH, keyspace notifications,
 * client tracking, blocked clients, propagation to the AOF and replicas, and snapshots all hang
 * here, so no command can forget one of them. Called on the data thread, synchronously, inside
 * the change: a listener must not change the keyspace itself.
 */
public interface KeyspaceListener {
    /**
     * An existing key is about to change (in place, overwritten, deleted, renamed, its TTL): its
     * current value and TTL are still readable from {@code db}. This is the hook a point-in-time
     * snapshot uses to save a pre-image before the first change of an entry.
     */
    default void beforeChange(Db db, byte[] key) {
    }

    /**
     * {@code key} did not exist and {@link Db#put} is creating it; {@link #keyChanged} follows (Redis'
     * "new" keyspace event).
     */
    default void keyAdded(Db db, byte[] key) {
    }

    /** A read command looked {@code key} up and found nothing (counted as a keyspace miss). */
    default void keyMissed(Db db, byte[] key) {
    }

    /** {@code key} in {@code db} has changed as {@code event} says. */
    default void keyChanged(Db db, byte[] key, KeyEvent event) {
    }

    /**
     * A whole database is about to change ({@link KeyEvent#FLUSHED}, or {@link KeyEvent#SWAPPED}
     * with {@code replacedWith} the database whose content it gets): {@code db} still holds
     * everything it held.
     */
    default void beforeDbChange(Db db, Db replacedWith, KeyEvent event) {
    }

    /** A whole database changed: {@link KeyEvent#FLUSHED} or {@link KeyEvent#SWAPPED}. */
    default void dbChanged(Db db, KeyEvent event) {
    }
}
