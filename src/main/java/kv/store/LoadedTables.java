package kv.store;

import java.util.Arrays;

/**
 * The databases of a load (RDB file, AOF base), built in tables nobody else can see: any thread
 * may build them (one at a time), then the data thread installs them by handing the tables over to
 * empty databases, which costs O(databases) whatever the key count. So a load is never
 * half-visible (one that fails is dropped with its tables), and the data thread does no per-key
 * work. No listener hears the added keys and no change is counted (Redis' load neither notifies
 * nor dirties).
 *
 * <p>Each key goes into its database's tables as it arrives, in one pass: its record (with its
 * value, if a string short enough to share it) into the main table's slab, then its slot, after a
 * probe that is also the check for a key the file holds twice. The file's RESIZEDB figures size
 * the tables first, so a load from Redis never rehashes. What the slots store is primitive (record
 * references, hashes, access fields, expiry times) except the value objects the records do not
 * hold, so stores in random slot order dirty no collector card for most keys; an earlier version,
 * whose slots held key and value objects, staged the entries and filled the tables in slot order
 * for that reason (bench/README.md, branch {@code rdb5}).
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

    /**
     * What the file announces for {@code db} (RESIZEDB): sizes its still empty tables for that many
     * keys, so they take the keys without rehashing (the tables cap the figure, which comes from the
     * file; a wrong one costs only a resize or some empty slots).
     */
    public void reserve(int db, long keys, long expiring) {
        Part p = part(db);
        p.main.reserve(keys);
        p.expires.reserve(expiring);
    }

    /**
     * Adds a key unless {@code db} holds it already: false then, and nothing is added.
     * {@code expireAtMs} is -1 for none; {@code idleSeconds} and {@code frequency} -1 when the file
     * gives none.
     */
    public boolean add(int db, byte[] key, Object value, long expireAtMs, long idleSeconds, int frequency) {
        Part p = part(db);
        int hash = KeyHash.hash(key);
        if (p.main.find(key, hash) >= 0) {
            return false;
        }
        insert(p, p.main.addRecord(key, value), hash, KeySlab.fits(value) ? null : value, idleSeconds, frequency, expireAtMs);
        p.entryBytes += KeyTable.entryBytes(key.length, value);
        if (value instanceof HashValue h && h.hasFieldTtls()) {
            p.volatileHashes.add(key);
        }
        return true;
    }

    /**
     * {@link #add} of a string value as bytes: the first {@code keyLen} of {@code key} and
     * {@code valueLen} of {@code value}, arrays the caller reuses (nothing here keeps them), except
     * a value longer than {@link StringValues#EMBSTR_LIMIT} bytes, which must be an array of exactly
     * its length and is kept. The value is stored as {@link StringValues#of} makes it; a key with a
     * short value then costs no object at all, not even the two arrays a file is read into.
     */
    public boolean addString(int db, byte[] key, int keyLen, byte[] value, int valueLen, long expireAtMs, long idleSeconds,
            int frequency) {
        Part p = part(db);
        int hash = KeyHash.hash(key, 0, keyLen);
        if (p.main.find(key, 0, keyLen, hash) >= 0) {
            return false;
        }
        Object side = valueLen > StringValues.EMBSTR_LIMIT ? value : StringValues.asLong(value, valueLen);
        long ref = side == null ? p.main.addRecord(key, keyLen, value, valueLen) : p.main.addRecord(key, keyLen, null, 0);
        insert(p, ref, hash, side, idleSeconds, frequency, expireAtMs);
        p.entryBytes += side == null ? KeySlab.recordBytes(keyLen, valueLen) : KeyTable.entryBytes(keyLen, side);
        return true;
    }

    /** Puts the key of record {@code ref}, just probed for and absent, into the tables; {@code side} is the value object the record does not hold. */
    private void insert(Part p, long ref, int hash, Object side, long idleSeconds, int frequency, long expireAtMs) {
        int field = idleSeconds >= 0 || frequency >= 0 ? access.restored(idleSeconds, frequency, nowMs) : -1;
        p.main.insertRecord(ref, hash, side, field >= 0 ? field : access.initial(nowMs));
        if (expireAtMs >= 0) {
            p.expires.insertKeyOf(p.main.slab(), ref, hash, expireAtMs);
        }
    }

    /** Keys added to {@code db}. */
    public int size(int db) {
        Part p = db < parts.length ? parts[db] : null;
        return p == null ? 0 : p.main.size();
    }

    /** Slots of the main table of {@code db} (tests). */
    int capacity(int db) {
        return part(db).main.capacity();
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
