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
        // 1024-byte records: 1024 of them fill a page exactly
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
}
