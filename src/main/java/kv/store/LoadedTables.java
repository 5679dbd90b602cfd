package kv.store;

import java.util.Arrays;

/**
 * The databases of a load (RDB file, AOF base), built in tables nobody else can see: any thread
 * may build them (one at a time), then the data thread installs them by handing the tables over to
 * empty databases, which costs O(databases) whatever the key count. So a load is never
 * half-visible, and the data thread does no per-key work. No listener hears the added keys and no
 * change is counted (Redis' load neither notifies nor dirties).
 *
 * <p>Entries are first staged in arrival order and put into the tables by {@link #build} in the
 * order of their home slots. Why: the tables' arrays are large (old-generation) objects, and G1
 * pays for each store of a new object's reference into one (a card dirtied, queued and refined,
 * then scanned again at the next young collection); stores in random slot order dirty a new card
 * nearly every time, stores in slot order dirty each card once. Measured on 1M keys: 4–6 s in
 * random order, 0.4–0.9 s in slot order.
 */
public final class LoadedTables {
    /** One database's tables and the memory estimate of their entries, as {@link Db} keeps them. */
    static final class Part {
        final KeyTable main = new KeyTable();
        final ExpireTable expires = new ExpireTable();
        final KeySet volatileHashes = new KeySet();
        long entryBytes;
        Staged staged = new Staged();
    }

    /** A database's entries as they came, until {@link #build}: parallel arrays, appended in order. */
    private static final class Staged {
        byte[][] keys = new byte[64][];
        Object[] values = new Object[64];
        int[] hashes = new int[64];
        int[] access = new int[64];
        long[] expireAt = new long[64];
        long[] offsets = new long[64];
        int count;
        int expiring;

        void add(byte[] key, int hash, Object value, int field, long when, long offset) {
            if (count == keys.length) {
                int n = count * 2;
                keys = Arrays.copyOf(keys, n);
                values = Arrays.copyOf(values, n);
                hashes = Arrays.copyOf(hashes, n);
                access = Arrays.copyOf(access, n);
                expireAt = Arrays.copyOf(expireAt, n);
                offsets = Arrays.copyOf(offsets, n);
            }
            keys[count] = key;
            values[count] = value;
            hashes[count] = hash;
            access[count] = field;
            expireAt[count] = when;
            offsets[count] = offset;
            count++;
            if (when >= 0) {
                expiring++;
            }
        }
    }

    /** A key the file holds twice in one database: where its second copy starts. */
    public record Duplicate(int db, byte[] key, long offset) {
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
     * What the file announces for {@code db} (RESIZEDB). The tables are sized by the real count
     * when they are built, so this only spares the staging arrays their growth; capped, since the
     * figure comes from the file.
     */
    public void reserve(int db, long keys, long expiring) {
        Staged st = part(db).staged;
        int n = (int) Math.min(keys, 1 << 20);
        if (st != null && st.count == 0 && n > st.keys.length) {
            st.keys = new byte[n][];
            st.values = new Object[n];
            st.hashes = new int[n];
            st.access = new int[n];
            st.expireAt = new long[n];
            st.offsets = new long[n];
        }
    }

    /**
     * Stages a key; {@code expireAtMs} is -1 for none; {@code idleSeconds} and {@code frequency}
     * -1 when the file gives none; {@code offset} is where its record starts (for the duplicate
     * error). Keys are checked for duplicates by {@link #build}.
     */
    public void add(int db, byte[] key, Object value, long expireAtMs, long idleSeconds, int frequency, long offset) {
        Part p = part(db);
        int field = idleSeconds >= 0 || frequency >= 0 ? access.restored(idleSeconds, frequency, nowMs) : -1;
        p.staged.add(key, KeyHash.hash(key), value, field >= 0 ? field : access.initial(nowMs), expireAtMs, offset);
        p.entryBytes += KeyTable.entryBytes(key.length, value);
        if (value instanceof HashValue h && h.hasFieldTtls()) {
            p.volatileHashes.add(key);
        }
    }

    /**
     * Puts the staged entries into the tables, each table filled in the order of its home slots;
     * returns the first key found twice in a database (the tables are then unusable), else null.
     */
    public Duplicate build() {
        for (int db = 0; db < parts.length; db++) {
            Part p = parts[db];
            if (p == null || p.staged == null) {
                continue;
            }
            Staged st = p.staged;
            p.staged = null;
            p.main.reserve(st.count);
            int[] order = homeOrder(st.hashes, null, st.count, p.main.capacity() - 1);
            for (int i : order) {
                if (p.main.find(st.keys[i], st.hashes[i]) >= 0) {
                    return new Duplicate(db, st.keys[i], st.offsets[i]);
                }
                p.main.insert(st.keys[i], st.hashes[i], st.values[i], st.access[i]);
            }
            if (st.expiring > 0) {
                int[] withTtl = new int[st.expiring];
                for (int i = 0, n = 0; i < st.count; i++) {
                    if (st.expireAt[i] >= 0) {
                        withTtl[n++] = i;
                    }
                }
                p.expires.reserve(st.expiring);
                for (int i : homeOrder(st.hashes, withTtl, st.expiring, p.expires.capacity() - 1)) {
                    p.expires.put(st.keys[i], st.expireAt[i]);
                }
            }
        }
        return null;
    }

    /**
     * The entries {@code which} (or 0..n-1 when null) sorted by home slot {@code hash & mask}, a
     * stable counting sort: equal keys keep their file order, so the second copy is the duplicate.
     */
    private static int[] homeOrder(int[] hashes, int[] which, int n, int mask) {
        int[] start = new int[mask + 2];
        for (int j = 0; j < n; j++) {
            start[(hashes[which == null ? j : which[j]] & mask) + 1]++;
        }
        for (int b = 1; b < start.length; b++) {
            start[b] += start[b - 1];
        }
        int[] order = new int[n];
        for (int j = 0; j < n; j++) {
            int i = which == null ? j : which[j];
            order[start[hashes[i] & mask]++] = i;
        }
        return order;
    }

    /** Keys added to {@code db}. */
    public int size(int db) {
        Part p = db < parts.length ? parts[db] : null;
        return p == null ? 0 : p.staged != null ? p.staged.count : p.main.size();
    }

    /** Receives one loaded entry. */
    public interface EntryVisitor {
        void visit(int db, byte[] key, Object value, long expireAtMs);
    }

    /** Every entry, database by database (tools and tests; the tables stay as they are), once built. */
    public void forEach(EntryVisitor visitor) {
        requireBuilt();
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
        requireBuilt();
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

    private void requireBuilt() {
        for (Part p : parts) {
            if (p != null && p.staged != null) {
                throw new IllegalStateException("the loaded tables are not built yet");
            }
        }
    }
}
