package kv.store;

import java.util.Arrays;

/**
 * The databases of a load (RDB file, AOF base), built in tables nobody else can see: any thread
 * may build them (one at a time), then the data thread installs them by handing the tables over to
 * empty databases, which costs O(databases) whatever the key count. So a load is never
 * half-visible, and the data thread does no per-key work. No listener hears the added keys and no
 * change is counted (Redis' load neither notifies nor dirties).
 *
 * <p>Each key's record (and its value, if a string short enough to share it) is written into the
 * slab of its database's main table as it arrives, so the key and value arrays the file was read
 * into die young: what a load keeps alive until it ends is a few large arrays, not two small
 * objects per key for each young collection to copy (5M keys on JDK 17 with G1: 15-30% less CPU,
 * a seventh less peak RSS).
 *
 * <p>The table slots themselves are staged in arrival order and filled by {@link #build} in the
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

        /** Stages the entry of record {@code ref}; {@code value} is the value object the record does not hold, else null. */
        void add(long ref, int hash, Object value, int field, long when, long offset) {
            int b = count >>> HashSlots.CHUNK_SHIFT;
            int i = count & HashSlots.CHUNK_MASK;
            if (b == blocks.length) {
                blocks = Arrays.copyOf(blocks, b * 2);
            }
            Block block = blocks[b];
            if (block == null) {
                block = blocks[b] = new Block(HashSlots.CHUNK);
            } else if (i == block.values.length) {
                block.grow(i * 2);
            }
            boolean side = value != null;
            block.entries[2 * i] = side ? ref | Block.SIDE : ref;
            block.entries[2 * i + 1] = (long) hash << 32 | (field & 0xffffffffL);
            if (side) {
                block.values[i] = value;
            }
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
            return block(entry).hash(entry & HashSlots.CHUNK_MASK);
        }
    }

    /**
     * {@link HashSlots#CHUNK} (or fewer, the first) staged entries. Each key's record is already in
     * the slab of the database's main table; what the table's slot needs besides (record, hash,
     * access field) is packed into two neighbouring longs, since {@link #build} visits the entries
     * in slot order, not file order: one cache miss per entry, not one per array. The value is
     * kept only when the record does not hold it (flagged in a bit the record reference leaves free).
     */
    private static final class Block {
        static final long SIDE = Long.MIN_VALUE & KeySlab.TAG_MASK;
        /** Per entry: the record reference (with {@link #SIDE}), then hash and access field. */
        long[] entries;
        Object[] values;
        long[] expireAt;
        long[] offsets;

        Block(int length) {
            entries = new long[2 * length];
            values = new Object[length];
            expireAt = new long[length];
            offsets = new long[length];
        }

        void grow(int length) {
            entries = Arrays.copyOf(entries, 2 * length);
            values = Arrays.copyOf(values, length);
            expireAt = Arrays.copyOf(expireAt, length);
            offsets = Arrays.copyOf(offsets, length);
        }

        long ref(int i) {
            return entries[2 * i] & ~SIDE;
        }

        /** The value object, or null when the record holds the value (the array is read only then). */
        Object sideValue(int i) {
            return (entries[2 * i] & SIDE) != 0 ? values[i] : null;
        }

        int hash(int i) {
            return (int) (entries[2 * i + 1] >>> 32);
        }

        int access(int i) {
            return (int) entries[2 * i + 1];
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
        if (st != null && st.count == 0 && n > st.blocks[0].values.length) {
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
        stage(p, p.main.addRecord(key, value), KeyHash.hash(key), KeySlab.fits(value) ? null : value, idleSeconds, frequency,
                expireAtMs, offset);
        p.entryBytes += KeyTable.entryBytes(key.length, value);
        if (value instanceof HashValue h && h.hasFieldTtls()) {
            p.volatileHashes.add(key);
        }
    }

    /**
     * {@link #add} of a string value as bytes: the first {@code keyLen} of {@code key} and
     * {@code valueLen} of {@code value}, arrays the caller reuses (nothing here keeps them), except
     * a value longer than {@link StringValues#EMBSTR_LIMIT} bytes, which must be an array of exactly
     * its length and is kept. The value is stored as {@link StringValues#of} makes it; a key with a
     * short value then costs no object at all, not even the two arrays a file is read into.
     */
    public void addString(int db, byte[] key, int keyLen, byte[] value, int valueLen, long expireAtMs, long idleSeconds,
            int frequency, long offset) {
        Object side = valueLen > StringValues.EMBSTR_LIMIT ? value : StringValues.asLong(value, valueLen);
        Part p = part(db);
        long ref = side == null ? p.main.addRecord(key, keyLen, value, valueLen) : p.main.addRecord(key, keyLen, null, 0);
        stage(p, ref, KeyHash.hash(key, 0, keyLen), side, idleSeconds, frequency, expireAtMs, offset);
        p.entryBytes += side == null ? KeySlab.recordBytes(keyLen, valueLen) : KeyTable.entryBytes(keyLen, side);
    }

    private void stage(Part p, long ref, int hash, Object side, long idleSeconds, int frequency, long expireAtMs, long offset) {
        int field = idleSeconds >= 0 || frequency >= 0 ? access.restored(idleSeconds, frequency, nowMs) : -1;
        p.staged.add(ref, hash, side, field >= 0 ? field : access.initial(nowMs), expireAtMs, offset);
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
                    long ref = b.ref(i);
                    int hash = b.hash(i);
                    if (p.main.findKeyOf(p.main.slab(), ref, hash) >= 0) {
                        return new Duplicate(db, p.main.slab().key(ref), b.offsets[i]);
                    }
                    p.main.insertRecord(ref, hash, b.sideValue(i), b.access(i));
                }
            }
            if (st.expiring > 0) {
                p.expires.reserve(st.expiring);
                for (int[] chunk : homeOrder(st, true, st.expiring, p.expires.capacity() - 1)) {
                    for (int e : chunk) {
                        Block b = st.block(e);
                        int i = e & HashSlots.CHUNK_MASK;
                        p.expires.insertKeyOf(p.main.slab(), b.ref(i), b.hash(i), b.expireAt[i]);
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
