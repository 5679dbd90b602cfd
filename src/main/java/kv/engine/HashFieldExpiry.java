package kv.engine;

import java.util.ArrayList;
import java.util.List;

import kv.store.Db;
import kv.store.HashValue;
import kv.store.KeySet;
import kv.store.Keyspace;
import kv.store.ValueType;

/**
 * Expiry of hash fields (Redis 7.4+ / 8 hash field expiration): lazily, when a command meets a
 * hash whose earliest field TTL has passed, and actively, by a bounded walk over each database's
 * index of hashes with field TTLs run from the cron. Removed fields propagate as HDEL (before the
 * command that met them), so the AOF and replicas never judge field expiry themselves; a hash that
 * loses its last field is deleted by the mutation funnel.
 */
public final class HashFieldExpiry {
    /** Hashes looked at between clock checks, and fields removed per hash and visit. */
    private static final int KEYS_PER_BATCH = 32;
    private static final int FIELDS_PER_KEY = 1000;

    private final Server server;
    private final long[] cursors;

    public HashFieldExpiry(Server server) {
        this.server = server;
        this.cursors = new long[server.keyspace().count()];
    }

    /**
     * Removes the due fields of {@code key}'s hash if its earliest field TTL has passed; returns the
     * hash as it is afterwards (null if the key is gone, or it is not a hash: callers check types).
     */
    public static HashValue expireDue(Server server, Db db, byte[] key, HashValue h, int limit) {
        long now = server.keyspace().clock().now();
        if (h == null || h.nextExpiry() > now) {
            return h;
        }
        HashValue m = db.modify(key, ValueType.HASH);
        expire(server, db, key, m, now, limit);
        KeyspaceEvents.Notice[] was = server.keyspaceEvents().reportAs(KeyspaceEvents.HEXPIRED);
        try {
            db.modified(key);
        } finally {
            server.keyspaceEvents().restore(was);
        }
        return m.isEmpty() ? null : m;
    }

    /**
     * Removes the due fields of a hash the caller holds between {@link Db#modify} and {@link
     * Db#modified} (a write command meeting expired fields).
     */
    public static void expireInPlace(Server server, Db db, byte[] key, HashValue h) {
        long now = server.keyspace().clock().now();
        if (h.nextExpiry() <= now) {
            expire(server, db, key, h, now, Integer.MAX_VALUE);
            server.keyspaceEvents().emit(db, key, KeyspaceEvents.HEXPIRED);
        }
    }

    private static void expire(Server server, Db db, byte[] key, HashValue h, long now, int limit) {
        List<byte[]> removed = new ArrayList<>();
        h.expireDue(now, limit, removed::add);
        if (!removed.isEmpty()) {
            server.propagator().propagate(db.index(), Propagation.hdel(key, removed));
        }
    }

    /**
     * One active pass within {@code budgetNanos}: walks each database's index in batches while
     * time remains, at most once around per tick.
     */
    public void run(long budgetNanos) {
        long deadline = System.nanoTime() + budgetNanos;
        Keyspace keyspace = server.keyspace();
        keyspace.clock().update();
        List<byte[]> keys = new ArrayList<>();
        keyspace.noTouch(true); // expiry is not an access
        try {
            for (int i = 0; i < keyspace.count(); i++) {
                Db db = keyspace.db(i);
                KeySet index = db.volatileHashes();
                boolean wrapped = false;
                while (!wrapped && index.size() > 0) {
                    keys.clear();
                    long cursor = cursors[i];
                    do {
                        cursor = index.scan(cursor, keys);
                    } while (cursor != 0 && keys.size() < KEYS_PER_BATCH);
                    cursors[i] = cursor;
                    wrapped = cursor == 0;
                    for (byte[] key : keys) {
                        Object v = db.read(key, Db.NO_TOUCH | Db.NO_STATS);
                        if (!(v instanceof HashValue) || !((HashValue) v).hasFieldTtls()) {
                            index.remove(key);
                        } else {
                            expireDue(server, db, key, (HashValue) v, FIELDS_PER_KEY);
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        return;
                    }
                }
            }
        } finally {
            keyspace.noTouch(false);
        }
    }
}
