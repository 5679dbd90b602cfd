package kv.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import kv.store.Db;
import kv.store.HashValue;
import kv.store.Keyspace;
import kv.store.ListValue;
import kv.store.PackedList;

class RdbFileTest {
    private static final long NOW = 1_800_000_000_000L;

    /** A keyspace with random values in dbs 0, 2 and 15, some with TTLs. */
    private static Keyspace sample(long seed, boolean fieldTtls) {
        Keyspace ks = new Keyspace(16);
        RandomValues g = new RandomValues(seed);
        int[] dbs = {0, 2, 15};
        for (int i = 0; i < 60; i++) {
            Object v = g.any();
            if (!fieldTtls && v instanceof HashValue h && h.hasFieldTtls()) {
                continue;
            }
            long ttl = i % 3 == 0 ? NOW + 100_000 + i : Db.NO_TTL;
            ks.db(dbs[i % 3]).put(("key" + i).getBytes(), v, ttl);
        }
        return ks;
    }

    private static Map<String, String> contents(Keyspace ks) {
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < ks.count(); i++) {
            Db d = ks.db(i);
            int db = i;
            d.forEachStored((k, v) -> out.put(db + "/" + new String(k), Canonical.of(v) + " ttl=" + d.expireTime(k)));
        }
        return out;
    }

    static byte[] write(Keyspace ks, boolean v12) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbWriter w = new RdbWriter(bytes, true, true);
        w.header(v12 ? 12 : RdbFormat.WRITE_VERSION);
        w.aux("redis-ver", "7.2.4");
        w.function("#!lua name=lib\nredis.register_function('f', function() return 1 end)".getBytes());
        Snapshot s = Snapshot.take(ks, NOW);
        s.advance(new Snapshot.Visitor() {
            @Override
            public void database(int db, long size, long expiring) throws Exception {
                w.selectDb(db, size, expiring);
            }

            @Override
            public void entry(int db, byte[] key, Object value, long expireAtMs) throws Exception {
                w.entry(key, value, expireAtMs);
            }
        }, Long.MAX_VALUE);
        w.end();
        return bytes.toByteArray();
    }

    private static LoadedDataset read(byte[] file) throws Exception {
        return new RdbLoader(EncodingLimits.DEFAULTS, 16, NOW, true).load(new ByteArrayInputStream(file));
    }

    @Test
    void aWrittenFileLoadsBackIdentically() throws Exception {
        for (long seed = 0; seed < 20; seed++) {
            Keyspace ks = sample(seed, seed % 2 == 0);
            byte[] file = write(ks, seed % 2 == 0);
            LoadedDataset data = read(file);
            Keyspace back = new Keyspace(16);
            data.applyTo(back);
            assertEquals(contents(ks), contents(back), "seed " + seed);
            assertEquals(1, data.functionLibraries().size());
            assertEquals(file.length, data.length());
            assertEquals("7.2.4", new String(data.aux().get("redis-ver")));
        }
    }

    /**
     * String keys and values of every encoding and of lengths around the loader's reused arrays
     * (256-byte keys, 44-byte values), enough of them that many straddle the 64 KiB read buffer:
     * they load as written, with the memory estimate of the same keys stored one by one.
     */
    @Test
    void stringsOfEveryFormAndLengthLoadAsWritten() throws Exception {
        Keyspace ks = new Keyspace(16);
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 6000; i++) {
            byte[] key = new byte[1 + random.nextInt(i % 10 == 0 ? 600 : 40)];
            random.nextBytes(key);
            key[0] = (byte) i;
            key[key.length - 1] = (byte) (i >>> 8);
            byte[] value = switch (i % 5) {
                case 0 -> Long.toString(random.nextLong() >> random.nextInt(64)).getBytes();  // int-encoded up to 32 bits
                case 1 -> "x".repeat(random.nextInt(120)).getBytes();                          // LZF from 21 bytes on
                case 2 -> "007".getBytes();                                                    // digits that stay a string
                default -> {
                    byte[] b = new byte[random.nextInt(90)];
                    random.nextBytes(b);
                    yield b;
                }
            };
            ks.db(i % 3).put(key, kv.store.StringValues.of(value), i % 7 == 0 ? NOW + 100_000 + i : Db.NO_TTL);
        }
        LoadedDataset data = read(write(ks, false));
        Keyspace back = new Keyspace(16);
        data.applyTo(back);
        assertEquals(contents(ks), contents(back));
        for (int db = 0; db < 3; db++) {
            assertEquals(ks.db(db).heapBytes(), back.db(db).heapBytes(), "db " + db);
        }
        assertEquals(ks.db(0).size() + ks.db(1).size() + ks.db(2).size(), data.keysLoaded());
    }

    @Test
    void expiredKeysAreSkippedAndCounted() throws Exception {
        Keyspace ks = new Keyspace(16);
        ks.db(0).put("live".getBytes(), "v".getBytes(), NOW + 10_000);
        ks.db(0).put("dead".getBytes(), "v".getBytes(), NOW + 20_000);
        byte[] file = write(ks, false);
        LoadedDataset data = new RdbLoader(EncodingLimits.DEFAULTS, 16, NOW + 15_000, true).load(new ByteArrayInputStream(file));
        assertEquals(1, data.keysLoaded());
        assertEquals(1, data.keysExpired());
    }

    @Test
    void everyTruncationIsAPreciseError() throws Exception {
        byte[] file = write(sample(5, false), false);
        for (int cut = 0; cut < file.length; cut += Math.max(1, file.length / 300)) {
            byte[] part = java.util.Arrays.copyOf(file, cut);
            RdbException e = assertThrows(RdbException.class, () -> read(part), "cut at " + cut);
            assertTrue(e.offset() <= cut, e.getMessage());
            assertTrue(e.getMessage().contains("offset"), e.getMessage());
        }
    }

    @Test
    void aFlippedByteFailsTheChecksumOrTheFormat() throws Exception {
        byte[] file = write(sample(6, false), false);
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 200; i++) {
            byte[] bad = file.clone();
            int at = 9 + r.nextInt(bad.length - 9 - 8);
            bad[at] ^= (byte) (1 + r.nextInt(255));
            assertThrows(RdbException.class, () -> read(bad), "flip at " + at);
        }
    }

    @Test
    void checksumZeroOrRdbchecksumOffSkipsTheCheck() throws Exception {
        byte[] file = write(sample(7, false), false);
        byte[] zero = file.clone();
        java.util.Arrays.fill(zero, zero.length - 8, zero.length, (byte) 0);
        read(zero);
        byte[] wrong = file.clone();
        wrong[wrong.length - 1] ^= 1;
        RdbException e = assertThrows(RdbException.class, () -> read(wrong));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
        new RdbLoader(EncodingLimits.DEFAULTS, 16, NOW, false).load(new ByteArrayInputStream(wrong));
    }

    @Test
    void refusalsNameTheReason() throws Exception {
        assertMessage(bytes("REDIT0010"), "signature");
        assertMessage(bytes("REDIS0013"), "version 13");
        assertMessage(concat(bytes("REDIS0010"), new byte[] {(byte) 247}), "module auxiliary data");
        assertMessage(concat(bytes("REDIS0010"), new byte[] {(byte) 254, 20}), "database 20");
        // a module value under key "k"
        assertMessage(concat(bytes("REDIS0010"), new byte[] {7, 1, 'k', 0}), "key 'k'");
        // a list (type 1) with 3 elements of which the file holds 1
        assertMessage(concat(bytes("REDIS0006"), new byte[] {1, 1, 'k', 3, 1, 'a'}), "unexpected end of file");
    }

    private static void assertMessage(byte[] file, String part) {
        RdbException e = assertThrows(RdbException.class, () -> read(file));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void theSnapshotKeepsValuesAsTheyWereWhenTaken() throws Exception {
        Keyspace ks = new Keyspace(16);
        Db db = ks.db(0);
        ListValue l = new PackedList();
        l.push(false, "before".getBytes(), -2);
        db.put("list".getBytes(), l);
        db.put("str".getBytes(), "old".getBytes());
        Snapshot s = Snapshot.take(ks, NOW);
        ListValue live = db.modify("list".getBytes(), kv.store.ValueType.LIST);
        live.push(false, "after".getBytes(), -2);
        db.modified("list".getBytes());
        db.put("str".getBytes(), "new".getBytes());
        db.put("added".getBytes(), "x".getBytes());
        db.remove("str".getBytes());
        List<String> seen = new ArrayList<>();
        s.advance(new Snapshot.Visitor() {
            @Override
            public void database(int d, long size, long expiring) {
            }

            @Override
            public void entry(int d, byte[] key, Object value, long expireAtMs) {
                seen.add(new String(key) + "=" + Canonical.of(value));
            }
        }, Long.MAX_VALUE);
        seen.sort(null);
        assertEquals(List.of("list=list:[before]", "str=string:old"), seen);
        assertEquals(1, l.size() == 2 ? 1 : 0, "the live list has both elements");
    }
}
