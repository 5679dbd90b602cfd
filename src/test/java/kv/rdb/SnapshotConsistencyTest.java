package kv.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import kv.store.Db;
import kv.store.Keyspace;

/**
 * A snapshot walked in small slices while the keyspace changes under it (inserts that grow the
 * tables, deletes that shrink them, TTL changes, renames, FLUSHDB, SWAPDB) sees exactly the
 * entries, values and TTLs that existed when it was taken.
 */
class SnapshotConsistencyTest {
    private static final long NOW = System.currentTimeMillis();

    @Test
    void slicesSeeThePointInTimeWhateverChangesMeanwhile() throws Exception {
        for (int seed = 0; seed < 40; seed++) {
            // some tables span several of the chunks that writes copy
            run(new Random(seed), seed % 4 == 0 ? 40_000 : 3000);
        }
    }

    private static void run(Random rnd, int maxKeys) throws Exception {
        Keyspace ks = new Keyspace(2);
        int keys = 1 + rnd.nextInt(maxKeys);
        for (int i = 0; i < keys; i++) {
            Db d = ks.db(rnd.nextInt(2));
            d.put(key(rnd.nextInt(keys * 2)), val(rnd.nextInt()), rnd.nextInt(4) == 0 ? NOW + 1_000_000 + rnd.nextInt(100000) : Db.NO_TTL);
        }
        // some growth or shrinking may still be migrating when the snapshot is taken
        for (int i = rnd.nextInt(keys); i > 0; i--) {
            ks.db(rnd.nextInt(2)).remove(key(rnd.nextInt(keys * 2)));
        }
        TreeMap<String, String> expected = contents(ks);
        Snapshot snap = Snapshot.take(ks, NOW);
        TreeMap<String, String> seen = new TreeMap<>();
        Snapshot.Visitor visitor = new Snapshot.Visitor() {
            @Override
            public void database(int db, long size, long expiring) {
            }

            @Override
            public void entry(int db, byte[] key, Object value, long expireAtMs) {
                String k = db + "/" + str(key);
                assertEquals(null, seen.put(k, str((byte[]) value) + "@" + expireAtMs), "twice: " + k);
            }
        };
        boolean done = false;
        while (!done) {
            mutate(ks, rnd, keys);
            done = snap.advance(visitor, 0);
        }
        assertEquals(expected, seen);
        assertTrue(snap.preImageCount() == 0);
    }

    @Test
    void extraMemoryCountsChunkCopiesAndPreImagesUntilTheWalkPassesThem() throws Exception {
        Keyspace ks = new Keyspace(1);
        Db d = ks.db(0);
        for (int i = 0; i < 20_000; i++) {
            d.put(key(i), val(i), Db.NO_TTL);
        }
        d.put(key(-1), new kv.store.HashValue(), Db.NO_TTL);
        Snapshot snap = Snapshot.take(ks, NOW);
        assertEquals(0, snap.extraBytes());
        d.put(key(7), val(70), Db.NO_TTL);
        long oneChunk = snap.extraBytes();
        // key record references (8 bytes), hashes and value references of 4096 slots
        assertEquals(kv.store.Memory.align(16 + 8 * 4096) + 2 * kv.store.Memory.align(16 + 4 * 4096), oneChunk);
        d.put(key(7), val(71), Db.NO_TTL);
        assertEquals(oneChunk, snap.extraBytes(), "a chunk is copied once");
        kv.store.HashValue h = (kv.store.HashValue) d.modify(key(-1));
        h.set("f".getBytes(StandardCharsets.US_ASCII), "v".getBytes(StandardCharsets.US_ASCII), 128, 64);
        d.modified(key(-1));
        assertTrue(snap.extraBytes() > oneChunk, "the hash changed in place keeps a pre-image");
        long before = snap.extraBytes();
        while (!snap.advance(new Snapshot.Visitor() {
            @Override
            public void database(int db, long size, long expiring) {
            }

            @Override
            public void entry(int db, byte[] key, Object value, long expireAtMs) {
            }
        }, 0)) {
            // every slice: chunks behind the walk are dropped
        }
        assertEquals(0, snap.extraBytes());
        assertEquals(before, snap.peakExtraBytes());
    }

    private static void mutate(Keyspace ks, Random rnd, int keys) {
        for (int n = rnd.nextInt(40); n > 0; n--) {
            Db d = ks.db(rnd.nextInt(2));
            byte[] k = key(rnd.nextInt(keys * 3));
            int op = rnd.nextInt(1000);
            if (op < 450) {
                d.put(k, val(rnd.nextInt()), rnd.nextBoolean() ? Db.KEEP_TTL : Db.NO_TTL);
            } else if (op < 900) {
                d.remove(k);
            } else if (op < 940) {
                if (d.exists(k)) {
                    d.expireAt(k, NOW + 2_000_000 + rnd.nextInt(1000));
                }
            } else if (op < 970) {
                d.persist(k);
            } else if (op < 990) {
                byte[] to = key(rnd.nextInt(keys * 3));
                if (d.exists(k) && !java.util.Arrays.equals(k, to)) {
                    d.rename(k, to);
                }
            } else if (op < 995) {
                ks.swap(0, 1);
            } else {
                d.clear();
            }
        }
    }

    private static TreeMap<String, String> contents(Keyspace ks) {
        TreeMap<String, String> out = new TreeMap<>();
        for (int i = 0; i < ks.count(); i++) {
            Db d = ks.db(i);
            int db = i;
            d.forEachEntry((k, v) -> out.put(db + "/" + str(k), str((byte[]) v) + "@" + d.expireTime(k)));
        }
        return out;
    }

    private static byte[] key(int i) {
        return ("k" + i).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] val(int i) {
        return ("v" + i).getBytes(StandardCharsets.US_ASCII);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
