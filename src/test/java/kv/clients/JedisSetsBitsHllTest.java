package kv.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import kv.server.RespServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.BitOP;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Jedis, as an application uses it, on sets, bitmaps and HyperLogLogs. */
@QuarkusTest
class JedisSetsBitsHllTest {
    @Inject
    RespServer server;

    private Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", server.port());
        j.select(4);
        j.flushDB();
        return j;
    }

    @Test
    void setsAsAnAppUsesThem() {
        try (Jedis j = jedis()) {
            assertEquals(3L, j.sadd("tags:1", "java", "redis", "kv"));
            assertEquals(2L, j.sadd("tags:2", "redis", "go"));
            assertEquals(Set.of("java", "redis", "kv"), j.smembers("tags:1"));
            assertTrue(j.sismember("tags:1", "kv"));
            assertEquals(List.of(true, false), j.smismember("tags:1", "java", "rust"));
            assertEquals(Set.of("redis"), j.sinter("tags:1", "tags:2"));
            assertEquals(Set.of("java", "redis", "kv", "go"), j.sunion("tags:1", "tags:2"));
            assertEquals(Set.of("java", "kv"), j.sdiff("tags:1", "tags:2"));
            assertEquals(1L, j.sinterstore("common", "tags:1", "tags:2"));
            assertEquals(1L, j.sintercard("tags:1", "tags:2"));
            assertEquals(1L, j.smove("tags:1", "tags:2", "java"));
            assertEquals(2L, j.scard("tags:1"));
            assertEquals(1L, j.srem("tags:1", "kv", "absent"));
            String random = j.srandmember("tags:2");
            assertTrue(Set.of("redis", "go", "java").contains(random));
            assertEquals(3, j.srandmember("tags:2", -3).size());
            assertEquals(3, new HashSet<>(j.srandmember("tags:2", 10)).size());

            for (int i = 0; i < 1000; i++) {
                j.sadd("big", "member:" + i);
            }
            assertEquals("hashtable", j.objectEncoding("big"));
            Set<String> scanned = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.sscan("big", cursor, new ScanParams().count(50));
                scanned.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertEquals(1000, scanned.size());
            Set<String> popped = j.spop("big", 990);
            assertEquals(990, popped.size());
            assertEquals(10L, j.scard("big"));
            popped.forEach(m -> assertFalse(j.sismember("big", m)));
            assertEquals(10, j.spop("big", 100).size());
            assertFalse(j.exists("big"));

            j.set("str", "x");
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.sadd("str", "a"));
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", e.getMessage());
        }
    }

    @Test
    void bitmapsAsAnAppUsesThem() {
        try (Jedis j = jedis()) {
            // daily active users: one bit per user id
            for (int id : new int[] {1, 5, 9, 1000}) {
                assertFalse(j.setbit("active:mon", id, true));
            }
            assertTrue(j.setbit("active:mon", 5, true));
            j.setbit("active:tue", 5, true);
            j.setbit("active:tue", 7, true);
            assertEquals(4L, j.bitcount("active:mon"));
            assertTrue(j.getbit("active:mon", 9));
            assertFalse(j.getbit("active:mon", 10));
            assertEquals(1L, j.bitpos("active:mon", true));
            assertEquals(126L, j.bitop(BitOP.AND, "both", "active:mon", "active:tue"));
            assertEquals(1L, j.bitcount("both"));
            assertEquals(List.of(0L, 0L), j.bitfield("counters", "INCRBY", "u8", "#0", "0", "SET", "u8", "#0", "200"));
            assertEquals(List.of(255L), j.bitfield("counters", "OVERFLOW", "SAT", "INCRBY", "u8", "#0", "100"));
            assertEquals(List.of(255L), j.bitfieldReadonly("counters", "GET", "u8", "#0"));
        }
    }

    @Test
    void hyperLogLogsAsAnAppUsesThem() {
        try (Jedis j = jedis()) {
            for (int i = 0; i < 20000; i++) {
                j.pfadd("visitors:" + (i % 2), "user" + i);
            }
            long even = j.pfcount("visitors:0");
            assertTrue(Math.abs(even - 10000) < 300, "estimate " + even);
            long both = j.pfcount("visitors:0", "visitors:1");
            assertTrue(Math.abs(both - 20000) < 600, "estimate " + both);
            assertEquals("OK", j.pfmerge("visitors:all", "visitors:0", "visitors:1"));
            assertEquals(both, j.pfcount("visitors:all"));
            // the sketch is a string: copy it to another key byte for byte
            byte[] raw = j.get("visitors:all".getBytes());
            j.set("copy".getBytes(), raw);
            assertEquals(both, j.pfcount("copy"));
            assertArrayEquals(raw, j.get("copy".getBytes()));
            assertEquals(0L, j.pfcount("none"));
            assertNull(j.get("none"));
            j.set("plain", "not a sketch");
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.pfadd("plain", "x"));
            assertEquals("WRONGTYPE Key is not a valid HyperLogLog string value.", e.getMessage());
        }
    }
}
