package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


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
        byte[][] argv = EngineHarness.argv(args);
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

    /** Redis 7.0.15's INFO memory fields, in its order (KV's own kv_* figures follow them). */
    private static final String REDIS_MEMORY_FIELDS = "used_memory used_memory_human used_memory_rss "
            + "used_memory_rss_human used_memory_peak used_memory_peak_human used_memory_peak_perc used_memory_overhead "
            + "used_memory_startup used_memory_dataset used_memory_dataset_perc allocator_allocated allocator_active "
            + "allocator_resident total_system_memory total_system_memory_human used_memory_lua used_memory_vm_eval "
            + "used_memory_lua_human used_memory_scripts_eval number_of_cached_scripts number_of_functions "
            + "number_of_libraries used_memory_vm_functions used_memory_vm_total used_memory_vm_total_human "
            + "used_memory_functions used_memory_scripts used_memory_scripts_human maxmemory maxmemory_human "
            + "maxmemory_policy allocator_frag_ratio allocator_frag_bytes allocator_rss_ratio allocator_rss_bytes "
            + "rss_overhead_ratio rss_overhead_bytes mem_fragmentation_ratio mem_fragmentation_bytes "
            + "mem_not_counted_for_evict mem_replication_backlog mem_total_replication_buffers mem_clients_slaves "
            + "mem_clients_normal mem_cluster_links mem_aof_buffer mem_allocator active_defrag_running "
            + "lazyfree_pending_objects lazyfreed_objects";

    @Test
    void infoMemoryHasRedisFieldsInRedisOrder() {
        StringBuilder names = new StringBuilder();
        for (String line : e.call("INFO", "memory").split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("kv_") && !line.startsWith("$")) {
                names.append(names.length() == 0 ? "" : " ").append(line, 0, colon);
            }
        }
        assertEquals(REDIS_MEMORY_FIELDS, names.toString());
    }

    @Test
    void doctorReportsAPastPeak() {
        String value = "x".repeat(1000);
        for (int i = 0; i < 20_000; i++) {
            e.call("SET", "key:" + i, value);
        }
        assertTrue(e.call("MEMORY", "DOCTOR").contains("I can't find any memory issue"));
        for (int i = 0; i < 13_000; i++) {
            e.call("DEL", "key:" + i);
        }
        String report = e.call("MEMORY", "DOCTOR");
        assertTrue(report.contains("Sam, I detected a few issues in this Redis instance memory implants:\n\n * Peak memory:"), report);
        assertTrue(report.endsWith("I'm here to keep you safe, Sam. I want to help you.\n\r\n"), report);
        e.call("FLUSHALL");
        assertTrue(e.call("MEMORY", "DOCTOR").contains("Hi Sam, this instance is empty"));
    }

    @Test
    void maxmemoryClientsClosesTheBiggestClientButNotANoEvictOne() {
        // listed clients (as connections are), without sockets
        Client big = e.server.clients().connect(new DetachedTransport("big"), System.currentTimeMillis(), true);
        Client small = e.server.clients().connect(new DetachedTransport("small"), System.currentTimeMillis(), true);
        Client exempt = e.server.clients().connect(new DetachedTransport("exempt"), System.currentTimeMillis(), true);
        String value = "y".repeat(1000);
        by(big, "MULTI");
        by(small, "MULTI");
        by(exempt, "CLIENT", "NO-EVICT", "on");
        by(exempt, "MULTI");
        for (int i = 0; i < 100; i++) {
            by(big, "SET", "k" + i, value);
            by(exempt, "SET", "k" + i, value);
        }
        by(small, "SET", "k", value);
        e.call("CONFIG", "SET", "maxmemory-clients", "150000");
        e.server.cron();
        assertTrue(big.closeScheduled(), "the biggest evictable client goes");
        assertTrue(!small.closeScheduled() && !exempt.closeScheduled());
        assertEquals(1, info("evicted_clients"));
        e.call("CONFIG", "SET", "maxmemory-clients", "0");
    }

    @Test
    void tenacityTimeLimits() {
        assertEquals(0, Eviction.timeLimitMicros(0));
        assertEquals(500, Eviction.timeLimitMicros(10));
        assertEquals(2022, Eviction.timeLimitMicros(20));
        assertTrue(Eviction.timeLimitMicros(100) > 1_000_000_000L);
    }
}
