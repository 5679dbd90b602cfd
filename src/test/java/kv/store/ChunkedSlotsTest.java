package kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Tables bigger than one chunk of {@link HashSlots#CHUNK} slots: the next table's chunks are
 * allocated ahead, a few at a time, while the table fills from 3/4 to 4/5, and the growth takes
 * them; what it still has to allocate ({@link HashSlots#pendingGrowthBytes}, eviction's reserve)
 * plus what it has allocated stays the same all through the resize.
 */
class ChunkedSlotsTest {
    private static byte[] key(int i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    /** Adds keys until the table starts growing to {@code capacity}; returns the count added. */
    private static int fillUntilResizeTo(KeySet t, int capacity) {
        int n = 0;
        while (!(t.resizing() && t.capacity() == capacity)) {
            t.add(key(n++));
        }
        return n;
    }

    /** Heap bytes of one chunk of a {@link KeySet}'s two arrays (hashes and keys). */
    private static final long CHUNK_BYTES = HashSlots.CHUNK * 8L + 2 * 16;

    @Test
    void aGrowthFindsTheNewChunksInStock() {
        KeySet t = new KeySet();
        int target = 8 * HashSlots.CHUNK;
        int n = fillUntilResizeTo(t, target);
        assertEquals(8, HashSlots.chunkCount(t.capacity()));
        long allocated = t.allocatedTableBytes(0, 0);
        assertEquals(0, t.pendingGrowthBytes(0, 0), "every chunk of the new table allocated before the growth");
        long total = allocated;
        int inserts = 0;
        while (t.resizing()) {
            t.add(key(n++));
            inserts++;
            if (t.resizing()) {
                assertEquals(total, t.allocatedTableBytes(0, 0) + t.pendingGrowthBytes(0, 0),
                        "allocated and still to allocate add up to the same all through the resize");
            }
        }
        // the old table is gone: the new one is all allocated
        assertEquals(total - HashSlots.slotArrayBytes(4 * HashSlots.CHUNK, 2, 4, 8), t.allocatedTableBytes(0, 0));
        assertEquals(t.tableBytes(0, 0), t.allocatedTableBytes(0, 0));
        assertTrue(inserts > 1, "the resize took several inserts");
        assertEquals(0, t.pendingGrowthBytes(0, 0));
        for (int i = 0; i < n; i++) {
            assertTrue(t.contains(key(i)), "key " + i);
        }
        assertFalse(t.contains(key(n)));
    }

    @Test
    void beforeAGrowthTheReserveIsTheWholeNextTable() {
        KeySet t = new KeySet();
        int n = fillUntilResizeTo(t, 4 * HashSlots.CHUNK);
        while (t.resizing()) {
            t.add(key(n++));
        }
        assertEquals(0, t.pendingGrowthBytes(0, 0), "under 3/4 full");
        while (t.size() * 4L < t.capacity() * 3L) {
            t.add(key(n++));
        }
        long next = 2L * t.capacity() * 8;
        assertTrue(t.pendingGrowthBytes(0, 0) >= next, "the next table: " + t.pendingGrowthBytes(0, 0));
        // all chunks of the current table are in use, none of the next one is stocked yet
        assertEquals(t.tableBytes(0, 0), t.allocatedTableBytes(0, 0));
    }

    @Test
    void theNextTableIsAllocatedAFewChunksAtATime() {
        KeySet t = new KeySet();
        int inserts = 8 * HashSlots.CHUNK * 4 / 5 + 4096;
        long[] allocated = new long[inserts];
        for (int i = 0; i < inserts; i++) {
            t.add(key(i));
            allocated[i] = t.allocatedTableBytes(0, 0);
        }
        assertEquals(16 * HashSlots.CHUNK, t.capacity(), "grown to 16 chunks");
        // without the stock, the first few hundred inserts of a growth reach every chunk of the new table
        int window = 256;
        for (int i = window; i < inserts; i++) {
            long grew = allocated[i] - allocated[i - window];
            assertTrue(grew <= 2 * CHUNK_BYTES + 1024,
                    "inserts " + (i - window) + ".." + i + " allocated " + grew / CHUNK_BYTES + " chunks");
        }
    }

    @Test
    void aTableThatShrinksBackDropsItsStock() {
        KeySet t = new KeySet();
        int n = 0;
        while (t.capacity() < 4 * HashSlots.CHUNK || t.resizing()) {
            t.add(key(n++));
        }
        long full = t.tableBytes(0, 0);
        while (t.size() * 5L < t.capacity() * 4L - 64) {
            t.add(key(n++));
        }
        assertTrue(t.allocatedTableBytes(0, 0) > full, "chunks of the next table in stock");
        for (int i = 0; t.size() * 2L >= t.capacity(); i++) {
            t.remove(key(i));
        }
        assertEquals(t.tableBytes(0, 0), t.allocatedTableBytes(0, 0), "the stock dropped");
    }

    @Test
    void aSparseTableHasOnlyTheChunksItsEntriesUse() {
        KeySet t = new KeySet();
        t.reserve(4L * HashSlots.CHUNK);
        int chunks = HashSlots.chunkCount(t.capacity());
        assertTrue(chunks > 4);
        long empty = t.allocatedTableBytes(0, 0);
        t.add(key(1));
        assertEquals(empty + HashSlots.CHUNK * 8L + 2 * 16, t.allocatedTableBytes(0, 0), "one chunk allocated");
        List<byte[]> all = new ArrayList<>();
        t.forEachSlot(slot -> all.add(t.keyAt(slot)));
        assertEquals(1, all.size());
        assertArrayEquals(key(1), all.get(0));
        assertArrayEquals(key(1), t.keyAt(t.randomSlot(new java.util.Random(1))));
    }

    @Test
    void aScanDuringAChunkedGrowthReturnsEveryKeyPresentThroughout() {
        KeySet t = new KeySet();
        int n = fillUntilResizeTo(t, 8 * HashSlots.CHUNK);
        int present = n;
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        do {
            cursor = t.scanStep(cursor, slot -> seen.add(new String(t.keyAt(slot), StandardCharsets.US_ASCII)));
            // fewer inserts than buckets visited, so the table does not outgrow the scan
            if ((n & 3) == 0 || t.resizing()) {
                t.add(key(n));
            }
            n++;
        } while (cursor != 0);
        for (int i = 0; i < present; i++) {
            assertTrue(seen.contains("key:" + i), "key " + i);
        }
        assertFalse(t.resizing(), "the inserts finished the resize");
    }
}
