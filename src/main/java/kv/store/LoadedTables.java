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

    /**
     * A database's entries as they came, until {@link #build}: parallel arrays in blocks of
     * {@link HashSlots#CHUNK} entries, appended in order. No array grows with the key count (10M
     * keys staged in N-sized arrays were six arrays of 40-80 MB, humongous for any collector), and
     * a small load stays small: the first block grows by doubling up to a full one.
     */
    private static final class Staged {
        Block[] blocks = {new Block(64)};
        int count;
        int expiring;

        void add(byte[] key, int hash, Object value, int field, long when, long offset) {
            int b = count >>> HashSlots.CHUNK_SHIFT;
            int i = count & HashSlots.CHUNK_MASK;
            if (b == blocks.length) {
                blocks = Arrays.copyOf(blocks, b * 2);
            }
            Block block = blocks[b];
            if (block == null) {
                block = blocks[b] = new Block(HashSlots.CHUNK);
            } else if (i == block.keys.length) {
                block.grow(i * 2);
            }
            block.keys[i] = key;
            block.values[i] = value;
            block.hashes[i] = hash;
            block.access[i] = field;
            block.expireAt[i] = when;
            block.offsets[i] = offset;
            count++;
            if (when >= 0) {
                expiring++;
            }
        }

        Block block(int entry) {
            return blocks[entry >>> HashSlots.CHUNK_SHIFT];
        }

        int hash(int entry) {
            return block(entry).hashes[entry & HashSlots.CHUNK_MASK];
        }
    }

    /** {@link HashSlots#CHUNK} (or fewer, the first) staged entries. */
    private static final class Block {
        byte[][] keys;
        Object[] values;
        int[] hashes;
        int[] access;
        long[] expireAt;
        long[] offsets;

        Block(int length) {
            keys = new byte[length][];
            values = new Object[length];
            hashes = new int[length];
            access = new int[length];
            expireAt = new long[length];
            offsets = new long[length];
        }

        void grow(int length) {
            keys = Arrays.copyOf(keys, length);
            values = Arrays.copyOf(values, length);
            hashes = Arrays.copyOf(hashes, length);
            access = Arrays.copyOf(access, length);
            expireAt = Arrays.copyOf(expireAt, length);
            offsets = Arrays.copyOf(offsets, length);
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
     * when they are built and the staging grows by blocks, so this only sizes the first block;
     * capped, since the figure comes from the file.
     */
    public void reserve(int db, long keys, long expiring) {
        Staged st = part(db).staged;
        int n = (int) Math.min(keys, HashSlots.CHUNK);
        if (st != null && st.count == 0 && n > st.blocks[0].keys.length) {
            st.blocks[0] = new Block(n);
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
            int[][] order = homeOrder(st, false, st.count, p.main.capacity() - 1);
            for (int[] chunk : order) {
                for (int e : chunk) {
                    Block b = st.block(e);
                    int i = e & HashSlots.CHUNK_MASK;
                    if (p.main.find(b.keys[i], b.hashes[i]) >= 0) {
                        return new Duplicate(db, b.keys[i], b.offsets[i]);
                    }
                    p.main.insert(b.keys[i], b.hashes[i], b.values[i], b.access[i]);
                }
            }
            if (st.expiring > 0) {
                p.expires.reserve(st.expiring);
                for (int[] chunk : homeOrder(st, true, st.expiring, p.expires.capacity() - 1)) {
                    for (int e : chunk) {
                        Block b = st.block(e);
                        int i = e & HashSlots.CHUNK_MASK;
                        p.expires.put(b.keys[i], b.expireAt[i]);
                    }
                }
            }
        }
        return null;
    }

    /**
     * The {@code n} staged entries (those with a TTL if {@code expiringOnly}) in the order of their
     * home slots {@code hash & mask}, as chunks of at most {@link HashSlots#CHUNK} entry numbers. A
     * stable counting sort on the top bits of the home slot, at most a chunk's worth of buckets
     * (each a run of neighbouring slots, a few cache lines of each slot array), so neither the
     * counts nor the order need an array of the table's or the load's size; equal keys keep their
     * file order, so the second copy is the one found to be a duplicate.
     */
    private static int[][] homeOrder(Staged st, boolean expiringOnly, int n, int mask) {
        int shift = Math.max(0, Integer.numberOfTrailingZeros(mask + 1) - HashSlots.CHUNK_SHIFT);
        int[] start = new int[(mask >>> shift) + 2];
        for (int e = 0; e < st.count; e++) {
            if (!expiringOnly || st.block(e).expireAt[e & HashSlots.CHUNK_MASK] >= 0) {
                start[((st.hash(e) & mask) >>> shift) + 1]++;
            }
        }
        for (int b = 1; b < start.length; b++) {
            start[b] += start[b - 1];
        }
        int[][] order = new int[(n + HashSlots.CHUNK - 1) >>> HashSlots.CHUNK_SHIFT][];
        for (int c = 0; c < order.length; c++) {
            order[c] = new int[Math.min(HashSlots.CHUNK, n - (c << HashSlots.CHUNK_SHIFT))];
        }
        for (int e = 0; e < st.count; e++) {
            if (!expiringOnly || st.block(e).expireAt[e & HashSlots.CHUNK_MASK] >= 0) {
                int at = start[(st.hash(e) & mask) >>> shift]++;
                order[at >>> HashSlots.CHUNK_SHIFT][at & HashSlots.CHUNK_MASK] = e;
            }
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
