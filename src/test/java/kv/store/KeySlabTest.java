package kv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Records in the slab, space reuse, deferred frees under a snapshot, and the main table on top of it. */
class KeySlabTest {

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recordsHoldKeyAndOptionalValue() {
        KeySlab slab = new KeySlab();
        long a = slab.add(k("key:1"), 0, 5, k("value"));
        long b = slab.add(k("xxkey:2yy"), 2, 5, null);
        assertArrayEquals(k("key:1"), slab.key(a));
        assertArrayEquals(k("value"), slab.value(a));
        assertTrue(slab.hasValue(a));
        assertArrayEquals(k("key:2"), slab.key(b));
        assertFalse(slab.hasValue(b));
        assertTrue(slab.keyEquals(b, k("key:2"), 0, 5));
        assertFalse(slab.keyEquals(b, k("key:1"), 0, 5));
        // the empty key and an empty value are ordinary
        long e = slab.add(new byte[0], 0, 0, new byte[0]);
        assertEquals(0, slab.key(e).length);
        assertEquals(0, slab.value(e).length);
        // header 5 + key 5 + value 5, rounded to 8
        assertEquals(16, slab.recordBytes(a));
        assertEquals(16 + 16 + 8, slab.liveBytes());
    }

    @Test
    void freedSpaceIsReusedBySameSizeClass() {
        KeySlab slab = new KeySlab();
        long a = slab.add(k("abcdef"), 0, 6, null);
        slab.free(a);
        assertEquals(0, slab.liveBytes());
        long b = slab.add(k("ghijkl"), 0, 6, null);
        assertEquals(a, b, "the freed record's space serves the next record of its class");
        assertEquals(KeySlab.PAGE_BYTES, slab.pageBytes());
    }

    @Test
    void freesWaitForTheLastHold() {
        KeySlab slab = new KeySlab();
        long a = slab.add(k("abcdef"), 0, 6, null);
        slab.hold();
        slab.hold();
        slab.free(a);
        long b = slab.add(k("ghijkl"), 0, 6, null);
        assertNotEquals(a, b, "space a snapshot may still read is not reused");
        assertArrayEquals(k("abcdef"), slab.key(a));
        slab.unhold();
        assertNotEquals(a, slab.add(k("mnopqr"), 0, 6, null));
        slab.unhold();
        assertEquals(a, slab.add(k("stuvwx"), 0, 6, null));
    }

    @Test
    void bigRecordsGetPagesOfTheirOwnDroppedWhenFreed() {
        KeySlab slab = new KeySlab();
        byte[] big = new byte[5000];
        big[4999] = 7;
        long r = slab.add(big, 0, big.length, null);
        assertArrayEquals(big, slab.key(r));
        assertEquals(5005, slab.recordBytes(r));
        assertEquals(5005, slab.pageBytes());
        slab.free(r);
        assertEquals(0, slab.pageBytes());
        assertEquals(0, slab.liveBytes());
    }

    @Test
    void pagesFillAndTheirTailsAreReused() {
        KeySlab slab = new KeySlab();
        byte[] key = new byte[1019];
        // 1024-byte records: 1023 of them fill a page, the 1008-byte tail goes to the free lists
        for (int i = 0; i < 1025; i++) {
            slab.add(key, 0, key.length, null);
        }
        assertEquals(2L * KeySlab.PAGE_BYTES, slab.pageBytes());
        assertEquals(1025L * 1024, slab.liveBytes());
    }

    @Test
    void mainTableKeepsSmallStringsInRecordsAndOthersAside() {
        KeyTable t = new KeyTable();
        int s = t.put(k("a"), k("small"), 1);
        assertArrayEquals(k("small"), (byte[]) t.valueAt(s));
        byte[] raw = new byte[StringValues.EMBSTR_LIMIT + 1];
        t.setValueAt(s, raw);
        assertTrue(raw == t.valueAt(s), "a raw string stays the object it was");
        t.setValueAt(s, 42L);
        assertEquals(42L, t.valueAt(s));
        t.setValueAt(s, k("again"));
        assertArrayEquals(k("again"), (byte[]) t.valueAt(s));
        assertArrayEquals(k("a"), t.keyAt(s));
        // only the current record is live: 5 + 1 + 5 rounded up
        assertEquals(16, t.slab().liveBytes());
        t.remove(t.find(k("a")));
        assertEquals(0, t.slab().liveBytes());
    }

    @Test
    void randomOperationsAgreeWithAMapAndReuseSpace() {
        Random random = new Random(7);
        KeyTable t = new KeyTable();
        Map<String, String> model = new HashMap<>();
        for (int op = 0; op < 100_000; op++) {
            String key = "key:" + random.nextInt(2000);
            if (random.nextInt(3) > 0) {
                String value = "v".repeat(random.nextInt(60));
                t.put(k(key), k(value), 0);
                model.put(key, value);
            } else {
                int slot = t.find(k(key));
                assertEquals(model.containsKey(key), slot >= 0);
                if (slot >= 0) {
                    t.remove(slot);
                    model.remove(key);
                }
            }
        }
        long live = 0;
        for (Map.Entry<String, String> e : model.entrySet()) {
            int slot = t.find(k(e.getKey()));
            assertArrayEquals(k(e.getValue()), (byte[]) t.valueAt(slot));
            live += t.entryBytesAt(slot);
        }
        assertEquals(model.size(), t.size());
        long records = 0;
        for (String key : model.keySet()) {
            records += t.slab().recordBytes(t.refAt(t.find(k(key))));
        }
        assertEquals(records, t.slab().liveBytes());
        assertTrue(live >= records);
        assertTrue(t.slab().pageBytes() <= 2L * KeySlab.PAGE_BYTES, "churn reuses freed space");
    }

    /**
     * An insertion takes the empty slot where the probe that missed its key ended, unless a slot was
     * taken or freed since (a migration step of a resize runs between the two): through growths,
     * shrinks and removals every key stays findable and no absent key is found.
     */
    @Test
    void insertionsAfterAMissedProbeStayFindableThroughResizesAndRemovals() {
        Random random = new Random(11);
        KeyTable t = new KeyTable();
        Map<String, String> model = new HashMap<>();
        for (int round = 0; round < 6; round++) {
            int keys = round % 2 == 0 ? 40_000 : 300;
            for (int op = 0; op < 60_000; op++) {
                String key = "k" + random.nextInt(keys);
                if (random.nextInt(4) > 0) {
                    t.put(k(key), k(key), 0);
                    model.put(key, key);
                } else {
                    int slot = t.find(k(key));
                    if (slot >= 0) {
                        t.remove(slot);
                        model.remove(key);
                    }
                }
            }
            assertEquals(model.size(), t.size());
            for (String key : model.keySet()) {
                int slot = t.find(k(key));
                assertTrue(slot >= 0, key);
                assertArrayEquals(k(key), (byte[]) t.valueAt(slot));
            }
            for (int i = 0; i < 40_000; i++) {
                String key = "k" + i;
                assertEquals(model.containsKey(key), t.find(k(key)) >= 0, key);
            }
        }
    }

    @Test
    void frozenDbSeesEntriesAsOfTheFreezeWhileWritesGoOn() {
        Keyspace ks = new Keyspace(1);
        Db db = ks.db(0);
        for (int i = 0; i < 10_000; i++) {
            db.put(k("key:" + i), k("old:" + i));
        }
        db.expireAt(k("key:5"), ks.clock().now() + 100_000);
        FrozenDb frozen = db.freeze();
        for (int i = 0; i < 10_000; i++) {
            if (i % 3 == 0) {
                db.remove(k("key:" + i));
            } else {
                db.put(k("key:" + i), k("new:" + i));
            }
        }
        for (int i = 10_000; i < 30_000; i++) {
            db.put(k("key:" + i), k("more:" + i));
        }
        Map<String, String> seen = new HashMap<>();
        for (int slot = 0; slot < frozen.slots(); slot++) {
            byte[] key = frozen.keyAt(slot);
            if (key != null) {
                String name = new String(key, StandardCharsets.UTF_8);
                seen.put(name, new String((byte[]) frozen.valueAt(slot), StandardCharsets.UTF_8));
                if (name.equals("key:5")) {
                    assertEquals(ks.clock().now() + 100_000, frozen.expireAt(slot), 1000);
                } else {
                    assertEquals(-1, frozen.expireAt(slot));
                }
            }
            frozen.passed(slot);
        }
        frozen.close();
        assertEquals(10_000, seen.size());
        for (int i = 0; i < 10_000; i++) {
            assertEquals("old:" + i, seen.get("key:" + i));
        }
        assertNull(db.read(k("key:0")));
        assertArrayEquals(k("new:1"), (byte[]) db.read(k("key:1")));
    }

    /**
     * A freeze in the middle of an incremental resize captures both tables: each key is seen once
     * (in the old table or the new one), whatever migrates, shifts or is freed afterwards.
     */
    @Test
    void frozenDbTakenDuringAResizeSeesEachKeyOnce() {
        Keyspace ks = new Keyspace(1);
        Db db = ks.db(0);
        int n = 0;
        // grow until a resize has just started (the new table gets 16 slots per operation at most)
        while (true) {
            db.put(k("key:" + n), k("v" + n));
            n++;
            if (n > 1000) {
                FrozenDb probe = db.freeze();
                boolean resizing = probe.slots() > 2048 && probe.slots() != Integer.highestOneBit(probe.slots());
                probe.close();
                if (resizing) {
                    break;
                }
            }
        }
        // a few more inserts migrate some old slots before the freeze: the copies must skip them there
        for (int i = 0; i < 20; i++, n++) {
            db.put(k("key:" + n), k("v" + n));
        }
        FrozenDb frozen = db.freeze();
        // migrate the rest, delete some (backward shifts, frees), add more (a further resize)
        for (int i = 0; i < n; i += 2) {
            db.remove(k("key:" + i));
        }
        for (int i = n; i < 3 * n; i++) {
            db.put(k("key:" + i), k("later"));
        }
        db.migrateUntil(Long.MAX_VALUE);
        Map<String, Integer> seen = new HashMap<>();
        for (int slot = 0; slot < frozen.slots(); slot++) {
            byte[] key = frozen.keyAt(slot);
            if (key != null) {
                String name = new String(key, StandardCharsets.UTF_8);
                seen.merge(name, 1, Integer::sum);
                assertEquals("v" + name.substring(4), new String((byte[]) frozen.valueAt(slot), StandardCharsets.UTF_8));
            }
            frozen.passed(slot);
        }
        frozen.close();
        assertEquals(n, seen.size());
        assertTrue(seen.values().stream().allMatch(c -> c == 1), "no key seen twice");
    }

    /** A key of {@code len} bytes (at least 4) that names {@code i}. */
    private static byte[] key(int i, int len) {
        byte[] b = new byte[len];
        b[0] = (byte) i;
        b[1] = (byte) (i >>> 8);
        b[2] = (byte) (i >>> 16);
        b[3] = (byte) (i >>> 24);
        return b;
    }

    @Test
    void aPageWhoseRecordsAreAllFreedIsGivenBack() {
        KeySlab slab = new KeySlab();
        // 1024-byte records, as many as a page holds; four full pages and one record on the fifth
        int perPage = KeySlab.PAGE_BYTES / 1024;
        long[] refs = new long[4 * perPage + 1];
        for (int i = 0; i < refs.length; i++) {
            refs[i] = slab.add(key(i, 1019), 0, 1019, null);
        }
        assertEquals(5L * KeySlab.PAGE_BYTES, slab.pageBytes());
        // free every record of the second page but one: nothing to give back yet
        for (int i = perPage; i < 2 * perPage - 1; i++) {
            slab.free(refs[i]);
        }
        assertEquals(5L * KeySlab.PAGE_BYTES, slab.pageBytes());
        slab.free(refs[2 * perPage - 1]);
        assertEquals(4L * KeySlab.PAGE_BYTES, slab.pageBytes(), "the emptied page is given back");
        // its stale free-list entries never serve: new records come from the page being filled, then new pages
        for (int i = 0; i < perPage; i++) {
            refs[perPage + i] = slab.add(key(100_000 + i, 1019), 0, 1019, null);
        }
        for (int i = 0; i < refs.length; i++) {
            int named = i >= perPage && i < 2 * perPage ? 100_000 + i - perPage : i;
            assertArrayEquals(key(named, 1019), slab.key(refs[i]));
        }
        // the page being filled stays until the cron finds the slab empty
        for (long r : refs) {
            slab.free(r);
        }
        assertEquals(KeySlab.PAGE_BYTES, slab.pageBytes());
        assertEquals(0, slab.liveBytes());
        slab.trimIfEmpty();
        assertEquals(0, slab.pageBytes());
        assertArrayEquals(key(1, 8), slab.key(slab.add(key(1, 8), 0, 8, null)), "an emptied slab serves again");
    }

    @Test
    void noPageIsGivenBackWhileASnapshotHolds() {
        KeySlab slab = new KeySlab();
        long[] refs = new long[3000];
        for (int i = 0; i < refs.length; i++) {
            refs[i] = slab.add(key(i, 1019), 0, 1019, null);
        }
        slab.hold();
        for (long r : refs) {
            slab.free(r);
        }
        slab.trimIfEmpty();
        assertEquals(3L * KeySlab.PAGE_BYTES, slab.pageBytes());
        for (int i = 0; i < refs.length; i++) {
            assertArrayEquals(key(i, 1019), slab.key(refs[i]), "held records stay readable");
        }
        slab.unhold();
        assertEquals(KeySlab.PAGE_BYTES, slab.pageBytes(), "after the snapshot, only the page being filled");
        slab.trimIfEmpty();
        assertEquals(0, slab.pageBytes());
    }

    /**
     * Random adds and frees of mixed sizes in waves that empty many pages: every live record keeps
     * its bytes (a stale free-list entry reused would overwrite one), the page count follows the
     * records, and holds in between defer everything.
     */
    @Test
    void randomWavesAgreeWithAModelAndGiveEmptiedPagesBack() {
        Random random = new Random(11);
        KeySlab slab = new KeySlab();
        Map<Long, byte[]> live = new HashMap<>();
        java.util.List<Long> order = new java.util.ArrayList<>();
        int next = 0;
        for (int wave = 0; wave < 12; wave++) {
            int adds = 20_000 + random.nextInt(60_000);
            for (int i = 0; i < adds; i++) {
                int len = 4 + random.nextInt(random.nextInt(10) == 0 ? 1200 : 60);
                byte[] b = key(next++, len);
                long r = slab.add(b, 0, len, null);
                assertTrue(live.put(r, b) == null, "a live record's space handed out twice");
                order.add(r);
            }
            boolean held = wave % 4 == 3;
            if (held) {
                slab.hold();
            }
            // free a random fraction, and sometimes nearly everything (a FLUSH-like wave)
            double fraction = random.nextInt(3) == 0 ? 0.98 : random.nextDouble();
            java.util.Collections.shuffle(order, random);
            int frees = (int) (order.size() * fraction);
            for (int i = 0; i < frees; i++) {
                long r = order.remove(order.size() - 1);
                slab.free(r);
                live.remove(r);
            }
            if (held) {
                slab.unhold();
            }
            long bytes = 0;
            for (Map.Entry<Long, byte[]> e : live.entrySet()) {
                assertArrayEquals(e.getValue(), slab.key(e.getKey()));
                bytes += slab.recordBytes(e.getKey());
            }
            assertEquals(bytes, slab.liveBytes());
        }
        for (long r : order) {
            slab.free(r);
        }
        assertTrue(slab.pageBytes() <= KeySlab.PAGE_BYTES, "only the page being filled is left: " + slab.pageBytes());
        slab.trimIfEmpty();
        assertEquals(0, slab.pageBytes());
    }

    @Test
    void aDatabaseEmptiedKeyByKeyGivesItsPagesBackAfterItsSnapshot() {
        Keyspace ks = new Keyspace(1);
        Db db = ks.db(0);
        for (int i = 0; i < 100_000; i++) {
            db.put(k("key:" + i), k("value:" + i));
            if (i % 2 == 0) {
                db.expireAt(k("key:" + i), ks.clock().now() + 1_000_000);
            }
        }
        assertTrue(db.slabPageBytes() >= 4L * KeySlab.PAGE_BYTES);
        FrozenDb frozen = db.freeze();
        for (int i = 0; i < 100_000; i++) {
            db.remove(k("key:" + i));
        }
        db.migrateUntil(Long.MAX_VALUE);
        assertTrue(db.slabPageBytes() >= 4L * KeySlab.PAGE_BYTES, "pages kept for the snapshot");
        assertEquals(0, db.slabLiveBytes());
        int seen = 0;
        for (int slot = 0; slot < frozen.slots(); slot++) {
            byte[] key = frozen.keyAt(slot);
            if (key != null) {
                String name = new String(key, StandardCharsets.UTF_8);
                assertEquals("value:" + name.substring(4), new String((byte[]) frozen.valueAt(slot), StandardCharsets.UTF_8));
                seen++;
            }
        }
        assertEquals(100_000, seen);
        frozen.close();
        db.migrateUntil(Long.MAX_VALUE);
        assertEquals(0, db.slabPageBytes());
    }

    @Test
    void aFlushUnderASnapshotLeavesItsPagesToTheSnapshotWhichCountsThem() {
        Keyspace ks = new Keyspace(1);
        Db db = ks.db(0);
        for (int i = 0; i < 50_000; i++) {
            db.put(k("key:" + i), k("value:" + i));
        }
        long pages = db.slabPageBytes();
        FrozenDb frozen = db.freeze();
        assertEquals(0, frozen.copiedBytes());
        db.clear();
        assertEquals(0, db.slabPageBytes(), "the live database holds no page");
        assertTrue(frozen.copiedBytes() >= pages, "the snapshot counts the pages only it holds");
        db.put(k("after"), k("flush"));
        int seen = 0;
        for (int slot = 0; slot < frozen.slots(); slot++) {
            byte[] key = frozen.keyAt(slot);
            if (key != null) {
                String name = new String(key, StandardCharsets.UTF_8);
                assertEquals("value:" + name.substring(4), new String((byte[]) frozen.valueAt(slot), StandardCharsets.UTF_8));
                seen++;
            }
        }
        assertEquals(50_000, seen);
        frozen.close();
        assertArrayEquals(k("flush"), (byte[]) db.read(k("after")));
        assertEquals(1, db.size());
    }
}
