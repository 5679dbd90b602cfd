package kv.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import kv.util.BulkSink;

/**
 * One numbered database, and the keyspace's mutation funnel: every change to a key passes through
 * the methods below, which keep the memory estimate, count changes (Redis' dirty counter: keys
 * changed by commands) and tell the {@link KeyspaceListener}s. Reading, testing existence and
 * modifying are separate calls, so "about to modify" means exactly that.
 *
 * <p>Every lookup removes a key whose TTL has passed before anybody sees it (lazy expiry). Only the
 * data thread may call it.
 */
public final class Db {
    /** Do not update the key's access clock (OBJECT, TTL, TYPE, EXISTS, CLIENT NO-TOUCH). */
    public static final int NO_TOUCH = 1;
    /** Do not count a keyspace hit or miss. */
    public static final int NO_STATS = 2;

    /** {@link #put(byte[], Object, long)}: keep the key's TTL. */
    public static final long KEEP_TTL = -2;
    /** {@link #put(byte[], Object, long)}: the key has no TTL. */
    public static final long NO_TTL = -1;

    /** The main table's payload arrays (value reference, access clock) and their bytes per slot. */
    private static final int MAIN_ARRAYS = 2;
    private static final int MAIN_SLOT_BYTES = 4 + 4;
    /** The expiry table's one payload array (the deadline) and its bytes per slot. */
    private static final int EXPIRES_SLOT_BYTES = 8;

    private final Keyspace keyspace;
    private final int index;
    private KeyTable main = new KeyTable();
    private ExpireTable expires = new ExpireTable();
    /** Hashes with field TTLs, for the active expiry of fields (may hold stale keys). */
    private KeySet volatileHashes = new KeySet();
    /** Sum of the estimated heap bytes of keys and values (tables excluded). */
    private long entryBytes;
    /** The record of the key handed out by {@link #modify} (0: none) and its entry's size then, settled by {@link #modified}. */
    private long modifying;
    private int modifyingSlot;
    private long modifyingBytes;
    /**
     * Entries removed from the main table so far (a wrapping count): a record is freed, and may be
     * reused, only when its entry is removed, so while this count stands still the record that
     * {@link #modify} found is still that key's.
     */
    private int removals;
    private int modifyingRemovals;
    /** The tables' slot-array bytes and growth reserve as of the tables and shapes beside them. */
    private long tableBytes;
    private long reserveBytes;
    private KeyTable figuredMain;
    private ExpireTable figuredExpires;
    private int mainShape;
    private int expiresShape;

    Db(Keyspace keyspace, int index) {
        this.keyspace = keyspace;
        this.index = index;
    }

    /** The database number (SELECT index). */
    public int index() {
        return index;
    }

    private long now() {
        return keyspace.clock().now();
    }

    // ---- reading ----

    /** Lookup for a read command: counts a hit or miss and touches the key. Any type. */
    public Object read(byte[] key) {
        return read(key, 0);
    }

    public Object read(byte[] key, int flags) {
        int slot = readSlot(key, flags);
        return slot < 0 ? null : main.valueAt(slot);
    }

    /** The slot of a live key looked up to read (-1 if absent), counted and touched as {@code flags} say. */
    private int readSlot(byte[] key, int flags) {
        int slot = liveSlot(key);
        KeyspaceStats stats = keyspace.stats();
        if (slot < 0) {
            if ((flags & NO_STATS) == 0) {
                stats.misses++;
                keyspace.keyMissed(this, key);
            }
            return -1;
        }
        if ((flags & NO_STATS) == 0) {
            stats.hits++;
        }
        if ((flags & NO_TOUCH) == 0) {
            touch(slot);
        }
        return slot;
    }

    /** Records an access to {@code slot} for LRU/LFU, unless the client asked for NO-TOUCH. */
    private void touch(int slot) {
        if (!keyspace.noTouch()) {
            AccessClock access = keyspace.access();
            // LRU's clock does not depend on the old one: no read of the access array (a cache miss)
            main.setAccessAt(slot, access.touched(access.lfu() ? main.accessAt(slot) : 0, now()));
        }
    }

    /**
     * GET: writes the string value of {@code key} to {@code out}, a value kept in the key's slab
     * record straight from there (no copy); false, with nothing written, if the key is absent.
     * A lookup as {@link #read(byte[], ValueType)}'s, WRONGTYPE included.
     */
    public boolean writeString(byte[] key, BulkSink out) {
        int slot = readSlot(key, 0);
        if (slot < 0) {
            return false;
        }
        if (!main.writeStringAt(slot, out)) {
            throw new WrongTypeException();
        }
        return true;
    }

    /**
     * MGET's lookup: as {@link #writeString}, but a value of another type writes nothing and gives
     * false, as an absent key does (MGET answers nil there, not WRONGTYPE).
     */
    public boolean writeStringIfString(byte[] key, BulkSink out) {
        int slot = readSlot(key, 0);
        return slot >= 0 && main.writeStringAt(slot, out);
    }

    /**
     * Typed lookup for a read command: the value, or null if the key is absent. A value of another
     * type is Redis' WRONGTYPE ({@link WrongTypeException}), decided here and nowhere else.
     */
    public <T> T read(byte[] key, ValueType type) {
        return read(key, type, 0);
    }

    @SuppressWarnings("unchecked")
    public <T> T read(byte[] key, ValueType type, int flags) {
        Object v = read(key, flags);
        if (v != null && Values.type(v) != type) {
            throw new WrongTypeException();
        }
        return (T) v;
    }

    /** True if {@code key} is stored, even past its TTL; no expiry, statistics or touch. */
    public boolean storedKey(byte[] key) {
        return main.find(key) >= 0;
    }

    /** True if {@code key} exists (after lazy expiry); no statistics, no touch. */
    public boolean exists(byte[] key) {
        return liveSlot(key) >= 0;
    }

    // ---- changing ----

    /**
     * Lookup to change a value in place: null if absent. Runs the before-change hook; the caller
     * must call {@link #modified} once it has changed the value (nothing else may happen to the
     * keyspace in between). Touches the key; no hit/miss counting (Redis' lookupKeyWrite).
     */
    public Object modify(byte[] key) {
        int slot = liveSlot(key);
        return slot < 0 ? null : modifySlot(key, slot);
    }

    /** Typed {@link #modify}: WRONGTYPE for a value of another type (one lookup for both). */
    @SuppressWarnings("unchecked")
    public <T> T modify(byte[] key, ValueType type) {
        int slot = liveSlot(key);
        if (slot < 0) {
            return null;
        }
        if (Values.type(main.valueAt(slot)) != type) {
            throw new WrongTypeException();
        }
        return (T) modifySlot(key, slot);
    }

    private Object modifySlot(byte[] key, int slot) {
        touch(slot);
        Object v = main.valueAt(slot);
        beforeChange(key);
        modifying = main.refAt(slot);
        modifyingSlot = slot;
        modifyingRemovals = removals;
        modifyingBytes = main.entryBytesAt(slot);
        return v;
    }

    /**
     * INCR, DECR, INCRBY, DECRBY in one lookup: adds {@code increment} to the 64-bit integer that
     * the string value of {@code key} holds and stores the sum ("int" encoded, TTL and access
     * clock kept); an absent key counts as 0 and is created. Returns the sum. Errors leave the value
     * as it was: {@link WrongTypeException} for another type, {@link IntegerValueException} for a
     * value that is no integer or a sum that overflows (checked in that order, as Redis does).
     */
    public long addToInteger(byte[] key, long increment) {
        int slot = liveSlot(key);
        if (slot < 0) {
            put(key, Long.valueOf(increment));
            return increment;
        }
        Object side = main.sideValueAt(slot);
        Object value = side != null ? side : main.valueAt(slot);
        if (!StringValues.isString(value)) {
            throw new WrongTypeException();
        }
        touch(slot);
        if (!StringValues.isLong(value)) {
            throw new IntegerValueException(false);
        }
        long before = StringValues.longValue(value);
        long sum = before + increment;
        if (((before ^ sum) & (increment ^ sum)) < 0) {
            throw new IntegerValueException(true);
        }
        beforeChange(key);
        if (side instanceof Long) {
            // an integer stays out of the record: only the side object changes
            Long boxed = sum;
            main.replaceSideValueAt(slot, boxed);
            entryBytes += StringValues.heapBytes(boxed) - StringValues.heapBytes(side);
        } else {
            long bytesBefore = main.entryBytesAt(slot);
            main.setValueAt(slot, sum);
            entryBytes += main.entryBytesAt(slot) - bytesBefore;
        }
        changed(key, KeyEvent.MODIFIED);
        return sum;
    }

    /**
     * Settles a change made in place after {@link #modify}: the memory estimate follows the value's
     * new size, the change is counted and reported. An aggregate left empty is deleted, as Redis
     * deletes a list, set, hash or sorted set that loses its last element.
     */
    public void modified(byte[] key) {
        int slot = slotOfModified(key);
        Object v = main.valueAt(slot);
        entryBytes += main.entryBytesAt(slot) - modifyingBytes;
        modifying = 0;
        trackFieldTtls(key, v);
        if (v instanceof CompoundValue && ((CompoundValue) v).isEmpty()) {
            removeSlot(slot);
            changed(key, KeyEvent.EMPTIED);
            return;
        }
        changed(key, KeyEvent.MODIFIED);
    }

    /**
     * Ends a {@link #modify} that changed nothing after all (HSETNX of an existing field, an
     * increment refused): no change is counted or reported.
     */
    public void unmodified(byte[] key) {
        slotOfModified(key);
        modifying = 0;
    }

    /**
     * Settles a change after {@link #modify} that replaced the value instead of changing it in place
     * (e.g. INCR's new integer, APPEND turning a shared string into a growable one): the key keeps
     * its TTL and access clock.
     */
    public void modified(byte[] key, Object newValue) {
        int slot = slotOfModified(key);
        main.setValueAt(slot, newValue);
        // the key may have a new record now (one holding the new string)
        modifying = main.refAt(slot);
        modified(key);
    }

    /**
     * The slot {@link #modify} found for {@code key}, without a second lookup: nothing may touch
     * the table between the two calls, and the slot is checked to hold the same record still (its key
     * bytes compared only if some entry was removed meanwhile, which could have freed and reused it).
     */
    private int slotOfModified(byte[] key) {
        long stored = modifying;
        int slot = modifyingSlot;
        if (stored == 0) {
            throw new IllegalStateException("modified() without modify()");
        }
        if (slot < main.capacity() && main.refAt(slot) == stored
                && (removals == modifyingRemovals || main.slab().keyEquals(stored, key, 0, key.length))) {
            return slot;
        }
        slot = main.find(key);
        if (slot < 0) {
            throw new IllegalStateException("modified() of a key that is gone");
        }
        return slot;
    }

    /** Sets {@code key} to {@code value}, discarding any TTL (plain SET semantics). */
    public void put(byte[] key, Object value) {
        put(key, value, NO_TTL);
    }

    /**
     * Creates or replaces {@code key} in one change: with {@code expireAtMs} a unix time in ms the
     * key gets that TTL, with {@link #NO_TTL} it has none, with {@link #KEEP_TTL} an existing TTL
     * survives.
     */
    public void put(byte[] key, Object value, long expireAtMs) {
        // one hash for the lookup, the lazy-expiry check and the insertion
        int hash = KeyHash.hash(key);
        int slot = liveSlot(key, hash);
        AccessClock access = keyspace.access();
        if (slot < 0) {
            slot = insertNew(key, hash, value);
        } else {
            beforeChange(key);
            long before = main.entryBytesAt(slot);
            main.setValueAt(slot, value);
            entryBytes += main.entryBytesAt(slot) - before;
            // a new value starts a new LRU life; under LFU it inherits the counter, which the write's
            // lookup has just bumped (Redis' lookupKeyWrite before dbOverwrite)
            if (!access.lfu()) {
                main.setAccessAt(slot, access.initial(now()));
            } else {
                touch(slot);
            }
            if (expireAtMs == NO_TTL) {
                expires.removeKeyOf(main, slot);
            }
        }
        if (expireAtMs >= 0) {
            // a time already past is stored too: the key then expires on its next access, as in Redis
            expires.putKeyOf(main, slot, expireAtMs);
        }
        trackFieldTtls(key, value);
        changed(key, KeyEvent.MODIFIED);
    }

    /**
     * Adds {@code key} with {@code value} unless a live key has that name (DEBUG POPULATE); true if
     * it was added.
     */
    public boolean populate(byte[] key, Object value) {
        int hash = KeyHash.hash(key);
        if (liveSlot(key, hash) >= 0) {
            return false;
        }
        insertNew(key, hash, value);
        changed(key, KeyEvent.POPULATED);
        return true;
    }

    /** Inserts an absent key; the caller reports the change. Returns its slot. */
    private int insertNew(byte[] key, int hash, Object value) {
        int slot = main.insert(key, hash, value, keyspace.access().initial(now()));
        keyspace.inUse(index);
        entryBytes += main.entryBytesAt(slot);
        keyspace.keyAdded(this, key);
        return slot;
    }

    /**
     * {@link #put} as Redis' delete-then-add (COPY and RESTORE with REPLACE): an existing key is
     * dropped without an event of its own and the value goes in as a new key, so listeners hear
     * "added" and one change, as Redis notifies "new" and the command's event.
     */
    public void putAsNew(byte[] key, Object value, long expireAtMs) {
        int slot = liveSlot(key);
        if (slot >= 0) {
            beforeChange(key);
            removeSlot(slot);
        }
        put(key, value, expireAtMs);
    }

    /** Deletes {@code key} (DEL); false if it did not exist (an expired key counts as absent). */
    public boolean remove(byte[] key) {
        int slot = liveSlot(key);
        if (slot < 0) {
            return false;
        }
        beforeChange(key);
        removeSlot(slot);
        changed(key, KeyEvent.DELETED);
        return true;
    }

    /** Removes {@code key} to free memory (eviction); false if absent. */
    public boolean evict(byte[] key) {
        int slot = main.find(key);
        if (slot < 0) {
            return false;
        }
        beforeChange(key);
        removeSlot(slot);
        keyspace.stats().evictedKeys++;
        changed(key, KeyEvent.EVICTED);
        return true;
    }

    // ---- eviction sampling (see Evictor) ----

    /**
     * Offers up to {@code samples} random keys (all keys, or those with a TTL under a volatile
     * policy) to {@code pool}, ranked as the policy wants: idle milliseconds (LRU), 255 minus the
     * decayed counter (LFU), nearness of the expiry (TTL). Returns how many candidates the db has.
     */
    int sampleForEviction(EvictionPool pool, EvictionPolicy policy, int samples, long nowMs) {
        SlabKeyTable from = policy.volatileOnly() ? expires : main;
        int candidates = from.size();
        if (candidates == 0) {
            return 0;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        AccessClock access = keyspace.access();
        for (int i = 0, n = Math.min(samples, candidates); i < n; i++) {
            int slot = from.randomSlot(random);
            byte[] key = from.keyAt(slot);
            long rank;
            if (policy.rank() == EvictionPolicy.Rank.TTL) {
                rank = Long.MAX_VALUE - expires.whenAt(slot);
            } else {
                int mainSlot = from == main ? slot : main.find(key);
                if (mainSlot < 0) {
                    continue;
                }
                int field = main.accessAt(mainSlot);
                rank = policy.rank() == EvictionPolicy.Rank.LFU
                        ? 255 - access.frequency(field, nowMs)
                        : access.idleSeconds(field, nowMs) * 1000;
            }
            pool.offer(rank, key, index);
        }
        return candidates;
    }

    /** Whether {@code key} is still stored and (for a volatile policy) still has a TTL. */
    boolean isEvictionCandidate(byte[] key, boolean volatileOnly) {
        return volatileOnly ? expires.size() > 0 && expires.find(key) >= 0 : main.find(key) >= 0;
    }

    /** A random key among the candidates (all keys, or those with a TTL), or null if there are none. */
    byte[] randomCandidate(boolean volatileOnly, java.util.random.RandomGenerator random) {
        SlabKeyTable from = volatileOnly ? expires : main;
        int slot = from.randomSlot(random);
        return slot < 0 ? null : from.keyAt(slot);
    }

    /** Sets the expiry of an existing live key. */
    public void expireAt(byte[] key, long whenMs) {
        int slot = liveSlot(key);
        if (slot < 0) {
            throw new IllegalStateException("expire on a missing key");
        }
        beforeChange(key);
        expires.putKeyOf(main, slot, whenMs);
        changed(key, KeyEvent.MODIFIED);
    }

    /** Removes the TTL of a live key; false if the key is absent or had none. */
    public boolean persist(byte[] key) {
        int slot = liveSlot(key);
        if (slot < 0 || expires.size() == 0 || expires.get(key) < 0) {
            return false;
        }
        beforeChange(key);
        expires.removeKeyOf(main, slot);
        changed(key, KeyEvent.MODIFIED);
        return true;
    }

    /**
     * Empties the database (FLUSHDB): O(1), the old arrays and slab pages go to the garbage
     * collector, or stay with a snapshot that still reads them (which counts them as its own then).
     */
    public void clear() {
        keyspace.beforeDbChange(this, null, KeyEvent.FLUSHED);
        keyspace.countChanges(main.size());
        main.clear();
        expires.clear();
        volatileHashes = new KeySet();
        entryBytes = 0;
        modifying = 0;
        keyspace.dbChanged(this, KeyEvent.FLUSHED);
    }

    /** Indexes a hash that has field TTLs, so the active cycle finds it (under any name it moves to). */
    private void trackFieldTtls(byte[] storedKey, Object value) {
        if (value instanceof HashValue && ((HashValue) value).hasFieldTtls()) {
            volatileHashes.add(storedKey);
        }
    }

    /** Keys whose hashes have (or recently had) fields with a TTL; stale entries are the walker's to drop. */
    public KeySet volatileHashes() {
        return volatileHashes;
    }

    private void beforeChange(byte[] key) {
        keyspace.beforeChange(this, key);
    }

    private void changed(byte[] key, KeyEvent event) {
        keyspace.keyChanged(this, key, event);
    }

    /** The slot of a live key, expiring it first if its time has passed. */
    private int liveSlot(byte[] key) {
        return liveSlot(key, KeyHash.hash(key));
    }

    /** {@link #liveSlot(byte[])} with the key's hash computed once for both tables. */
    private int liveSlot(byte[] key, int hash) {
        int slot = main.find(key, hash);
        if (slot < 0) {
            return -1;
        }
        if (expires.size() > 0) {
            long when = expires.get(key, hash);
            if (when >= 0 && when <= now()) {
                int treatment = keyspace.pastTtlTreatment();
                if (treatment == 0) {
                    expireSlot(slot);
                } else if (treatment == 2) {
                    return slot;
                }
                return -1;
            }
        }
        return slot;
    }

    /** Removes an entry whose TTL has passed and reports it. */
    private void expireSlot(int slot) {
        byte[] stored = main.keyAt(slot);
        beforeChange(stored);
        removeSlot(slot);
        keyspace.stats().expiredKeys++;
        changed(stored, KeyEvent.EXPIRED);
    }

    private boolean isExpired(byte[] key) {
        if (expires.size() == 0) {
            return false;
        }
        long when = expires.get(key);
        return when >= 0 && when <= now() && keyspace.pastTtlTreatment() != 2;
    }

    private void removeSlot(int slot) {
        removals++;
        entryBytes -= main.entryBytesAt(slot);
        // before the main record goes: the expiry's lookup reads its key bytes
        expires.removeKeyOf(main, slot);
        main.remove(slot);
    }

    /** Unix ms when {@code key} expires, or -1 (no TTL or no key: check existence first). */
    public long expireTime(byte[] key) {
        return expires.size() == 0 ? -1 : expires.get(key);
    }

    public int size() {
        return main.size();
    }

    public int expiringCount() {
        return expires.size();
    }

    /** Estimated heap bytes: entries plus both tables. */
    public long heapBytes() {
        settleTableFigures();
        return entryBytes + tableBytes + expires.slab().liveBytes();
    }

    /**
     * Recomputes {@link #tableBytes} and {@link #reserveBytes} if either table changed shape (or was
     * replaced) since: eviction asks for both before every command, and they change far more rarely.
     */
    private void settleTableFigures() {
        if (figuredMain != main || figuredExpires != expires
                || main.shape() != mainShape || expires.shape() != expiresShape) {
            figuredMain = main;
            figuredExpires = expires;
            mainShape = main.shape();
            expiresShape = expires.shape();
            tableBytes = main.allocatedTableBytes(MAIN_ARRAYS, MAIN_SLOT_BYTES) + expires.allocatedTableBytes(1, EXPIRES_SLOT_BYTES);
            reserveBytes = main.pendingGrowthBytes(MAIN_ARRAYS, MAIN_SLOT_BYTES) + expires.pendingGrowthBytes(1, EXPIRES_SLOT_BYTES);
        }
    }

    /**
     * What the growth of this database's tables has still to allocate ({@link HashSlots#pendingGrowthBytes}):
     * once a table is 3/4 full (it grows past 4/5), its next table, twice the capacity, two thirds
     * of what 16-byte keys with 32-byte values already occupy; during the resize, the chunks of the
     * new table not allocated yet (the ones allocated count in {@link #mainIndexBytes}). So
     * eviction makes room for it beforehand (Redis refuses to expand a dict past maxmemory for the
     * same reason). Counting it only near the growth leaves at most 1/20 of the slots unused; not
     * counting it let a 2 GiB pod die of OutOfMemoryError when its table of 16.8M slots grew, with
     * the data under the limit.
     */
    public long growthReserve() {
        settleTableFigures();
        return reserveBytes;
    }

    /** The main table's slot arrays allocated (MEMORY STATS overhead.hashtable.main): value reference and access clock per slot besides the table's own. */
    public long mainIndexBytes() {
        return main.allocatedTableBytes(MAIN_ARRAYS, MAIN_SLOT_BYTES);
    }

    /** The expiry table's slot arrays allocated and its key records (MEMORY STATS overhead.hashtable.expires). */
    public long expiresIndexBytes() {
        return expires.allocatedTableBytes(1, EXPIRES_SLOT_BYTES) + expires.slab().liveBytes();
    }

    /** Bytes of this database's slab pages, and of the records in use in them (fragmentation). */
    public long slabPageBytes() {
        return main.slab().pageBytes() + expires.slab().pageBytes();
    }

    public long slabLiveBytes() {
        return main.slab().liveBytes() + expires.slab().liveBytes();
    }

    /** Receives one key (and its value) during a scan. */
    public interface EntryVisitor {
        void visit(byte[] key, Object value);
    }

    /** One SCAN step: visits the live entries of one home bucket; returns the next cursor. */
    public long scanStep(long cursor, EntryVisitor visitor) {
        return main.scanStep(cursor, slot -> {
            byte[] key = main.keyAt(slot);
            if (!isExpired(key)) {
                visitor.visit(key, main.valueAt(slot));
            }
        });
    }

    /** Every live key (expired ones are skipped, not removed). */
    public void forEachKey(Consumer<byte[]> action) {
        main.forEachSlot(slot -> {
            byte[] key = main.keyAt(slot);
            if (!isExpired(key)) {
                action.accept(key);
            }
        });
    }

    /** Every live entry (expired ones are skipped, not removed). */
    public void forEachEntry(EntryVisitor visitor) {
        main.forEachSlot(slot -> {
            byte[] key = main.keyAt(slot);
            if (!isExpired(key)) {
                visitor.visit(key, main.valueAt(slot));
            }
        });
    }

    /** A random live key or null; expired keys met on the way are removed. */
    public byte[] randomKey() {
        // if everything has a TTL and all of it has passed, give up after a bounded number of tries
        for (int tries = 0; tries < 100 && main.size() > 0; tries++) {
            int slot = main.randomSlot(ThreadLocalRandom.current());
            byte[] key = main.keyAt(slot);
            if (!isExpired(key)) {
                return key;
            }
            if (!keyspace.replicaExpiry()) {
                expireSlot(slot);
            }
        }
        return null;
    }

    /** Access field of a live key (for OBJECT IDLETIME/FREQ); -1 if absent. */
    public int accessField(byte[] key) {
        int slot = liveSlot(key);
        return slot < 0 ? -1 : main.accessAt(slot);
    }

    /**
     * Sets the access field of a live key to what RESTORE or an RDB load says (idle seconds under
     * LRU, a frequency under LFU; -1 for "not given"). Not a change: no hook, no count.
     */
    public void restoreAccess(byte[] key, long idleSeconds, int frequency) {
        int slot = main.find(key);
        int field = keyspace.access().restored(idleSeconds, frequency, now());
        if (slot >= 0 && field >= 0) {
            main.setAccessAt(slot, field);
        }
    }

    /** The stored value even past its TTL, with no side effect on clocks or counters (DEBUG); null if absent. */
    public Object peek(byte[] key) {
        int slot = main.find(key);
        return slot < 0 ? null : main.valueAt(slot);
    }

    /**
     * MEMORY USAGE: the estimated bytes of a stored key (even past its TTL, as Redis looks it up
     * without expiring): key array, value, and its slot in the main table (and the expiry table);
     * -1 if absent. The value's figure is the running estimate, exact for any size (no sampling).
     */
    public long memoryUsage(byte[] key) {
        int slot = main.find(key);
        if (slot < 0) {
            return -1;
        }
        // a main slot: record reference, hash, value reference, access clock
        long slotBytes = 8 + 4 + 4 + 4;
        int e = expires.size() == 0 ? -1 : expires.findKeyOf(main, slot);
        if (e >= 0) {
            // an expiry slot (reference, hash, time) and the expiry table's record of the key
            slotBytes += 8 + 4 + 8 + expires.slab().recordBytes(expires.refAt(e));
        }
        return main.entryBytesAt(slot) + slotBytes;
    }

    /** Access field of a stored key even past its TTL (DEBUG OBJECT); -1 if absent. */
    public int peekAccessField(byte[] key) {
        int slot = main.find(key);
        return slot < 0 ? -1 : main.accessAt(slot);
    }

    /** A copy of this database's entries as they are now (snapshots); see {@link FrozenDb}. */
    public FrozenDb freeze() {
        return new FrozenDb(main, expires);
    }

    /** Every stored entry, keys past their TTL but not yet removed included (DEBUG DIGEST, as Redis'). */
    public void forEachStored(EntryVisitor visitor) {
        main.forEachSlot(slot -> visitor.visit(main.keyAt(slot), main.valueAt(slot)));
    }

    /**
     * Active expiry: examines up to {@code budget} keys with a TTL starting at {@code cursor}
     * (a slot of the expiry table), removes those whose time has passed, and returns the next
     * cursor; {@code counts[0]} gets the number examined, {@code counts[1]} the number expired.
     */
    public int expireCycle(int cursor, int budget, long[] counts) {
        long now = now();
        int capacity = expires.capacity();
        int i = cursor % capacity;
        List<byte[]> due = new ArrayList<>();
        int examined = 0;
        int visitedSlots = 0;
        while (examined < budget && visitedSlots < capacity && expires.size() > 0) {
            if (expires.refAt(i) != 0) {
                examined++;
                if (expires.whenAt(i) <= now) {
                    due.add(expires.keyAt(i));
                }
            }
            i = (i + 1) % capacity;
            visitedSlots++;
        }
        for (byte[] key : due) {
            int slot = main.find(key);
            if (slot >= 0) {
                expireSlot(slot);
            }
        }
        counts[0] += examined;
        counts[1] += due.size();
        return i;
    }

    /**
     * Background progress on incremental table resizes, until {@code deadlineNanos}; and a slab left
     * without records gives its last page back.
     */
    public void migrateUntil(long deadlineNanos) {
        main.migrateUntil(deadlineNanos);
        expires.migrateUntil(deadlineNanos);
        main.slab().trimIfEmpty();
        expires.slab().trimIfEmpty();
    }

    /**
     * Moves the live entry {@code src} to {@code dst} in this db (RENAME): the value, its access
     * clock and its TTL go with it; an existing {@code dst} is replaced. The caller has checked
     * that {@code src} exists and differs from {@code dst}.
     */
    public void rename(byte[] src, byte[] dst) {
        moveEntry(src, this, dst, KeyEvent.RENAMED_FROM, KeyEvent.RENAMED_TO);
    }

    /**
     * Moves the live entry {@code key} to the same key in {@code target} (MOVE), value, access
     * clock and TTL included; an existing key there is replaced. The caller has checked that the
     * key exists here and that {@code target} is another db.
     */
    public void moveTo(byte[] key, Db target) {
        moveEntry(key, target, key, KeyEvent.MOVED_FROM, KeyEvent.MOVED_TO);
    }

    private void moveEntry(byte[] src, Db target, byte[] dst, KeyEvent from, KeyEvent to) {
        int slot = liveSlot(src);
        if (slot < 0) {
            throw new IllegalStateException("move of a missing key");
        }
        beforeChange(src);
        Object value = main.valueAt(slot);
        int access = main.accessAt(slot);
        long when = expires.getKeyOf(main, slot);
        removeSlot(slot);
        changed(src, from);
        int old = target.liveSlot(dst);
        if (old >= 0) {
            target.beforeChange(dst);
            target.removeSlot(old);
        }
        int at = target.main.put(dst, value, access);
        keyspace.inUse(target.index);
        target.entryBytes += target.main.entryBytesAt(at);
        if (when >= 0) {
            target.expires.putKeyOf(target.main, at, when);
        }
        target.trackFieldTtls(dst, value);
        target.changed(dst, to);
    }

    /**
     * Takes over the tables of a load (this db being empty): O(1), no listener and no change count,
     * as Redis' loading neither notifies nor dirties.
     */
    void adopt(LoadedTables.Part p) {
        if (main.size() != 0) {
            throw new IllegalStateException("loading into a database that holds keys");
        }
        main = p.main;
        expires = p.expires;
        volatileHashes = p.volatileHashes;
        entryBytes = p.entryBytes;
        modifying = 0;
        keyspace.inUse(index);
    }

    /** Sets a stored key's access field as loaded (not a change). */
    void setAccessField(byte[] key, int field) {
        int slot = main.find(key);
        if (slot >= 0) {
            main.setAccessAt(slot, field);
        }
    }

    /** Moves this db's content into {@code other} and vice versa (SWAPDB); counted once by the caller. */
    void swapWith(Db other) {
        keyspace.inUse(index);
        keyspace.inUse(other.index);
        KeyTable m = main;
        ExpireTable e = expires;
        KeySet h = volatileHashes;
        long b = entryBytes;
        main = other.main;
        expires = other.expires;
        volatileHashes = other.volatileHashes;
        entryBytes = other.entryBytes;
        other.main = m;
        other.expires = e;
        other.volatileHashes = h;
        other.entryBytes = b;
    }
}
