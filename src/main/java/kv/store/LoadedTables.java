package kv.store;

import java.util.Arrays;

/**
 * The databases of a load (RDB file, AOF base), built in tables nobody else can see: any thread
 * may build them (one at a time), then the data thread installs them by handing the tables over to
 * empty databases, which costs O(databases) whatever the key count. So a load is never
 * half-visible, and the data thread does no per-key work. No listener hears the added keys and no
 * change is counted (Redis' load neither notifies nor dirties).
 */
public final class LoadedTables {
    /** One database's tables and the memory estimate of their entries, as {@link Db} keeps them. */
    static final class Part {
        final KeyTable main = new KeyTable();
        final ExpireTable expires = new ExpireTable();
        final KeySet volatileHashes = new KeySet();
        long entryBytes;
    }

    private final AccessClock access;
    private final long nowMs;
    private Part[] parts = new Part[0];

    /**
     * @param access gives each key its initial (or restored) LRU/LFU field: the keyspace's clock,
     *        or one configured like it
     * @param nowMs the load's time, for those fields
     */
    public LoadedTables(AccessClock access, long nowMs) {
        this.access = access;
        this.nowMs = nowMs;
    }

    private Part part(int db) {
        if (db >= parts.length) {
            parts = Arrays.copyOf(parts, Math.max(db + 1, parts.length * 2));
        }
        Part p = parts[db];
        if (p == null) {
            p = parts[db] = new Part();
        }
        return p;
    }

    /** Sizes database {@code db}'s tables for what the file announces (RESIZEDB), sparing the rehashes. */
    public void reserve(int db, long keys, long expiring) {
        Part p = part(db);
        p.main.reserve(keys);
        p.expires.reserve(expiring);
    }

    /**
     * Adds a key; false (and nothing added) if {@code db} has it already. {@code expireAtMs} is -1
     * for none; {@code idleSeconds} and {@code frequency} -1 when the file gives none.
     */
    public boolean add(int db, byte[] key, Object value, long expireAtMs, long idleSeconds, int frequency) {
        Part p = part(db);
        int hash = KeyHash.hash(key);
        if (p.main.find(key, hash) >= 0) {
            return false;
        }
        int field = idleSeconds >= 0 || frequency >= 0 ? access.restored(idleSeconds, frequency, nowMs) : -1;
        p.main.insert(key, hash, value, field >= 0 ? field : access.initial(nowMs));
        p.entryBytes += Memory.arrayBytes(key.length) + Values.heapBytes(value);
        if (expireAtMs >= 0) {
            p.expires.put(key, expireAtMs);
        }
        if (value instanceof HashValue h && h.hasFieldTtls()) {
            p.volatileHashes.add(key);
        }
        return true;
    }

    /** Keys added to {@code db}. */
    public int size(int db) {
        return db < parts.length && parts[db] != null ? parts[db].main.size() : 0;
    }

    /** Receives one loaded entry. */
    public interface EntryVisitor {
        void visit(int db, byte[] key, Object value, long expireAtMs);
    }

    /** Every entry, database by database (tools and tests; the tables stay as they are). */
    public void forEach(EntryVisitor visitor) {
        for (int db = 0; db < parts.length; db++) {
            Part p = parts[db];
            if (p == null) {
                continue;
            }
            int d = db;
            p.main.forEachSlot(slot -> {
                byte[] key = p.main.keyAt(slot);
                visitor.visit(d, key, p.main.valueAt(slot), p.expires.size() == 0 ? -1 : p.expires.get(key));
            });
        }
    }

    /**
     * Installs everything into {@code keyspace} (data thread) and forgets it. An empty database
     * takes the tables over as they are; one that holds keys already gets the entries one by one
     * (a loaded key replaces one of the same name).
     */
    public void installInto(Keyspace keyspace) {
        for (int db = 0; db < parts.length; db++) {
            Part p = parts[db];
            if (p == null || p.main.size() == 0) {
                continue;
            }
            Db target = keyspace.db(db);
            if (target.size() == 0) {
                target.adopt(p);
            } else {
                p.main.forEachSlot(slot -> {
                    byte[] key = p.main.keyAt(slot);
                    long when = p.expires.size() == 0 ? -1 : p.expires.get(key);
                    target.put(key, p.main.valueAt(slot), when >= 0 ? when : Db.NO_TTL);
                    target.setAccessField(key, p.main.accessAt(slot));
                });
            }
        }
        parts = new Part[0];
    }
}
