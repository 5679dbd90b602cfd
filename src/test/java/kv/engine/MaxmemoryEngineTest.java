package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * maxmemory before commands: eviction keeps used memory under the limit, and when nothing can be
 * freed denyoom commands get Redis' OOM error (replies recorded from redis-server 7.0.15) while
 * reads still run; inside MULTI every queued command is refused and EXEC of a queue holding a
 * denyoom command aborts the transaction.
 */
class MaxmemoryEngineTest {
    private static final String OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
    private final EngineHarness e = new EngineHarness();
    private final Client other = DetachedTransport.client(e.server, "other");

    private String by(Client c, String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return e.call(c, argv);
    }

    private long info(String field) {
        String info = e.call("INFO", "everything");
        int at = info.indexOf("\r\n" + field + ":");
        int end = info.indexOf("\r\n", at + 2);
        return Long.parseLong(info.substring(at + field.length() + 3, end));
    }

    @Test
    void noevictionRefusesWritesAndServesReads() {
        e.call("SET", "a", "1");
        e.call("CONFIG", "SET", "maxmemory", "1");
        assertEquals(OOM, e.call("SET", "b", "1"));
        assertEquals("$1\r\n1\r\n", e.call("GET", "a"));
        assertEquals(":1\r\n", e.call("DEL", "a")); // DEL is not denyoom: it frees memory
        assertEquals(OOM, e.call("LPUSH", "l", "x"));
        assertEquals(0, info("evicted_keys"));
    }

    @Test
    void insideMultiEverythingQueuedIsRefused() {
        e.call("SET", "a", "1");
        e.call("CONFIG", "SET", "maxmemory", "1");
        assertEquals("+OK\r\n", e.call("MULTI"));
        assertEquals(OOM, e.call("GET", "a"));
        assertEquals(OOM, e.call("SET", "c", "1"));
        assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", e.call("EXEC"));
        assertEquals("+OK\r\n", e.call("MULTI"));
        assertEquals("*0\r\n", e.call("EXEC"));
    }

    @Test
    void execOfADenyoomQueueAbortsWhenMemoryRanOut() {
        e.call("SET", "a", "1");
        e.call("MULTI");
        assertEquals("+QUEUED\r\n", e.call("SET", "d", "1"));
        by(other, "CONFIG", "SET", "maxmemory", "1");
        assertEquals("-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n",
                e.call("EXEC"));
        assertEquals("-ERR EXEC without MULTI\r\n", e.call("EXEC"));
        // a read-only queue still runs
        by(other, "CONFIG", "SET", "maxmemory", "0");
        e.call("MULTI");
        e.call("GET", "a");
        by(other, "CONFIG", "SET", "maxmemory", "1");
        assertEquals("*1\r\n$1\r\n1\r\n", e.call("EXEC"));
    }

    @Test
    void allkeysLruStaysUnderTheLimit() {
        e.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        e.call("CONFIG", "SET", "maxmemory", "3mb");
        String value = "x".repeat(1000);
        for (int i = 0; i < 10_000; i++) {
            assertEquals("+OK\r\n", e.call("SET", "key:" + i, value));
        }
        long used = info("used_memory");
        assertTrue(used <= 3 * 1024 * 1024, "used_memory " + used);
        long keys = Long.parseLong(e.call("DBSIZE").substring(1).trim());
        assertTrue(keys > 1000 && keys < 3000, "keys " + keys);
        assertEquals(10_000 - keys, info("evicted_keys"));
        // the latest key is still there
        assertEquals("$1000\r\n" + value + "\r\n", e.call("GET", "key:9999"));
    }

    @Test
    void volatilePolicyWithoutVolatileKeysCannotFree() {
        e.call("CONFIG", "SET", "maxmemory-policy", "volatile-lru");
        e.call("CONFIG", "SET", "maxmemory", "2mb");
        String value = "x".repeat(1000);
        int ok = 0;
        String last = "";
        for (int i = 0; i < 5000; i++) {
            last = e.call("SET", "key:" + i, value);
            if (!last.equals("+OK\r\n")) {
                break;
            }
            ok++;
        }
        assertEquals(OOM, last);
        assertTrue(ok > 100, "writes before the limit " + ok);
        assertEquals(0, info("evicted_keys"));
        // a key with a TTL can be evicted: the next write frees it and succeeds if that is enough
        e.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        assertEquals("+OK\r\n", e.call("SET", "again", value));
        assertTrue(info("evicted_keys") > 0);
    }

    @Test
    void tenacityTimeLimits() {
        assertEquals(0, Eviction.timeLimitMicros(0));
        assertEquals(500, Eviction.timeLimitMicros(10));
        assertEquals(2022, Eviction.timeLimitMicros(20));
        assertTrue(Eviction.timeLimitMicros(100) > 1_000_000_000L);
    }
}
