package kv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import kv.util.BulkSink;
import kv.util.Numbers;

import org.junit.jupiter.api.Test;

/** GET's write straight from the slab ({@link Db#writeString}) and INCR's one-lookup update ({@link Db#addToInteger}). */
class StringFastPathTest {

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Collects what is written, as the reply writer would send it. */
    private static final class Collected implements BulkSink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int bulks;

        @Override
        public void bulk(byte[] value, int offset, int length) {
            bulks++;
            bytes.write(value, offset, length);
        }

        @Override
        public void bulkLong(long value) {
            bulks++;
            bytes.writeBytes(Numbers.toBytes(value));
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private static String written(Db db, String key) {
        Collected out = new Collected();
        assertTrue(db.writeString(k(key), out));
        assertEquals(1, out.bulks);
        return out.text();
    }

    @Test
    void writeStringWritesEveryEncodingAndCountsAsARead() {
        Keyspace ks = new Keyspace(1);
        Db db = ks.db(0);
        db.put(k("small"), k("in the record"));
        db.put(k("big"), k("x".repeat(100)));
        db.put(k("int"), StringValues.of(k("-12345")));
        db.put(k("grown"), StringValues.append(k("ab"), k("cd")));
        assertEquals("in the record", written(db, "small"));
        assertEquals("x".repeat(100), written(db, "big"));
        assertEquals("-12345", written(db, "int"));
        assertEquals("abcd", written(db, "grown"));
        assertEquals(4, ks.stats().hits);

        Collected none = new Collected();
        assertFalse(db.writeString(k("absent"), none));
        assertEquals(0, none.bulks);
        assertEquals(1, ks.stats().misses);

        HashValue h = new HashValue();
        h.set(k("f"), k("v"), 128, 64);
        db.put(k("hash"), h);
        Collected wrong = new Collected();
        assertThrows(WrongTypeException.class, () -> db.writeString(k("hash"), wrong));
        assertEquals(0, wrong.bulks);
    }

    @Test
    void mgetsLookupWritesStringsAndNothingForOtherTypes() {
        Keyspace ks = new Keyspace(1);
        Db db = ks.db(0);
        db.put(k("small"), k("in the record"));
        db.put(k("int"), StringValues.of(k("42")));
        HashValue h = new HashValue();
        h.set(k("f"), k("v"), 128, 64);
        db.put(k("hash"), h);
        Collected out = new Collected();
        assertTrue(db.writeStringIfString(k("small"), out));
        assertTrue(db.writeStringIfString(k("int"), out));
        assertEquals("in the record42", out.text());
        assertFalse(db.writeStringIfString(k("hash"), out), "another type is nil for MGET, not WRONGTYPE");
        assertFalse(db.writeStringIfString(k("absent"), out));
        assertEquals(2, out.bulks);
        // a key of another type is still a hit, as Redis' lookupKeyRead counts it
        assertEquals(3, ks.stats().hits);
        assertEquals(1, ks.stats().misses);
    }

    @Test
    void addToIntegerUpdatesEveryStringFormAndKeepsTheTtl() {
        Keyspace ks = new Keyspace(1);
        Db db = ks.db(0);
        assertEquals(5, db.addToInteger(k("new"), 5));
        assertEquals(Long.valueOf(5), db.read(k("new")));
        // a Long outside the shared range, replaced beside the record
        db.put(k("long"), StringValues.of(k("1000")));
        db.expireAt(k("long"), ks.clock().now() + 100_000);
        assertEquals(1001, db.addToInteger(k("long"), 1));
        assertEquals(ks.clock().now() + 100_000, db.expireTime(k("long")));
        // digits kept in the record (stored as given), and a grown string: both become integers
        db.put(k("digits"), k("41"));
        assertEquals(42, db.addToInteger(k("digits"), 1));
        assertEquals("int", StringValues.encoding(db.read(k("digits"))));
        db.put(k("grown"), StringValues.append(k("1"), k("0")));
        assertEquals(7, db.addToInteger(k("grown"), -3));
        assertEquals(Long.valueOf(7), db.read(k("grown")));
        long changes = ks.changes();
        db.addToInteger(k("grown"), 1);
        assertEquals(changes + 1, ks.changes(), "an update counts as one change");
    }

    @Test
    void addToIntegerErrorsChangeNothing() {
        Keyspace ks = new Keyspace(1);
        Db db = ks.db(0);
        db.put(k("text"), k("abc"));
        db.put(k("max"), StringValues.of(k(Long.toString(Long.MAX_VALUE))));
        HashValue h = new HashValue();
        h.set(k("f"), k("v"), 128, 64);
        db.put(k("hash"), h);
        long changes = ks.changes();
        long bytes = db.heapBytes();
        assertFalse(assertThrows(IntegerValueException.class, () -> db.addToInteger(k("text"), 1)).overflow());
        assertTrue(assertThrows(IntegerValueException.class, () -> db.addToInteger(k("max"), 1)).overflow());
        assertThrows(WrongTypeException.class, () -> db.addToInteger(k("hash"), 1));
        assertEquals(changes, ks.changes());
        assertEquals(bytes, db.heapBytes());
        assertArrayEquals(k("abc"), (byte[]) db.read(k("text")));
        assertEquals(Long.MAX_VALUE, db.read(k("max")));
    }

    @Test
    void memoryEstimateMatchesTheSameValuesWrittenDirectly() {
        Keyspace ks = new Keyspace(2);
        Db counted = ks.db(0);
        Db direct = ks.db(1);
        Map<String, Long> model = new HashMap<>();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            String key = "counter:" + random.nextInt(500);
            if (random.nextInt(10) == 0) {
                // now and then the value becomes digits in the record again
                counted.put(k(key), k(Long.toString(random.nextInt(1000))));
                model.put(key, Long.parseLong(new String((byte[]) counted.read(k(key)), StandardCharsets.UTF_8)));
                continue;
            }
            long delta = random.nextInt(400) - 100;
            long sum = counted.addToInteger(k(key), delta);
            model.merge(key, delta, Long::sum);
            assertEquals(model.get(key), sum);
        }
        for (Map.Entry<String, Long> e : model.entrySet()) {
            Object v = counted.read(k(e.getKey()));
            direct.put(k(e.getKey()), StringValues.isLong(v) && v instanceof Long ? v : k(Long.toString(e.getValue())));
            assertEquals(e.getValue(), StringValues.longValue(v));
        }
        assertEquals(direct.heapBytes(), counted.heapBytes());
    }

    @Test
    void aSnapshotKeepsSeeingTheValuesOfItsInstant() {
        Keyspace ks = new Keyspace(1);
        Db db = ks.db(0);
        for (int i = 0; i < 5_000; i++) {
            db.put(k("c:" + i), i % 2 == 0 ? StringValues.of(k(Integer.toString(1000 + i))) : k(Integer.toString(i)));
        }
        FrozenDb frozen = db.freeze();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5_000; i++) {
                db.addToInteger(k("c:" + i), 1);
            }
        }
        int seen = 0;
        for (int slot = 0; slot < frozen.slots(); slot++) {
            byte[] key = frozen.keyAt(slot);
            if (key != null) {
                int i = Integer.parseInt(new String(key, StandardCharsets.UTF_8).substring(2));
                assertEquals(i % 2 == 0 ? 1000 + i : i, StringValues.longValue(frozen.valueAt(slot)));
                seen++;
            }
            frozen.passed(slot);
        }
        frozen.close();
        assertEquals(5_000, seen);
        assertEquals(1003L, db.read(k("c:0")));
        assertEquals(4L, db.read(k("c:1")));
    }

    @Test
    void aValueOfTheSameSizeClassIsRewrittenInItsRecordUnlessASnapshotHoldsTheSlab() {
        KeySlab slab = new KeySlab();
        long ref = slab.add(k("key:1"), 0, 5, k("abc"));
        long live = slab.liveBytes();
        assertTrue(slab.rewriteValue(ref, k("wxyz12")), "5 + 5 + 6 bytes: still 16");
        assertArrayEquals(k("wxyz12"), slab.value(ref));
        assertArrayEquals(k("key:1"), slab.key(ref));
        assertEquals(live, slab.liveBytes());
        assertFalse(slab.rewriteValue(ref, k("wxyz123")), "17 bytes: the next class");
        assertArrayEquals(k("wxyz12"), slab.value(ref));
        slab.hold();
        assertFalse(slab.rewriteValue(ref, k("q")));
        slab.unhold();
        assertTrue(slab.rewriteValue(ref, k("")));
        assertEquals(0, slab.value(ref).length);
        long bare = slab.add(k("key:2"), 0, 5, null);
        assertFalse(slab.rewriteValue(bare, k("v")), "a record without a value keeps none");

        Keyspace ks = new Keyspace(1);
        Db db = ks.db(0);
        db.put(k("k"), k("one"));
        long bytes = db.heapBytes();
        db.put(k("k"), k("two"));
        assertEquals(bytes, db.heapBytes());
        assertEquals("two", written(db, "k"));
        db.put(k("k"), k("a longer value than before"));
        assertEquals("a longer value than before", written(db, "k"));
        assertTrue(db.heapBytes() > bytes);
    }
}
