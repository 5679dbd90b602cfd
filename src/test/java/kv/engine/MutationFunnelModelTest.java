package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import kv.ReferenceRedis;
import kv.RespTestClient;
import kv.store.Db;
import kv.store.KeyEvent;
import kv.store.KeyspaceListener;
import kv.store.StringValues;

/**
 * Drives random key-changing commands through the engine and, side by side, through a real
 * redis-server, and checks the mutation funnel:
 * <ul>
 * <li>every reply is Redis' own, byte for byte;</li>
 * <li>the change counter moves exactly as Redis' rdb_changes_since_last_save does;</li>
 * <li>every key whose value or TTL changed was reported, with an event whose kind agrees with
 * whether the key exists afterwards (database-wide events cover their database);</li>
 * <li>the before-change hook sees each key's state as it was before the command (what a
 * point-in-time snapshot relies on).</li>
 * </ul>
 */
class MutationFunnelModelTest {
    private static final int DBS = 3;
    private static final String[] KEYS = {"k0", "k1", "k2", "k3", "k4", "k5"};
    private static final Set<KeyEvent> REMOVALS = Set.of(KeyEvent.DELETED, KeyEvent.EMPTIED, KeyEvent.EXPIRED, KeyEvent.EVICTED,
            KeyEvent.RENAMED_FROM, KeyEvent.MOVED_FROM);

    /** A key's observable state: its bytes and its expiry. */
    private record State(String value, long expireAt) {
    }

    private record Event(int db, String key, KeyEvent kind) {
    }

    @Test
    void eventsAndChangeCountFollowRedis() throws Exception {
        long seed = Long.getLong("kv.funnel.seed", System.nanoTime());
        Random random = new Random(seed);
        EngineHarness kv = new EngineHarness();
        Recorder recorder = new Recorder();
        kv.server.keyspace().addListener(recorder);
        try (ReferenceRedis redis = ReferenceRedis.startOrSkip(); RespTestClient oracle = new RespTestClient(redis.port())) {
            // the harness runs no cron: keep Redis from removing dead keys in the background either, so
            // both remove them only when a command meets them (FLUSHALL counts what is still stored)
            assertEquals("+OK\r\n", oracle.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
            int selected = 0;
            for (int step = 0; step < 1500; step++) {
                String[] cmd = randomCommand(random);
                List<Map<String, State>> before = snapshot(kv);
                recorder.start(before);
                long kvBefore = kv.server.changesSinceLastSave();
                long redisBefore = dirty(oracle);
                String kvReply = kv.call(cmd);
                String redisReply = oracle.call(cmd);
                String where = "seed " + seed + " step " + step + ": " + String.join(" ", cmd);
                assertEquals(redisReply, kvReply, where);
                if (cmd[0].equals("SELECT") && kvReply.startsWith("+")) {
                    selected = Integer.parseInt(cmd[1]);
                }
                assertEquals(dirty(oracle) - redisBefore, kv.server.changesSinceLastSave() - kvBefore, "changes, " + where);
                checkEvents(kv, before, snapshot(kv), recorder, where);
            }
            assertTrue(selected >= 0);
        }
    }

    private static long dirty(RespTestClient c) throws Exception {
        String info = c.call("INFO", "persistence");
        int at = info.indexOf("rdb_changes_since_last_save:");
        int end = info.indexOf('\r', at);
        return Long.parseLong(info.substring(at + "rdb_changes_since_last_save:".length(), end));
    }

    private static void checkEvents(EngineHarness kv, List<Map<String, State>> before, List<Map<String, State>> after, Recorder r,
            String where) {
        if (r.hookMismatch != null) {
            fail("before-change hook saw " + r.hookMismatch + ", " + where);
        }
        for (int db = 0; db < DBS; db++) {
            if (r.wholeDb.contains(db)) {
                continue;
            }
            Set<String> keys = new HashSet<>(before.get(db).keySet());
            keys.addAll(after.get(db).keySet());
            for (String key : keys) {
                State was = before.get(db).get(key);
                State now = after.get(db).get(key);
                KeyEvent last = r.lastEvent(db, key);
                if (!Objects.equals(was, now) && last == null) {
                    fail("db " + db + " key " + key + " changed (" + was + " -> " + now + ") unreported, " + where);
                }
                // SET ... PXAT <past> stores a key that is already dead: written, yet absent to every reader
                boolean storedDead = now == null && diedOnArrival(kv, db, key);
                if (last != null && !storedDead) {
                    assertEquals(now == null, REMOVALS.contains(last), "last event " + last + " of " + key + " vs " + now + ", " + where);
                }
                if (last != null && REMOVALS.contains(last) && was == null && now == null) {
                    // removing something that did not exist before is only right for an expired key
                    assertEquals(KeyEvent.EXPIRED, last, where);
                }
            }
        }
        for (Event e : r.events) {
            assertFalse(e.kind == KeyEvent.FLUSHED || e.kind == KeyEvent.SWAPPED, "db-wide kind as key event, " + where);
        }
    }

    private static boolean diedOnArrival(EngineHarness kv, int db, String key) {
        long when = kv.server.keyspace().db(db).expireTime(key.getBytes(StandardCharsets.ISO_8859_1));
        return when >= 0 && when <= System.currentTimeMillis();
    }

    private static List<Map<String, State>> snapshot(EngineHarness kv) {
        List<Map<String, State>> dbs = new ArrayList<>();
        for (int i = 0; i < DBS; i++) {
            Db db = kv.server.keyspace().db(i);
            Map<String, State> m = new HashMap<>();
            db.forEachEntry((key, value) -> m.put(latin1(key), new State(latin1(StringValues.bytes(value)), db.expireTime(key))));
            dbs.add(m);
        }
        return dbs;
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Records what the funnel reports during one command, and checks pre-images as they come. */
    private static final class Recorder implements KeyspaceListener {
        final List<Event> events = new ArrayList<>();
        final Set<Integer> wholeDb = new HashSet<>();
        final Set<String> hooked = new HashSet<>();
        List<Map<String, State>> before;
        String hookMismatch;

        void start(List<Map<String, State>> snapshot) {
            events.clear();
            wholeDb.clear();
            hooked.clear();
            before = snapshot;
            hookMismatch = null;
        }

        KeyEvent lastEvent(int db, String key) {
            for (int i = events.size() - 1; i >= 0; i--) {
                Event e = events.get(i);
                if (e.db == db && e.key.equals(key)) {
                    return e.kind;
                }
            }
            return null;
        }

        @Override
        public void beforeChange(Db db, byte[] key) {
            String k = latin1(key);
            if (!hooked.add(db.index() + "/" + k) || wholeDb.contains(db.index()) || touchedBefore(db.index(), k)) {
                return; // only the first change of an entry must see the pre-command state
            }
            // the entry is still there, with its value and TTL as they were before the command
            State expected = before.get(db.index()).get(k);
            Object[] seen = new Object[1];
            db.forEachEntry((kk, v) -> {
                if (latin1(kk).equals(k)) {
                    seen[0] = new State(latin1(StringValues.bytes(v)), db.expireTime(kk));
                }
            });
            if (expected != null && !expected.equals(seen[0]) && hookMismatch == null) {
                hookMismatch = k + " as " + seen[0] + " instead of " + expected;
            }
        }

        private boolean touchedBefore(int db, String key) {
            for (Event e : events) {
                if (e.db == db && e.key.equals(key)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void keyChanged(Db db, byte[] key, KeyEvent event) {
            events.add(new Event(db.index(), latin1(key), event));
        }

        @Override
        public void dbChanged(Db db, KeyEvent event) {
            wholeDb.add(db.index());
        }
    }

    private static String key(Random r) {
        return KEYS[r.nextInt(KEYS.length)];
    }

    private static String value(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> Integer.toString(r.nextInt(100));
            case 1 -> "v" + r.nextInt(10);
            case 2 -> "1." + r.nextInt(10);
            default -> "x".repeat(r.nextInt(50));
        };
    }

    /** A command and its arguments; times are far from now (or long past) so both servers agree. */
    private static String[] randomCommand(Random r) {
        String k = key(r);
        String k2 = key(r);
        String v = value(r);
        String future = Long.toString(System.currentTimeMillis() / 1000 + 1000 + r.nextInt(1000));
        return switch (r.nextInt(32)) {
            case 0, 1 -> new String[] {"SET", k, v};
            case 2 -> new String[] {"SET", k, v, r.nextBoolean() ? "NX" : "XX"};
            case 3 -> new String[] {"SET", k, v, "EX", Integer.toString(100 + r.nextInt(100))};
            case 4 -> new String[] {"SET", k, v, "KEEPTTL", "GET"};
            case 5 -> new String[] {"SET", k, v, "PXAT", "1"};
            case 6 -> new String[] {"SETNX", k, v};
            case 7 -> new String[] {"SETEX", k, "100", v};
            case 8 -> new String[] {"MSET", k, v, k2, value(r)};
            case 9 -> new String[] {"MSETNX", k, v, k2, value(r)};
            case 10 -> new String[] {"APPEND", k, r.nextBoolean() ? "" : v};
            case 11 -> new String[] {"SETRANGE", k, Integer.toString(r.nextInt(5)), r.nextBoolean() ? "" : v};
            case 12 -> new String[] {"INCR", k};
            case 13 -> new String[] {"INCRBYFLOAT", k, "1.5"};
            case 14 -> new String[] {"DEL", k, k2};
            case 15 -> new String[] {"UNLINK", k};
            case 16 -> new String[] {"GETDEL", k};
            case 17 -> new String[] {"GETEX", k, "EX", "500"};
            case 18 -> new String[] {"GETEX", k, r.nextBoolean() ? "PERSIST" : "EXAT", "1"}.clone();
            case 19 -> new String[] {"EXPIRE", k, Integer.toString(r.nextInt(3) == 0 ? -1 : 100 + r.nextInt(1000))};
            case 20 -> new String[] {"EXPIREAT", k, future, new String[] {"NX", "XX", "GT", "LT"}[r.nextInt(4)]};
            case 21 -> new String[] {"PERSIST", k};
            case 22 -> new String[] {"RENAME", k, k2};
            case 23 -> new String[] {"RENAMENX", k, k2};
            case 24 -> new String[] {"COPY", k, k2, "DB", Integer.toString(r.nextInt(DBS)), "REPLACE"};
            case 25 -> new String[] {"MOVE", k, Integer.toString(r.nextInt(DBS))};
            case 26 -> new String[] {"SWAPDB", Integer.toString(r.nextInt(DBS)), Integer.toString(r.nextInt(DBS))};
            case 27 -> r.nextInt(8) == 0 ? new String[] {r.nextBoolean() ? "FLUSHDB" : "FLUSHALL"} : new String[] {"GET", k};
            case 28 -> new String[] {"SELECT", Integer.toString(r.nextInt(DBS))};
            case 29 -> new String[] {"EXISTS", k, k2};
            case 30 -> new String[] {"DECRBY", k, "3"};
            default -> new String[] {"GETSET", k, v};
        };
    }
}
