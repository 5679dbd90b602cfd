package kv.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The open-addressing algorithm shared by every keyed table: linear probing, backward-shift
 * deletion (no tombstones), incremental resize and the SCAN cursor by home bucket. This class owns
 * the {@code int} hash array, which alone tells a slot's state ({@link #EMPTY}, {@link #MOVED} or a
 * key's {@link KeyHash} hash); subclasses own how a key is held (an object array in
 * {@link OpenKeyTable}, slab records in {@link SlabKeyTable}) and their payload, and keep their
 * own probe loop over their concrete arrays, so the hottest loop of the server makes no virtual
 * call. Slot moves go through the {@code *Slot} hooks: a subclass moves its key and payload there,
 * before the hash array changes (a snapshot copies a chunk of slots on the first write to it).
 *
 * <p>Capacity is a power of two and an entry's <em>home bucket</em> is {@code hash & mask}. Linear
 * probing keeps every entry in the run of occupied slots starting at its home bucket, which lets
 * {@link #scanStep} visit entries by home bucket exactly as Redis' chained dict visits buckets: its
 * reverse-binary cursor then gives the same guarantees while the table grows or shrinks.
 *
 * <p>Every slot array is held in <em>chunks</em> of {@link #CHUNK} slots (a table smaller than
 * that has one chunk of its capacity): slot {@code i} is element {@code i & CHUNK_MASK} of chunk
 * {@code i >>> CHUNK_SHIFT}. No array is then big enough to need contiguous heap regions (a
 * humongous allocation, or a full collection when the collector cannot find them), and a table's
 * chunks are allocated when the first entry goes into them: until then a chunk is a shared
 * all-empty array that nothing writes ({@link #NO_HASHES} and the subclasses' like it). So a
 * growth allocates its new table chunk by chunk as inserts and the migration reach it. Because
 * inserts reach random chunks, a big table's next chunks are allocated ahead into a
 * {@link ChunkStock} while it fills from 3/4 to 4/5 ({@link #stockAhead}), so the growth takes
 * them instead of allocating the whole new table in its first few thousand inserts.
 *
 * <p>Resizing is incremental, like Redis' rehashing: a new table is allocated and the old one is
 * drained a few slots per operation (and by the cron), so no single command pays for moving
 * millions of entries. Entries found in the old table are moved on access, so slot numbers handed
 * out always index the current arrays.
 */
abstract class HashSlots {
    /** The hash of an empty slot: a probe run ends there. */
    static final int EMPTY = 0;
    /** The hash of a migrated slot of the old table: probing continues past it, no key matches it. */
    static final int MOVED = 1;

    static final int MIN_CAPACITY = 8;
    /**
     * Slots per chunk: 2^14, so a chunk of {@code long}s is 128 KiB, below the humongous threshold
     * of G1 (half a region, regions of 1 MiB and up) and of Shenandoah (a region, 256 KiB and up).
     */
    static final int CHUNK_SHIFT = 14;
    static final int CHUNK = 1 << CHUNK_SHIFT;
    static final int CHUNK_MASK = CHUNK - 1;
    /** The hashes of every chunk not allocated yet: all {@link #EMPTY}, never written. */
    static final int[] NO_HASHES = new int[CHUNK];

    /** Old-table slots migrated by each operation while a resize is in progress. */
    private static final int MIGRATE_PER_OP = 16;
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

    /** Chunks of a table of {@code capacity} slots. */
    static int chunkCount(int capacity) {
        return capacity <= CHUNK ? 1 : capacity >>> CHUNK_SHIFT;
    }

    /** Slots per chunk of a table of {@code capacity} slots. */
    static int chunkLength(int capacity) {
        return Math.min(capacity, CHUNK);
    }

    protected int[][] hashes;
    protected int mask;
    protected int size;
    /** Chunks of the current table allocated so far. */
    private int chunks;

    // The hashes of the table being drained during an incremental resize (null otherwise). It only
    // ever loses entries: each is moved to the current table on access or by the migration sweep.
    protected int[][] oldHashes;
    protected int oldMask;
    private int oldChunks;
    private int migrateIndex;

    /** Resizing is deferred while an iteration that must see stable slots is in progress. */
    private int pauseResize;

    /** Chunks allocated ahead of the next growth; null while there are none. */
    private ChunkStock stock;

    /**
     * Changes whenever what {@link #allocatedTableBytes} or {@link #pendingGrowthBytes} return may
     * change (a chunk allocated, a resize begun or ended, the fill crossing 3/4), so a caller can keep
     * those figures and recompute them only then.
     */
    private int shape;

    /**
     * The empty slot a failed probe for hash {@link #vacantHash} ended at ({@link #probeEndedAt}), -1
     * none: forgotten whenever a slot of the current table is taken or freed (an insertion, a
     * removal, a migration, a new table), so while set it is still the first empty slot of its run.
     */
    private int vacantHint = -1;
    private int vacantHash;

    /** The hooks run before the subclass's field initialisers: they must not rely on them. */
    HashSlots() {
        resetTo(MIN_CAPACITY);
    }

    // ---- what a subclass keeps per slot ----

    /**
     * Sets up fresh key and payload chunk arrays of {@code chunkCount} chunks, each the subclass's
     * shared empty chunk, keeping the current ones as "old".
     */
    protected abstract void allocateSlots(int chunkCount);

    /**
     * Allocates chunk {@code c} ({@code length} slots) of the current key and payload arrays, each
     * through {@link #intChunk} and its siblings (which take stocked chunks first).
     */
    protected abstract void allocateSlotChunk(int c, int length);

    /** Adds one chunk of each key and payload array to {@code stock}, the types {@link #allocateSlotChunk} takes. */
    protected abstract void stockSlotChunk(ChunkStock stock);

    /** Drops the old arrays once a resize is complete. */
    protected abstract void dropOldSlots();

    /** Moves key and payload of old slot {@code from} to current slot {@code to} (the old one is marked moved after). */
    protected abstract void moveFromOld(int from, int to);

    /** Moves key and payload of slot {@code from} to slot {@code to} within the current arrays. */
    protected abstract void shiftSlot(int from, int to);

    /** Empties slot {@code slot} of the current arrays. */
    protected abstract void clearSlot(int slot);

    // the payload, kept by the concrete tables in arrays parallel to the keys; the key hooks above call these

    /** Sets up fresh payload chunk arrays (shared empty chunks), keeping the current ones aside as "old". */
    protected abstract void allocatePayload(int chunkCount);

    /** Allocates chunk {@code c} ({@code length} slots) of the current payload arrays. */
    protected abstract void allocatePayloadChunk(int c, int length);

    /** Adds one chunk of each payload array to {@code stock}. */
    protected abstract void stockPayloadChunk(ChunkStock stock);

    /** Moves the payload of slot {@code from} of the old arrays to slot {@code to} of the current ones. */
    protected abstract void movePayloadFromOld(int from, int to);

    /** Drops the old arrays once a resize is complete. */
    protected abstract void dropOldPayload();

    /** Moves the payload of slot {@code from} to slot {@code to} within the current arrays. */
    protected abstract void shiftPayload(int from, int to);

    protected abstract void clearPayload(int slot);

    /** The key to look the entry of a slot up by again (a copy where the slot's storage may be reused). */
    protected abstract byte[] lookupKey(boolean old, int slot);

    /** The slot of {@code key} in the current arrays, or -1 (a probe of the subclass's own). */
    public abstract int find(byte[] key);

    /** Bytes a slot's key costs in the subclass's key array. */
    protected abstract int keyBytesPerSlot();

    // ---- state ----

    public final int size() {
        return size;
    }

    /** See {@link #shape}: equal results mean equal table byte figures. */
    final int shape() {
        return shape;
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
        return oldHashes != null;
    }

    /** Whether chunk {@code c} of the current (or the old) table is allocated. */
    protected final boolean chunkAllocated(boolean old, int c) {
        return (old ? oldHashes : hashes)[c] != NO_HASHES;
    }

    /** The hash in slot {@code slot} of the current table. */
    protected final int hashIn(int slot) {
        return hashes[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
    }

    // ---- insertion and removal ----

    /** Moves old slot {@code j}, found by a probe of the old table, into the current table; returns its new slot. */
    protected final int migrate(int j) {
        int[] oldChunk = oldHashes[j >>> CHUNK_SHIFT];
        int h = oldChunk[j & CHUNK_MASK];
        int i = vacantSlot(h);
        moveFromOld(j, i);
        hashes[i >>> CHUNK_SHIFT][i & CHUNK_MASK] = h;
        vacantHint = -1;
        oldChunk[j & CHUNK_MASK] = MOVED;
        return i;
    }

    /** The first empty slot of the current table from the home of hash {@code h} on, its chunk allocated. */
    private int vacantSlot(int h) {
        int[][] hs = hashes;
        int i;
        if (vacantHint >= 0 && vacantHash == h) {
            // the probe that just missed this key ended there, and no slot was taken or freed since
            i = vacantHint;
        } else {
            int m = mask;
            i = h & m;
            while (hs[i >>> CHUNK_SHIFT][i & CHUNK_MASK] != EMPTY) {
                i = (i + 1) & m;
            }
        }
        if (hs[i >>> CHUNK_SHIFT] == NO_HASHES) {
            allocateChunk(i >>> CHUNK_SHIFT);
        }
        return i;
    }

    private void allocateChunk(int c) {
        int length = chunkLength(mask + 1);
        boolean stocked = stock != null && length == CHUNK;
        if (stocked) {
            stock.takingSet();
        }
        hashes[c] = intChunk(length);
        chunks++;
        shape++;
        allocateSlotChunk(c, length);
        if (stocked && stock.sets() == 0) {
            stock = null;
        }
    }

    // The chunk allocators of allocateSlotChunk: a stocked chunk when there is one.

    protected final int[] intChunk(int length) {
        return stock != null ? stock.ints(length) : new int[length];
    }

    protected final long[] longChunk(int length) {
        return stock != null ? stock.longs(length) : new long[length];
    }

    protected final Object[] objectChunk(int length) {
        return stock != null ? stock.objects(length) : new Object[length];
    }

    protected final byte[][] keyChunk(int length) {
        return stock != null ? stock.keyArrays(length) : new byte[length][];
    }

    /**
     * While the table fills from 3/4 to 4/5 (where it grows), allocates the next table's chunks in
     * proportion to the fill, so they are all in stock when the growth begins.
     */
    private void stockAhead() {
        int capacity = mask + 1;
        int next = capacity * 2;
        if (chunkLength(next) != CHUNK || oldHashes != null || !nearGrowth() || capacity > 1 << 29) {
            return;
        }
        long from = capacity * 3L / 4;
        long span = Math.max(1, capacity * 4L / 5 - from);
        int wanted = chunkCount(next);
        long due = Math.min(wanted, (size - from + 1) * wanted / span + 1);
        while ((stock == null ? 0 : stock.sets()) < due) {
            if (stock == null) {
                stock = new ChunkStock();
            }
            stock.addInts();
            stockSlotChunk(stock);
            stock.addedSet();
            shape++;
        }
    }

    /** Drops stocked chunks a table that shrank far from its growth no longer needs. */
    private void dropStock() {
        if (stock != null) {
            stock = null;
            shape++;
        }
    }

    /**
     * The slot an absent key of hash {@code h} goes to: grows (or finishes a resize) first if needed.
     * The caller stores the key there, then calls {@link #occupy}.
     */
    protected final int claimSlot(int h) {
        if (pauseResize == 0) {
            if (oldHashes != null) {
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
        stockAhead();
        return vacantSlot(h);
    }

    /**
     * A probe of the current table for a key of hash {@code h} found it absent at the empty slot
     * {@code slot}: the insertion that usually follows takes that slot without walking the hash
     * array (one cache miss less), unless the occupancy changed meanwhile.
     */
    protected final void probeEndedAt(int slot, int h) {
        vacantHint = slot;
        vacantHash = h;
    }

    /** Completes an insertion at the slot {@link #claimSlot} gave, once the key is stored there. */
    protected final void occupy(int slot, int h) {
        hashes[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = h;
        vacantHint = -1;
        boolean near = nearGrowth();
        size++;
        if (nearGrowth() != near) {
            shape++;
        }
    }

    /** Whether the table is 3/4 full or more, where {@link #pendingGrowthBytes} counts its next table. */
    private boolean nearGrowth() {
        return (long) size * 4 >= (long) (mask + 1) * 3;
    }

    /** Removes the entry in {@code slot}, closing the gap by shifting later run members back. */
    protected final void removeAt(int slot) {
        vacantHint = -1;
        int[][] hs = hashes;
        int m = mask;
        int gap = slot;
        int i = slot;
        while (true) {
            i = (i + 1) & m;
            int hi = hs[i >>> CHUNK_SHIFT][i & CHUNK_MASK];
            if (hi == EMPTY) {
                break;
            }
            int home = hi & m;
            // move i into the gap unless its home lies cyclically in (gap, i]
            boolean homeBetween = gap <= i ? (gap < home && home <= i) : (gap < home || home <= i);
            if (!homeBetween) {
                shiftSlot(i, gap);
                hs[gap >>> CHUNK_SHIFT][gap & CHUNK_MASK] = hi;
                gap = i;
            }
        }
        clearSlot(gap);
        hs[gap >>> CHUNK_SHIFT][gap & CHUNK_MASK] = EMPTY;
        boolean near = nearGrowth();
        size--;
        if (nearGrowth() != near) {
            shape++;
        }
        if (pauseResize == 0) {
            if (oldHashes != null) {
                migrateSome(MIGRATE_PER_OP);
            } else {
                maybeShrink();
            }
        }
    }

    // ---- resizing ----

    private void maybeShrink() {
        int capacity = mask + 1;
        if (stock != null && (long) size * 2 < capacity) {
            dropStock();
        }
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

    /** Chunk arrays of a table of {@code capacity} slots, none allocated. */
    private static int[][] emptyChunks(int capacity) {
        int[][] a = new int[chunkCount(capacity)][];
        Arrays.fill(a, NO_HASHES);
        return a;
    }

    /** Begins an incremental resize: the current arrays become the old table to drain. */
    private void startResize(int capacity) {
        shape++;
        vacantHint = -1;
        oldHashes = hashes;
        oldMask = mask;
        oldChunks = chunks;
        migrateIndex = 0;
        hashes = emptyChunks(capacity);
        mask = capacity - 1;
        chunks = 0;
        allocateSlots(hashes.length);
        if (size == 0) {
            finishResize();
        }
    }

    /** Migrates up to {@code slots} old slots; ends the resize when the old table is drained. */
    private void migrateSome(int slots) {
        int[][] old = oldHashes;
        int length = oldMask + 1;
        int end = Math.min(length, migrateIndex + slots);
        for (int j = migrateIndex; j < end; j++) {
            int h = old[j >>> CHUNK_SHIFT][j & CHUNK_MASK];
            if (h != EMPTY && h != MOVED) {
                migrate(j);
            }
        }
        migrateIndex = end;
        if (end == length) {
            shape++;
            oldHashes = null;
            oldChunks = 0;
            dropOldSlots();
        }
    }

    protected final void finishResize() {
        if (oldHashes != null) {
            migrateSome(oldMask + 1);
        }
    }

    /**
     * Background progress on a resize (the cron calls it so that idle tables finish too):
     * migrates old slots in chunks until {@code deadlineNanos}.
     */
    public final void migrateUntil(long deadlineNanos) {
        while (oldHashes != null && pauseResize == 0) {
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
        if (size != 0 || oldHashes != null) {
            return;
        }
        long want = Math.min(n, MAX_RESERVE);
        long capacity = MIN_CAPACITY;
        while (overLoad(want, capacity)) {
            capacity <<= 1;
        }
        if (capacity > mask + 1) {
            resetTo((int) capacity);
        }
    }

    /** Empty arrays of {@code capacity} slots, no resize in progress. */
    protected final void resetTo(int capacity) {
        shape++;
        stock = null;
        vacantHint = -1;
        hashes = emptyChunks(capacity);
        mask = capacity - 1;
        size = 0;
        chunks = 0;
        oldHashes = null;
        oldChunks = 0;
        allocateSlots(hashes.length);
        dropOldSlots();
    }

    // ---- iteration ----

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
        if (oldHashes == null) {
            collectBucket(false, (int) (v & mask), picked);
            v = nextCursor(v, mask);
        } else {
            boolean oldIsSmall = oldMask < mask;
            int m0 = oldIsSmall ? oldMask : mask;
            int m1 = oldIsSmall ? mask : oldMask;
            collectBucket(oldIsSmall, (int) (v & m0), picked);
            do {
                collectBucket(!oldIsSmall, (int) (v & m1), picked);
                v = nextCursor(v, m1);
            } while ((v & (m0 ^ m1)) != 0);
        }
        // the keys are taken first and looked up again: visitors may delete (expired) entries,
        // which shifts slots; keep the tables as they are meanwhile
        pauseResize++;
        try {
            for (byte[] key : picked) {
                int slot = find(key);
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
    private void collectBucket(boolean old, int bucket, List<byte[]> out) {
        int[][] hs = old ? oldHashes : hashes;
        int m = old ? oldMask : mask;
        int i = bucket;
        int h;
        while ((h = hs[i >>> CHUNK_SHIFT][i & CHUNK_MASK]) != EMPTY) {
            if (h != MOVED && (h & m) == bucket) {
                out.add(lookupKey(old, i));
            }
            i = (i + 1) & m;
        }
    }

    /** Visits every entry; the visitor must not insert or remove. Completes a pending resize first. */
    public final void forEachSlot(SlotVisitor visitor) {
        finishResize();
        int[][] hs = hashes;
        for (int c = 0; c < hs.length; c++) {
            int[] chunk = hs[c];
            if (chunk == NO_HASHES) {
                continue;
            }
            int base = c << CHUNK_SHIFT;
            for (int k = 0; k < chunk.length; k++) {
                if (chunk[k] != EMPTY) {
                    visitor.visit(base + k);
                }
            }
        }
    }

    /** A uniformly chosen entry's slot, or -1 when empty. */
    public final int randomSlot(RandomGenerator random) {
        if (size == 0) {
            return -1;
        }
        while (true) {
            int total = (mask + 1) + (oldHashes == null ? 0 : oldMask + 1);
            int i = random.nextInt(total);
            if (i <= mask) {
                if (hashes[i >>> CHUNK_SHIFT][i & CHUNK_MASK] != EMPTY) {
                    return i;
                }
            } else {
                int j = i - mask - 1;
                int h = oldHashes[j >>> CHUNK_SHIFT][j & CHUNK_MASK];
                if (h != EMPTY && h != MOVED) {
                    return migrate(j);
                }
            }
        }
    }

    // ---- memory ----

    /** Bytes per slot of the key, hash and payload arrays. */
    private long slotBytes(int payloadBytesPerSlot) {
        return keyBytesPerSlot() + 4 + payloadBytesPerSlot;
    }

    /**
     * Heap bytes of {@code arrays} chunked slot arrays of a table of {@code capacity} slots, all
     * {@code chunks} of them allocated, {@code bytesPerSlot} over all the arrays: the arrays of
     * chunk references, the chunks' headers and their slots.
     */
    static long slotArrayBytes(int capacity, int arrays, int chunks, long bytesPerSlot) {
        return arrays * (Memory.align(16L + 4L * chunkCount(capacity)) + 16L * chunks)
                + (long) chunks * chunkLength(capacity) * bytesPerSlot;
    }

    /**
     * Heap bytes of the slot arrays (the key and hash arrays and {@code payloadArrays} more of
     * {@code payloadBytesPerSlot} bytes a slot together), not of keys or values, counted as if
     * every chunk were allocated: what the table comes to once the inserts and the migration of a
     * resize reach all its chunks. Lookups never change it (a collection's size estimate must
     * not move on a read).
     */
    public final long tableBytes(int payloadArrays, int payloadBytesPerSlot) {
        int arrays = 2 + payloadArrays;
        long perSlot = slotBytes(payloadBytesPerSlot);
        long bytes = slotArrayBytes(mask + 1, arrays, chunkCount(mask + 1), perSlot);
        return oldHashes == null ? bytes : bytes + slotArrayBytes(oldMask + 1, arrays, chunkCount(oldMask + 1), perSlot);
    }

    /** {@link #tableBytes} of the chunks allocated now (of the old table too during a resize). */
    public final long allocatedTableBytes(int payloadArrays, int payloadBytesPerSlot) {
        int arrays = 2 + payloadArrays;
        long perSlot = slotBytes(payloadBytesPerSlot);
        long bytes = slotArrayBytes(mask + 1, arrays, chunks, perSlot) + stockedBytes(arrays, perSlot);
        return oldHashes == null ? bytes : bytes + slotArrayBytes(oldMask + 1, arrays, oldChunks, perSlot);
    }

    /** Heap bytes of the stocked chunks: allocated, so counted, and no longer pending. */
    private long stockedBytes(int arrays, long perSlot) {
        return stock == null ? 0 : stock.sets() * (arrays * 16L + CHUNK * perSlot);
    }

    /**
     * Heap bytes the growth of this table still has to allocate (arguments as {@link #tableBytes}):
     * during a resize, the chunks of the new table not allocated yet (the inserts and the
     * migration allocate them as they reach them); before one, once the table is 3/4 full (it
     * grows past 4/5), all of the next table, twice the size of this one.
     */
    public final long pendingGrowthBytes(int payloadArrays, int payloadBytesPerSlot) {
        int arrays = 2 + payloadArrays;
        long perSlot = slotBytes(payloadBytesPerSlot);
        if (oldHashes != null) {
            return (long) (hashes.length - chunks) * (arrays * 16L + chunkLength(mask + 1) * perSlot)
                    - stockedBytes(arrays, perSlot);
        }
        if ((long) size * 4 < (long) (mask + 1) * 3 || mask + 1 > 1 << 29) {
            return 0;
        }
        int next = (mask + 1) * 2;
        return slotArrayBytes(next, arrays, chunkCount(next), perSlot) - stockedBytes(arrays, perSlot);
    }
}
