package kv.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * One numbered database: the key → value table and the expiry table of the keys that have a TTL.
 * Every read goes through the lookup methods, which remove a key whose TTL has passed before
 * anybody sees it (lazy expiry) and maintain the access clock and hit/miss counters. Only the data
 * thread may call it.
 */
public final class Db {
    /** Do not update the key's access clock (OBJECT, TTL, TYPE, EXISTS, CLIENT NO-TOUCH). */
    public static final int NO_TOUCH = 1;
    /** Do not count a keyspace hit or miss. */
    public static final int NO_STATS = 2;

    private final Keyspace keyspace;
    private KeyTable main = new KeyTable();
    private ExpireTable expires = new ExpireTable();
    /** Sum of the estimated heap bytes of keys and values (tables excluded). */
    private long entryBytes;

    Db(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    private long now() {
        return keyspace.clock().now();
    }

    /** Lookup for a read command: counts a hit or miss and touches the key. */
    public Object read(byte[] key) {
        return read(key, 0);
    }

    public Object read(byte[] key, int flags) {
        int slot = liveSlot(key);
        KeyspaceStats stats = keyspace.stats();
        if (slot < 0) {
            if ((flags & NO_STATS) == 0) {
                stats.misses++;
            }
            return null;
        }
        if ((flags & NO_STATS) == 0) {
            stats.hits++;
        }
        if ((flags & NO_TOUCH) == 0 && !keyspace.noTouch()) {
            main.setAccessAt(slot, keyspace.access().touched(main.accessAt(slot), now()));
        }
        return main.valueAt(slot);
    }

    /** Lookup for a write command: no hit/miss counting; touches the key. */
    public Object write(byte[] key) {
        int slot = liveSlot(key);
        if (slot < 0) {
            return null;
        }
        if (!keyspace.noTouch()) {
            main.setAccessAt(slot, keyspace.access().touched(main.accessAt(slot), now()));
        }
        return main.valueAt(slot);
    }

    public boolean exists(byte[] key) {
        return liveSlot(key) >= 0;
    }

    /** The slot of a live key, expiring it first if its time has passed. */
    private int liveSlot(byte[] key) {
        int slot = main.find(key);
        if (slot < 0) {
            return -1;
        }
        if (expires.size() > 0) {
            long when = expires.get(key);
            if (when >= 0 && when <= now()) {
                removeSlot(slot);
                keyspace.stats().expiredKeys++;
                return -1;
            }
        }
        return slot;
    }

    /** Sets {@code key} to {@code value}, discarding any TTL (plain SET semantics). */
    public void put(byte[] key, Object value) {
        put(key, value, false);
    }

    /** Sets {@code key} to {@code value}; with {@code keepTtl} an existing TTL survives. */
    public void put(byte[] key, Object value, boolean keepTtl) {
        int slot = liveSlot(key);
        AccessClock access = keyspace.access();
        if (slot < 0) {
            main.put(key, value, access.initial(now()));
            entryBytes += Memory.arrayBytes(key.length) + Values.heapBytes(value);
            return;
        }
        Object old = main.valueAt(slot);
        if (old != value) {
            entryBytes += Values.heapBytes(value) - Values.heapBytes(old);
            main.setValueAt(slot, value);
        }
        // a new value starts a new LRU life; under LFU it inherits the counter, as in Redis
        if (!access.lfu()) {
            main.setAccessAt(slot, access.initial(now()));
        }
        if (!keepTtl && expires.size() > 0) {
            expires.remove(main.keyAt(slot));
        }
    }

    /** Accounts for a value that changed size in place. */
    public void resized(long deltaBytes) {
        entryBytes += deltaBytes;
    }

    public boolean remove(byte[] key) {
        int slot = main.find(key);
        if (slot < 0) {
            return false;
        }
        boolean expired = isExpired(key);
        removeSlot(slot);
        if (expired) {
            keyspace.stats().expiredKeys++;
            return false;
        }
        return true;
    }

    private boolean isExpired(byte[] key) {
        if (expires.size() == 0) {
            return false;
        }
        long when = expires.get(key);
        return when >= 0 && when <= now();
    }

    private void removeSlot(int slot) {
        byte[] storedKey = main.keyAt(slot);
        entryBytes -= Memory.arrayBytes(storedKey.length) + Values.heapBytes(main.valueAt(slot));
        main.remove(slot);
        expires.remove(storedKey);
    }

    /** Unix ms when {@code key} expires, or -1 (no TTL or no key: check existence first). */
    public long expireTime(byte[] key) {
        return expires.size() == 0 ? -1 : expires.get(key);
    }

    /** Sets the expiry of an existing live key. */
    public void expireAt(byte[] key, long whenMs) {
        int slot = main.find(key);
        if (slot < 0) {
            throw new IllegalStateException("expire on a missing key");
        }
        // share the key array the main table holds
        expires.put(main.keyAt(slot), whenMs);
    }

    public boolean persist(byte[] key) {
        return expires.remove(key);
    }

    public int size() {
        return main.size();
    }

    public int expiringCount() {
        return expires.size();
    }

    /** Estimated heap bytes: entries plus both tables. */
    public long heapBytes() {
        return entryBytes + main.tableBytes(8) + expires.tableBytes(8);
    }

    public void clear() {
        main = new KeyTable();
        expires = new ExpireTable();
        entryBytes = 0;
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

    /** A random live key or null; expired keys met on the way are removed. */
    public byte[] randomKey() {
        // if everything has a TTL and all of it has passed, give up after a bounded number of tries
        for (int tries = 0; tries < 100 && main.size() > 0; tries++) {
            int slot = main.randomSlot(ThreadLocalRandom.current());
            byte[] key = main.keyAt(slot);
            if (!isExpired(key)) {
                return key;
            }
            removeSlot(slot);
            keyspace.stats().expiredKeys++;
        }
        return null;
    }

    /** Access field of a live key (for OBJECT IDLETIME/FREQ); -1 if absent. */
    public int accessField(byte[] key) {
        int slot = liveSlot(key);
        return slot < 0 ? -1 : main.accessAt(slot);
    }

    /** The stored value even past its TTL, with no side effect on clocks or counters (DEBUG); null if absent. */
    public Object peek(byte[] key) {
        int slot = main.find(key);
        return slot < 0 ? null : main.valueAt(slot);
    }

    /** Access field of a stored key even past its TTL (DEBUG OBJECT); -1 if absent. */
    public int peekAccessField(byte[] key) {
        int slot = main.find(key);
        return slot < 0 ? -1 : main.accessAt(slot);
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
            byte[] key = expires.keyAt(i);
            if (key != null) {
                examined++;
                if (expires.whenAt(i) <= now) {
                    due.add(key);
                }
            }
            i = (i + 1) % capacity;
            visitedSlots++;
        }
        for (byte[] key : due) {
            int slot = main.find(key);
            if (slot >= 0) {
                removeSlot(slot);
                keyspace.stats().expiredKeys++;
            }
        }
        counts[0] += examined;
        counts[1] += due.size();
        return i;
    }

    /** Background progress on incremental table resizes, until {@code deadlineNanos}. */
    public void migrateUntil(long deadlineNanos) {
        main.migrateUntil(deadlineNanos);
        expires.migrateUntil(deadlineNanos);
    }

    /**
     * Moves the live entry {@code src} to {@code dst} in this db (RENAME): the value, its access
     * clock and its TTL go with it; an existing {@code dst} is replaced. The caller has checked
     * that {@code src} exists and differs from {@code dst}.
     */
    public void rename(byte[] src, byte[] dst) {
        moveEntry(src, this, dst);
    }

    /**
     * Moves the live entry {@code key} to the same key in {@code target} (MOVE), value, access
     * clock and TTL included; an existing key there is replaced. The caller has checked that the
     * key exists here and that {@code target} is another db.
     */
    public void moveTo(byte[] key, Db target) {
        moveEntry(key, target, key);
    }

    private void moveEntry(byte[] src, Db target, byte[] dst) {
        int slot = main.find(src);
        if (slot < 0) {
            throw new IllegalStateException("move of a missing key");
        }
        Object value = main.valueAt(slot);
        int access = main.accessAt(slot);
        long when = expires.size() == 0 ? -1 : expires.get(src);
        removeSlot(slot);
        int old = target.main.find(dst);
        if (old >= 0) {
            target.removeSlot(old);
        }
        int to = target.main.put(dst, value, access);
        target.entryBytes += Memory.arrayBytes(dst.length) + Values.heapBytes(value);
        if (when >= 0) {
            target.expires.put(target.main.keyAt(to), when);
        }
    }

    /** Moves this db's content into {@code other} and vice versa (SWAPDB). */
    void swapWith(Db other) {
        KeyTable m = main;
        ExpireTable e = expires;
        long b = entryBytes;
        main = other.main;
        expires = other.expires;
        entryBytes = other.entryBytes;
        other.main = m;
        other.expires = e;
        other.entryBytes = b;
    }
}
