package kv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The open-addressing table under {@link Db}: probing, backward-shift removal, resizing, scanning. */
class OpenKeyTableTest {

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Every stored key is findable from its home bucket without crossing an empty slot. */
    private static void assertInvariants(KeyTable t) {
        int n = 0;
        for (int i = 0; i < t.capacity(); i++) {
            byte[] key = t.keyAt(i);
            if (key == null) {
                continue;
            }
            n++;
            int home = KeyHash.hash(key) & (t.capacity() - 1);
            for (int j = home; j != i; j = (j + 1) & (t.capacity() - 1)) {
                if (t.keyAt(j) == null) {
                    fail("gap between home " + home + " and slot " + i + " of " + s(key));
                }
            }
            assertEquals(i, t.find(key));
        }
        assertEquals(t.size(), n);
        assertTrue(t.size() * 4L <= t.capacity() * 3L, "load factor above 3/4");
    }

    @Test
    void insertFindOverwriteRemove() {
        KeyTable t = new KeyTable();
        assertEquals(-1, t.find(k("a")));
        int slot = t.put(k("a"), "1", 7);
        assertEquals(slot, t.find(k("a")));
        assertEquals("1", t.valueAt(slot));
        assertEquals(7, t.accessAt(slot));
        t.put(k("a"), "2", 8);
        assertEquals(1, t.size());
        assertEquals("2", t.valueAt(t.find(k("a"))));
        t.remove(t.find(k("a")));
        assertEquals(0, t.size());
        assertEquals(-1, t.find(k("a")));
        // binary keys and the empty key are ordinary keys
        t.put(new byte[0], "empty", 0);
        t.put(new byte[] {0, (byte) 0xff, '\r', '\n'}, "bin", 0);
        assertEquals("empty", t.valueAt(t.find(new byte[0])));
        assertEquals("bin", t.valueAt(t.find(new byte[] {0, (byte) 0xff, '\r', '\n'})));
        assertInvariants(t);
    }

    @Test
    void backwardShiftKeepsProbeRunsIntact() {
        KeyTable t = new KeyTable();
        // fill to just under the growth threshold of the minimum table so runs wrap and collide
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] key = k("key:" + i);
            keys.add(key);
            t.put(key, i, 0);
        }
        assertEquals(8, t.capacity());
        for (int victim = 0; victim < keys.size(); victim++) {
            KeyTable copy = new KeyTable();
            for (int i = 0; i < keys.size(); i++) {
                copy.put(keys.get(i), i, i);
            }
            copy.remove(copy.find(keys.get(victim)));
            assertInvariants(copy);
            for (int i = 0; i < keys.size(); i++) {
                int slot = copy.find(keys.get(i));
                if (i == victim) {
                    assertEquals(-1, slot);
                } else {
                    assertEquals(i, copy.valueAt(slot), "payload moved with its key");
                    assertEquals(i, copy.accessAt(slot));
                }
            }
        }
    }

    @Test
    void growsAndShrinks() {
        KeyTable t = new KeyTable();
        for (int i = 0; i < 10_000; i++) {
            t.put(k("k" + i), i, 0);
        }
        assertTrue(t.capacity() >= 10_000 * 4 / 3);
        assertInvariants(t);
        int big = t.capacity();
        for (int i = 0; i < 9_990; i++) {
            t.remove(t.find(k("k" + i)));
        }
        assertTrue(t.capacity() < big / 16, "shrank: " + t.capacity());
        assertInvariants(t);
        for (int i = 9_990; i < 10_000; i++) {
            assertEquals(i, t.valueAt(t.find(k("k" + i))));
        }
        t.clear();
        assertEquals(0, t.size());
        assertEquals(8, t.capacity());
    }

    @Test
    void randomOperationsAgreeWithHashMap() {
        Random random = new Random(20240611L);
        KeyTable t = new KeyTable();
        Map<String, Integer> model = new HashMap<>();
        for (int op = 0; op < 200_000; op++) {
            // a key space that changes size over time, so the table grows and shrinks repeatedly
            int range = 1 + (int) (2000 * (1 + Math.sin(op / 20_000.0)));
            String key = "r" + random.nextInt(range);
            int dice = random.nextInt(10);
            if (dice < 5) {
                t.put(k(key), op, op);
                model.put(key, op);
            } else if (dice < 9) {
                int slot = t.find(k(key));
                assertEquals(model.containsKey(key), slot >= 0, key);
                if (slot >= 0) {
                    t.remove(slot);
                    model.remove(key);
                }
            } else {
                int slot = t.find(k(key));
                Integer expected = model.get(key);
                if (expected == null) {
                    assertEquals(-1, slot);
                } else {
                    assertEquals(expected, t.valueAt(slot));
                }
            }
            assertEquals(model.size(), t.size());
            if (op % 10_000 == 0) {
                assertInvariants(t);
            }
        }
        assertInvariants(t);
        for (Map.Entry<String, Integer> e : model.entrySet()) {
            assertEquals(e.getValue(), t.valueAt(t.find(k(e.getKey()))));
        }
    }

    private static Set<String> fullScan(KeyTable t) {
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        do {
            cursor = t.scanStep(cursor, slot -> seen.add(s(t.keyAt(slot))));
        } while (cursor != 0);
        return seen;
    }

    @Test
    void scanOfAStableTableVisitsEveryKeyOnce() {
        KeyTable t = new KeyTable();
        for (int i = 0; i < 1000; i++) {
            t.put(k("s" + i), i, 0);
        }
        List<String> visits = new ArrayList<>();
        long cursor = 0;
        int steps = 0;
        do {
            cursor = t.scanStep(cursor, slot -> visits.add(s(t.keyAt(slot))));
            steps++;
        } while (cursor != 0);
        assertEquals(t.capacity(), steps, "one step per home bucket");
        assertEquals(1000, visits.size());
        assertEquals(1000, new HashSet<>(visits).size());
        assertEquals(0, new KeyTable().scanStep(0, slot -> fail("empty table visits nothing")));
    }

    /**
     * SCAN's guarantee: a key present during the whole iteration is returned at least once, even
     * while other keys are added and removed so that the table grows several times and then
     * shrinks several times in the middle of the iteration. Repeated with several seeds and
     * growth/shrink timings.
     */
    @Test
    void scanReturnsEveryStableKeyWhileTheTableGrowsAndShrinks() {
        for (int seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            KeyTable t = new KeyTable();
            Set<String> stable = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                t.put(k("stable:" + i), i, 0);
                stable.add("stable:" + i);
            }
            // some keys that will be deleted during the iteration: not required to appear
            List<String> doomed = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                t.put(k("doomed:" + i), i, 0);
                doomed.add("doomed:" + i);
            }
            int startCapacity = t.capacity();
            int maxCapacity = startCapacity;
            int minCapacityAfterPeak = Integer.MAX_VALUE;
            int growAfter = 2 + random.nextInt(30);
            int shrinkAfter = growAfter + 5 + random.nextInt(30);
            int transientCount = 0;
            int removedTransient = 0;
            Set<String> seen = new HashSet<>();
            long cursor = 0;
            int step = 0;
            do {
                cursor = t.scanStep(cursor, slot -> seen.add(s(t.keyAt(slot))));
                step++;
                if (step >= growAfter && step < shrinkAfter) {
                    // grow: thousands of transient keys
                    for (int i = 0; i < 1500; i++) {
                        t.put(k("transient:" + transientCount++), 0, 0);
                    }
                    if (!doomed.isEmpty()) {
                        byte[] d = k(doomed.remove(doomed.size() - 1));
                        t.remove(t.find(d));
                    }
                } else if (step >= shrinkAfter) {
                    // shrink: remove the transient keys a batch per step, then the rest of the doomed ones
                    for (int i = 0; i < 3000 && removedTransient < transientCount; i++) {
                        t.remove(t.find(k("transient:" + removedTransient++)));
                    }
                    if (removedTransient == transientCount) {
                        for (String d : doomed) {
                            t.remove(t.find(k(d)));
                        }
                        doomed.clear();
                    }
                    minCapacityAfterPeak = Math.min(minCapacityAfterPeak, t.capacity());
                }
                maxCapacity = Math.max(maxCapacity, t.capacity());
            } while (cursor != 0);
            if (step > growAfter) {
                assertTrue(maxCapacity >= startCapacity * 8, "seed " + seed + ": the table grew during the scan");
            }
            if (step > shrinkAfter) {
                assertTrue(minCapacityAfterPeak < maxCapacity, "seed " + seed + ": the table shrank during the scan");
            }
            for (String key : stable) {
                assertTrue(seen.contains(key), "seed " + seed + ": stable key not returned: " + key);
            }
        }
    }

    @Test
    void scanCursorHandlesForeignValues() {
        KeyTable t = new KeyTable();
        for (int i = 0; i < 5; i++) {
            t.put(k("x" + i), i, 0);
        }
        // a cursor with bits above the mask still visits a bucket and stays within the table
        long next = t.scanStep(-1L, slot -> { });
        assertEquals(0, next, "all-ones cursor is the last bucket");
        long other = t.scanStep(1L << 40, slot -> { });
        assertTrue(other >= 0 && other < t.capacity());
        assertEquals(5, fullScan(t).size());
    }

    @Test
    void expireTableKeepsTimesAcrossGrowth() {
        ExpireTable e = new ExpireTable();
        for (int i = 0; i < 1000; i++) {
            e.put(k("e" + i), 1000L + i);
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(1000L + i, e.get(k("e" + i)));
        }
        for (int i = 0; i < 990; i++) {
            assertTrue(e.remove(k("e" + i)));
        }
        assertEquals(1995L, e.get(k("e995")));
        assertEquals(-1, e.get(k("e1")));
    }

    @Test
    void dbRenameAndMoveCarryValueAccessAndTtl() {
        Keyspace ks = new Keyspace(2);
        Db a = ks.db(0);
        Db b = ks.db(1);
        byte[] v = k("value");
        a.put(k("src"), v);
        a.expireAt(k("src"), ks.clock().now() + 100_000);
        int access = a.accessField(k("src"));
        a.put(k("dst"), k("old"));
        long bytesBefore = a.heapBytes();
        a.rename(k("src"), k("dst"));
        assertNull(a.read(k("src")));
        assertArrayEquals(v, (byte[]) a.read(k("dst"), Db.NO_TOUCH));
        assertEquals(access, a.accessField(k("dst")));
        assertEquals(ks.clock().now() + 100_000, a.expireTime(k("dst")));
        assertEquals(1, a.size());
        assertEquals(1, a.expiringCount());
        assertTrue(a.heapBytes() < bytesBefore);
        a.moveTo(k("dst"), b);
        assertEquals(0, a.size());
        assertEquals(0, a.expiringCount());
        assertArrayEquals(v, (byte[]) b.read(k("dst"), Db.NO_TOUCH));
        assertEquals(ks.clock().now() + 100_000, b.expireTime(k("dst")));
    }

    @Test
    void valuesCopyIsDeepForMutableStrings() {
        MutableString m = new MutableString(k("abc"), 0);
        Object copy = Values.copy(m);
        assertTrue(copy instanceof MutableString);
        m.append(k("def"));
        assertEquals("abc", s(StringValues.bytes(copy)));
        byte[] plain = k("x");
        assertSame(plain, Values.copy(plain));
        Long n = 123456L;
        assertSame(n, Values.copy(n));
    }

    /** The object-key table (big sets, big hashes, the field-TTL index) on the same algorithm: probe runs intact. */
    private static void assertInvariants(KeySet t) {
        int n = 0;
        for (int i = 0; i < t.capacity(); i++) {
            byte[] key = t.keyAt(i);
            if (key == null) {
                assertEquals(HashSlots.EMPTY, t.hashIn(i));
                continue;
            }
            n++;
            assertEquals(KeyHash.hash(key), t.hashIn(i));
            int home = t.hashIn(i) & (t.capacity() - 1);
            for (int j = home; j != i; j = (j + 1) & (t.capacity() - 1)) {
                if (t.keyAt(j) == null) {
                    fail("gap between home " + home + " and slot " + i + " of " + s(key));
                }
            }
            assertEquals(i, t.find(key));
        }
        assertEquals(t.size(), n);
    }

    @Test
    void objectKeyTableAgreesWithAHashSetThroughResizes() {
        Random random = new Random(7);
        KeySet t = new KeySet();
        Set<String> model = new HashSet<>();
        for (int op = 0; op < 200_000; op++) {
            int range = 1 + (int) (2000 * (1 + Math.sin(op / 20_000.0)));
            String key = "m" + random.nextInt(range);
            int dice = random.nextInt(10);
            if (dice < 5) {
                assertEquals(model.add(key), t.add(k(key)));
            } else if (dice < 9) {
                assertEquals(model.remove(key), t.remove(k(key)));
            } else {
                assertEquals(model.contains(key), t.contains(k(key)));
            }
            assertEquals(model.size(), t.size());
            if (op % 10_000 == 0) {
                t.finishResize();
                assertInvariants(t);
            }
        }
        // a scan sees every member once, also while a resize is in progress
        for (int i = 0; i < 5000; i++) {
            t.add(k("extra:" + i));
            model.add("extra:" + i);
        }
        assertTrue(t.resizing() || t.size() > 0);
        List<byte[]> out = new ArrayList<>();
        long cursor = 0;
        do {
            cursor = t.scan(cursor, out);
        } while (cursor != 0);
        Set<String> scanned = new HashSet<>();
        for (byte[] b : out) {
            scanned.add(s(b));
        }
        assertEquals(model, scanned);
        t.finishResize();
        assertInvariants(t);
    }
}
