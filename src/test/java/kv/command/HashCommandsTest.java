package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import kv.store.Db;

/**
 * Hash behaviour the byte-level corpus cannot show: what is propagated, field expiry by the
 * active cycle alone, the memory estimate after many changes, and HSCAN cursors over a growing
 * hash table. Runs against a socket-less server.
 */
class HashCommandsTest {
    private final kv.engine.EngineHarness d = new kv.engine.EngineHarness();
    private final List<String> propagated = new ArrayList<>();

    HashCommandsTest() {
        d.server.addPropagationTarget((db, argv) -> {
            StringBuilder sb = new StringBuilder();
            for (byte[] a : argv) {
                sb.append(sb.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.UTF_8));
            }
            propagated.add(sb.toString());
        });
    }

    private Db db() {
        return d.server.keyspace().db(0);
    }

    @Test
    void writesPropagateWhatReplaysExactly() throws InterruptedException {
        d.call("HSET", "h", "a", "1", "b", "2");
        assertEquals(List.of("HSET h a 1 b 2"), propagated);
        propagated.clear();
        assertEquals("$3\r\n2.5\r\n", d.call("HINCRBYFLOAT", "h", "f", "2.5"));
        assertEquals(List.of("HSET h f 2.5"), propagated);
        propagated.clear();
        long before = System.currentTimeMillis();
        d.call("HEXPIRE", "h", "100", "NX", "FIELDS", "1", "a");
        assertEquals(1, propagated.size());
        String[] p = propagated.get(0).split(" ");
        assertEquals("HPEXPIREAT", p[0]);
        long at = Long.parseLong(p[2]);
        assertTrue(at >= before + 100_000 && at <= System.currentTimeMillis() + 100_000, propagated.get(0));
        assertEquals("NX FIELDS 1 a", String.join(" ", List.of(p).subList(3, p.length)));
        propagated.clear();
        d.call("HGETDEL", "h", "FIELDS", "2", "b", "nosuch");
        assertEquals(List.of("HDEL h b"), propagated);
        propagated.clear();
        // a field expired on access is deleted by an HDEL propagated before the command
        d.call("HPEXPIRE", "h", "1", "FIELDS", "1", "f");
        propagated.clear();
        Thread.sleep(5);
        assertEquals("$-1\r\n", d.call("HGET", "h", "f"));
        assertEquals(List.of("HDEL h f"), propagated);
        propagated.clear();
        assertEquals("*1\r\n$1\r\n1\r\n", d.call("HGETEX", "h", "PX", "1000", "FIELDS", "1", "a"));
        assertTrue(propagated.get(0).matches("HPEXPIREAT h \\d+ FIELDS 1 a"), propagated.toString());
        propagated.clear();
        assertEquals(":1\r\n", d.call("HSETEX", "h", "EX", "100", "FIELDS", "1", "x", "y"));
        assertTrue(propagated.get(0).matches("HSETEX h PXAT \\d+ FIELDS 1 x y"), propagated.toString());
    }

    @Test
    void activeCycleExpiresFieldsAndDeletesEmptiedHashes() throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            d.call("HSET", "h" + i, "a", "1", "b", "2", "keep", "3");
            d.call("HPEXPIRE", "h" + i, "30", "FIELDS", "2", "a", "b");
            d.call("HSET", "gone" + i, "x", "1");
            d.call("HPEXPIRE", "gone" + i, "30", "FIELDS", "1", "x");
        }
        // a big hash (hash table encoding) with many volatile fields
        for (int i = 0; i < 2000; i++) {
            d.call("HSET", "big", "f" + i, "v");
        }
        String[] fields = new String[1000 + 4];
        fields[0] = "HPEXPIRE";
        fields[1] = "big";
        fields[2] = "30";
        fields[3] = "FIELDS";
        fields = java.util.Arrays.copyOf(fields, 1000 + 5);
        fields[4] = "1000";
        for (int i = 0; i < 1000; i++) {
            fields[5 + i] = "f" + i;
        }
        d.call(fields);
        assertEquals("$9\r\nhashtable\r\n", d.call("OBJECT", "ENCODING", "big"));
        assertEquals(601, db().size());
        propagated.clear();
        long deadline = System.currentTimeMillis() + 10_000;
        // only the cron runs: no command reads the hashes
        while ((db().size() > 301 || db().volatileHashes().size() > 0) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            d.server.cron();
        }
        assertEquals(301, db().size());
        assertEquals(0, db().volatileHashes().size(), "stale index entries are dropped");
        for (int i = 0; i < 300; i++) {
            assertEquals("*2\r\n$4\r\nkeep\r\n$1\r\n3\r\n", d.call("HGETALL", "h" + i));
        }
        assertEquals(":1000\r\n", d.call("HLEN", "big"));
        long hdels = propagated.stream().filter(s -> s.startsWith("HDEL ")).count();
        assertTrue(hdels >= 601, "expired fields propagate as HDEL: " + hdels);
    }

    @Test
    void memoryEstimateReturnsToItsBaseline() {
        d.call("SET", "other", "x");
        long baseline = db().heapBytes();
        Random r = new Random(42);
        d.call("CONFIG", "SET", "hash-max-listpack-entries", "16");
        for (int i = 0; i < 3000; i++) {
            String f = "f" + r.nextInt(64);
            switch (r.nextInt(6)) {
                case 0, 1 -> d.call("HSET", "h", f, "v".repeat(r.nextInt(80)));
                case 2 -> d.call("HDEL", "h", f);
                case 3 -> d.call("HPEXPIREAT", "h", String.valueOf(4102444800000L + r.nextInt(1000)), "FIELDS", "1", f);
                case 4 -> d.call("HPERSIST", "h", "FIELDS", "1", f);
                default -> d.call("HINCRBY", "h", "n" + r.nextInt(4), "1");
            }
        }
        d.call("CONFIG", "SET", "hash-max-listpack-entries", "512");
        d.call("DEL", "h");
        assertEquals(baseline, db().heapBytes());
    }

    @Test
    void hscanCursorVisitsEveryFieldOfAGrowingTable() {
        for (int i = 0; i < 1000; i++) {
            d.call("HSET", "h", "f" + i, "v");
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            String reply = d.call("HSCAN", "h", cursor, "COUNT", "20");
            String[] lines = reply.split("\r\n");
            cursor = lines[2];
            for (int i = 5; i < lines.length; i += 4) {
                seen.add(lines[i]);
            }
            if (calls++ == 10) {
                for (int i = 1000; i < 3000; i++) {
                    d.call("HSET", "h", "f" + i, "v"); // grows the table mid-iteration
                }
            }
        } while (!cursor.equals("0"));
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.contains("f" + i), "f" + i);
        }
        assertFalse(seen.contains("v"));
    }
}
