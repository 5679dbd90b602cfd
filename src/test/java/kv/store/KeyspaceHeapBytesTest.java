package kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Keyspace.heapBytes skips the databases that never held a key: whatever reaches a database (a
 * write, MOVE, SWAPDB, a load, FLUSHDB), the figure must stay the sum over every database.
 */
class KeyspaceHeapBytesTest {

    private static long sumOverAll(Keyspace ks) {
        long n = 0;
        for (int i = 0; i < ks.count(); i++) {
            n += ks.db(i).heapBytes();
        }
        return n;
    }

    private static byte[] key(int i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void freshKeyspace() {
        Keyspace ks = new Keyspace(16);
        assertEquals(sumOverAll(ks), ks.heapBytes());
    }

    @Test
    void randomChangesAcrossDatabases() {
        for (long seed = 0; seed < 20; seed++) {
            Random r = new Random(seed);
            Keyspace ks = new Keyspace(16);
            for (int step = 0; step < 3000; step++) {
                Db db = ks.db(r.nextInt(16));
                byte[] k = key(r.nextInt(200));
                switch (r.nextInt(7)) {
                    case 0, 1 -> db.put(k, StringValues.of(new byte[r.nextInt(80)]));
                    case 2 -> db.remove(k);
                    case 3 -> {
                        Db target = ks.db(r.nextInt(16));
                        if (target != db && db.exists(k) && !target.exists(k)) {
                            db.moveTo(k, target);
                        }
                    }
                    case 4 -> ks.swap(r.nextInt(16), r.nextInt(16));
                    case 5 -> {
                        if (r.nextInt(50) == 0) {
                            db.clear();
                        }
                    }
                    default -> db.put(k, StringValues.of(new byte[3]), 4_000_000_000_000L);
                }
                assertEquals(sumOverAll(ks), ks.heapBytes(), "seed " + seed + " step " + step);
            }
        }
    }

    @Test
    void loadIntoAHighDatabase() {
        Keyspace ks = new Keyspace(16);
        LoadedTables load = new LoadedTables(ks.access(), 0);
        for (int i = 0; i < 100; i++) {
            load.add(9, key(i), StringValues.of(new byte[10]), -1, 0, 0);
        }
        load.installInto(ks);
        assertEquals(sumOverAll(ks), ks.heapBytes());
    }
}
