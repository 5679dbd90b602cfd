package kv.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Open-addressing hash table keyed by byte arrays, with linear probing and backward-shift
 * deletion (no tombstones). Keys and their cached hashes live in parallel arrays; subclasses keep
 * their per-slot payload in more parallel arrays, so an entry costs no object of its own.
 *
 * <p>Capacity is a power of two and an entry's <em>home bucket</em> is {@code hash & mask}. Linear
 * probing keeps every entry in the run of occupied slots starting at its home bucket, which lets
 * {@link #scan} visit entries by home bucket exactly as Redis' chained dict visits buckets: its
 * reverse-binary cursor then gives the same guarantees while the table grows or shrinks.
 *
 * <p>Resizing is incremental, like Redis' rehashing: a new table is allocated and the old one is
 * drained a few slots per operation (and by the cron), so no single command pays for moving
 * millions of entries. Entries found in the old table are moved on access.
 */
abstract class OpenKeyTable {
    private static final int MIN_CAPACITY = 8;
    /** Old-table slots migrated by each operation while a resize is in progress. */
    private static final int MIGRATE_PER_OP = 16;
    /** Marks a migrated (or deleted) slot of the old table: probing continues past it. */
    private static final byte[] MOVED = new byte[0];
    /** The most entries {@link #reserve} sizes a table for. */
    private static final long MAX_RESERVE = 1 << 23;

    /**
     * A table grows when an insert would take it past 4/5 full. Probes walk the int hash array
     * alone (16 slots per cache line), so the longer runs of a fuller table cost few extra cache
     * misses, while the slot arrays are the biggest per-entry cost of a small key (16 bytes a slot
     * for the key table): at 3/4 a table that had just doubled cost 42 bytes a key.
     */
    private static boolean overLoad(long entries, long capacity) {
        return entries * 5 > capacity * 4;
    }

    protected byte[][] keys;
    protected int[] hashes;
    protected int mask;
    protected int size;

    // The table being drained during an incremental resize (null otherwise). It only ever
    // loses entries: each is moved to the current table on access or by the migration sweep.
    private byte[][] oldKeys;
    private int[] oldHashes;
    private int oldMask;
    private int migrateIndex;

    /** Resizing is deferred while an iteration that must see stable slots is in progress. */
    private int pauseResize;

    /**
     * True when the key array holds {@link FieldEntry} arrays (a big hash's field and value in one
     * array): lookups then compare the field part. A final field, so the probe of every other
     * table pays one predictable branch and no virtual call.
     */
    private final boolean fieldEntries;

    /**
     * Heap bytes of an instance's header and the fields declared here (four references, five ints,
     * a boolean), before alignment: a subclass's object is {@code Memory.align(OBJECT_BYTES + its
     * own fields)}. Keep in step with the fields (EncodingLayoutTest measures it).
     */
    static final int OBJECT_BYTES = 12 + 4 * 4 + 5 * 4 + 1;

    OpenKeyTable() {
        this(false);
    }

    OpenKeyTable(boolean fieldEntries) {
        this.fieldEntries = fieldEntries;
        keys = new byte[MIN_CAPACITY][];
        hashes = new int[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
        allocatePayload(MIN_CAPACITY);
        dropOldPayload();
    }

    /** Allocates fresh payload arrays of the given capacity, keeping the current ones aside as "old". */
    protected abstract void allocatePayload(int capacity);

    /** Moves the payload of slot {@code from} of the old arrays to slot {@code to} of the current ones. */
    protected abstract void movePayloadFromOld(int from, int to);

    /** Drops the old arrays once a resize is complete. */
    protected abstract void dropOldPayload();

    /** Moves the payload of slot {@code from} to slot {@code to} within the current arrays. */
    protected abstract void shiftPayload(int from, int to);

    protected abstract void clearPayload(int slot);

    public final int size() {
        return size;
    }

    /** Capacity of the current table (slot numbers are below it). */
    public final int capacity() {
        return mask + 1;
    }

    /** Capacity of the old table while a resize is in progress. */
    protected final int oldCapacity() {
        return oldMask + 1;
    }

    public final boolean resizing() {
        return oldKeys != null;
    }

    /**
     * The slot holding {@code key}, or -1. A key still in the old table of a resize is moved to
     * the current one first, so returned slots always index the current arrays. Slot numbers
     * stay valid until the next removal.
     */
    public final int find(byte[] key) {
        return find(key, KeyHash.hash(key));
    }

    /** {@link #find(byte[])} with the key's {@link KeyHash#hash} already computed by the caller. */
    final int find(byte[] key, int h) {
        int i = probe(keys, hashes, mask, key, h, fieldEntries);
        if (i >= 0 || oldKeys == null) {
            return i;
        }
        int j = probe(oldKeys, oldHashes, oldMask, key, h, fieldEntries);
        return j < 0 ? -1 : migrate(j);
    }

    /**
     * Walks the probe run by the hash array alone: an empty slot has hash 0 (a key's hash never is),
     * so the key array and the key bytes are only read where the hash matches, one cache miss less
     * per step than testing the key slot for emptiness.
     */
    private static int probe(byte[][] ks, int[] hs, int m, byte[] key, int h, boolean fieldEntries) {
        int i = h & m;
        while (true) {
            int hi = hs[i];
            if (hi == h) {
                byte[] k = ks[i];
                if (k != MOVED && (fieldEntries ? FieldEntry.fieldEquals(k, key) : Arrays.equals(k, key))) {
                    return i;
                }
            } else if (hi == 0) {
                return -1;
            }
            i = (i + 1) & m;
        }
    }

    /** Moves old slot {@code j} into the current table; returns its new slot. */
    private int migrate(int j) {
        int h = oldHashes[j];
        int i = h & mask;
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        hashes[i] = h;
        movePayloadFromOld(j, i);
        oldKeys[j] = MOVED;
        return i;
    }

    /**
     * The slot holding {@code key}, inserting the key (its payload cleared) if absent. Slot
     * numbers stay valid until the next removal.
     */
    protected final int findOrInsert(byte[] key) {
        int h = KeyHash.hash(key);
        int slot = find(key, h);
        if (slot >= 0) {
            return slot;
        }
        return insertAbsent(key, h);
    }

    /** Inserts {@code key}, known to be absent, with its hash; returns its slot (payload cleared). */
    protected final int insertAbsent(byte[] key, int h) {
        if (pauseResize == 0) {
            if (oldKeys != null) {
                migrateSome(MIGRATE_PER_OP);
            }
            if (overLoad(size + 1, mask + 1)) {
                // normally the current table has room until a resize completes; if not, finish it now
                finishResize();
                if (overLoad(size + 1, mask + 1)) {
                    startResize((mask + 1) * 2);
                }
            }
        }
        int i = h & mask;
        // hash 0 is an empty slot of the current table (as in probe): the hash array is the one a
        // preceding find() just walked, so it is likely cached where the key array is not
        while (hashes[i] != 0) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        hashes[i] = h;
        size++;
        return i;
    }

    public final byte[] keyAt(int slot) {
        return keys[slot];
    }

    /** Replaces the stored key array of {@code slot} by an equal key (a new {@link FieldEntry} of the same field). */
    protected final void replaceKeyAt(int slot, byte[] stored) {
        keys[slot] = stored;
    }

    /** Removes the entry in {@code slot}, closing the gap by shifting later run members back. */
    protected final void removeAt(int slot) {
        int gap = slot;
        int i = slot;
        while (true) {
            i = (i + 1) & mask;
            // the run ends at an empty slot, told by the hash array alone (as in probe)
            int hi = hashes[i];
            if (hi == 0) {
                break;
            }
            int home = hi & mask;
            // move i into the gap unless its home lies cyclically in (gap, i]
            boolean homeBetween = gap <= i ? (gap < home && home <= i) : (gap < home || home <= i);
            if (!homeBetween) {
                keys[gap] = keys[i];
                hashes[gap] = hi;
                shiftPayload(i, gap);
                gap = i;
            }
        }
        keys[gap] = null;
        hashes[gap] = 0; // the probe's emptiness test
        clearPayload(gap);
        size--;
        if (pauseResize == 0) {
            if (oldKeys != null) {
                migrateSome(MIGRATE_PER_OP);
            } else {
                maybeShrink();
            }
        }
    }

    private void maybeShrink() {
        int capacity = mask + 1;
        if (capacity > MIN_CAPACITY && size * 8L < capacity) {
            int target = MIN_CAPACITY;
            // leave room to grow: aim for at most half full
            while (target < size * 2) {
                target <<= 1;
            }
            if (target < capacity) {
                startResize(target);
            }
        }
    }

    /** Begins an incremental resize: the current arrays become the old table to drain. */
    private void startResize(int capacity) {
        oldKeys = keys;
        oldHashes = hashes;
        oldMask = mask;
        migrateIndex = 0;
        keys = new byte[capacity][];
        hashes = new int[capacity];
        mask = capacity - 1;
        allocatePayload(capacity);
        if (size == 0) {
            finishResize();
        }
    }

    /** Migrates up to {@code slots} old slots; ends the resize when the old table is drained. */
    private void migrateSome(int slots) {
        byte[][] old = oldKeys;
        int end = Math.min(old.length, migrateIndex + slots);
        for (int j = migrateIndex; j < end; j++) {
            byte[] k = old[j];
            if (k != null && k != MOVED) {
                migrate(j);
            }
        }
        migrateIndex = end;
        if (end == old.length) {
            oldKeys = null;
            oldHashes = null;
            dropOldPayload();
        }
    }

    private void finishResize() {
        if (oldKeys != null) {
            migrateSome(oldKeys.length);
        }
    }

    /**
     * Background progress on a resize (the cron calls it so that idle tables finish too):
     * migrates old slots in chunks until {@code deadlineNanos}.
     */
    public final void migrateUntil(long deadlineNanos) {
        while (oldKeys != null && pauseResize == 0) {
            migrateSome(1024);
            if (System.nanoTime() > deadlineNanos) {
                return;
            }
        }
    }

    /**
     * Grows an empty table at once to hold {@code n} entries within the load factor (a load that
     * knows its size skips the rehashes); does nothing otherwise. The figure comes from a file:
     * beyond {@link #MAX_RESERVE} the table grows as entries come, so a corrupt one costs no memory.
     */
    final void reserve(long n) {
        if (size != 0 || oldKeys != null) {
            return;
        }
        long want = Math.min(n, MAX_RESERVE);
        long capacity = MIN_CAPACITY;
        while (overLoad(want, capacity)) {
            capacity <<= 1;
        }
        if (capacity > mask + 1) {
            keys = new byte[(int) capacity][];
            hashes = new int[(int) capacity];
            mask = (int) capacity - 1;
            allocatePayload((int) capacity);
            dropOldPayload();
        }
    }

    /** Removes everything, returning to the minimum capacity. */
    public void clear() {
        keys = new byte[MIN_CAPACITY][];
        hashes = new int[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
        size = 0;
        oldKeys = null;
        oldHashes = null;
        allocatePayload(MIN_CAPACITY);
        dropOldPayload();
    }

    /** Receives slots during iteration. */
    public interface SlotVisitor {
        void visit(int slot);
    }

    /**
     * One step of a SCAN: visits the entries of the home bucket selected by {@code cursor} and
     * returns the next cursor (0 when the iteration is complete). The cursor counts up in the
     * reversed bit order of the bucket index, so the buckets visited before a resize map onto
     * buckets already visited after it. During a resize, the bucket of the smaller table and
     * all its expansions in the larger one are visited, as Redis' dictScan does.
     */
    public final long scanStep(long cursor, SlotVisitor visitor) {
        if (size == 0) {
            return 0;
        }
        List<byte[]> picked = new ArrayList<>();
        long v = cursor;
        if (oldKeys == null) {
            collectBucket(keys, hashes, mask, (int) (v & mask), picked);
            v = nextCursor(v, mask);
        } else {
            boolean oldIsSmall = oldMask < mask;
            byte[][] smallKeys = oldIsSmall ? oldKeys : keys;
            int[] smallHashes = oldIsSmall ? oldHashes : hashes;
            int m0 = oldIsSmall ? oldMask : mask;
            byte[][] largeKeys = oldIsSmall ? keys : oldKeys;
            int[] largeHashes = oldIsSmall ? hashes : oldHashes;
            int m1 = oldIsSmall ? mask : oldMask;
            collectBucket(smallKeys, smallHashes, m0, (int) (v & m0), picked);
            do {
                collectBucket(largeKeys, largeHashes, m1, (int) (v & m1), picked);
                v = nextCursor(v, m1);
            } while ((v & (m0 ^ m1)) != 0);
        }
        // visitors may delete expired entries; keep the tables as they are meanwhile
        pauseResize++;
        try {
            for (byte[] key : picked) {
                int slot = find(fieldEntries ? FieldEntry.field(key) : key);
                if (slot >= 0) {
                    visitor.visit(slot);
                }
            }
        } finally {
            pauseResize--;
        }
        return v;
    }

    /** Increments the reversed bits of {@code cursor} covered by {@code m}. */
    static long nextCursor(long cursor, int m) {
        // set the bits above the mask so the increment of the reversed value carries into the masked bits
        long v = cursor | ~(long) m;
        v = Long.reverse(v);
        v++;
        return Long.reverse(v);
    }

    /** Adds the keys whose home bucket is {@code bucket}: they sit in the run starting there. */
    private static void collectBucket(byte[][] ks, int[] hs, int m, int bucket, List<byte[]> out) {
        int i = bucket;
        while (ks[i] != null) {
            if (ks[i] != MOVED && (hs[i] & m) == bucket) {
                out.add(ks[i]);
            }
            i = (i + 1) & m;
        }
    }

    /** Visits every entry; the visitor must not insert or remove. Completes a pending resize first. */
    public final void forEachSlot(SlotVisitor visitor) {
        finishResize();
        byte[][] ks = keys;
        for (int i = 0; i < ks.length; i++) {
            if (ks[i] != null) {
                visitor.visit(i);
            }
        }
    }

    /** A uniformly chosen entry's slot, or -1 when empty. */
    public final int randomSlot(RandomGenerator random) {
        if (size == 0) {
            return -1;
        }
        while (true) {
            int total = (mask + 1) + (oldKeys == null ? 0 : oldMask + 1);
            int i = random.nextInt(total);
            if (i <= mask) {
                if (keys[i] != null) {
                    return i;
                }
            } else {
                int j = i - mask - 1;
                byte[] k = oldKeys[j];
                if (k != null && k != MOVED) {
                    return migrate(j);
                }
            }
        }
    }

    /** Approximate heap bytes of the table arrays themselves (not keys or values). */
    public long tableBytes(int payloadBytesPerSlot) {
        long slots = mask + 1L + (oldKeys == null ? 0 : oldMask + 1L);
        return 2 * 16 + slots * (4 + 4 + payloadBytesPerSlot);
    }
}
