package kv.clients;

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
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/** Jedis, unchanged, against KV: strings, keys, expiry, pipelining, pooling, errors. */
@QuarkusTest
class JedisCompatibilityTest {
    @Inject
    RespServer server;

    private Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", server.port());
        j.select(3);
        return j;
    }

    @Test
    void stringsAndCounters() {
        try (Jedis j = jedis()) {
            j.flushDB();
            assertEquals("OK", j.set("jedis:s", "value"));
            assertEquals("value", j.get("jedis:s"));
            assertEquals(10L, j.append("jedis:s", "12345"));
            assertEquals("lue12", j.getrange("jedis:s", 2, 6));
            assertNull(j.get("jedis:missing"));
            assertEquals(5L, j.incrBy("jedis:n", 5));
            assertEquals(4L, j.decr("jedis:n"));
            assertEquals(4.5, j.incrByFloat("jedis:n", 0.5));
            assertEquals("OK", j.mset("jedis:a", "1", "jedis:b", "2"));
            assertEquals(List.of("1", "2"), j.mget("jedis:a", "jedis:b"));
            assertEquals(0L, j.msetnx("jedis:a", "x", "jedis:c", "3"));
            assertNull(j.set("jedis:a", "z", SetParams.setParams().nx()));
            assertEquals("1", j.setGet("jedis:a", "9"));
            assertEquals("9", j.getDel("jedis:a"));
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.incr("jedis:s"));
            assertEquals("ERR value is not an integer or out of range", e.getMessage());
        }
    }

    @Test
    void keysAndExpiry() {
        try (Jedis j = jedis()) {
            j.flushDB();
            j.set("jedis:k1", "a");
            j.set("jedis:k2", "b");
            assertEquals(2L, j.exists("jedis:k1", "jedis:k2"));
            assertEquals("string", j.type("jedis:k1"));
            assertEquals(1L, j.expire("jedis:k1", 100));
            // TTL rounds to the nearest second: a loaded machine may take over half a second to the next command
            long ttl = j.ttl("jedis:k1");
            assertTrue(ttl >= 90 && ttl <= 100, "TTL " + ttl);
            long pttl = j.pttl("jedis:k1");
            assertTrue(pttl > 90_000 && pttl <= 100_000, "PTTL " + pttl);
            assertEquals(1L, j.persist("jedis:k1"));
            assertEquals(-1L, j.ttl("jedis:k1"));
            assertEquals(-2L, j.ttl("jedis:nope"));
            assertEquals("OK", j.rename("jedis:k2", "jedis:k3"));
            assertFalse(j.exists("jedis:k2"));
            assertEquals(Set.of("jedis:k1", "jedis:k3"), j.keys("jedis:*"));
            assertEquals(2L, j.del("jedis:k1", "jedis:k3", "jedis:none"));
            assertEquals(0L, j.dbSize());
        }
    }

    @Test
    void scanVisitsEveryKey() {
        try (Jedis j = jedis()) {
            j.flushDB();
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 500; i++) {
                j.set("scan:" + i, "v");
                expected.add("scan:" + i);
            }
            Set<String> seen = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, new ScanParams().match("scan:*").count(50));
                seen.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertEquals(expected, seen);
        }
    }

    @Test
    void pipelineAndPool() {
        try (JedisPool pool = new JedisPool("127.0.0.1", server.port()); Jedis j = pool.getResource()) {
            j.select(4);
            Pipeline p = j.pipelined();
            for (int i = 0; i < 100; i++) {
                p.set("pipe:" + i, Integer.toString(i));
            }
            Response<String> last = p.get("pipe:99");
            Response<Long> counter = p.incr("pipe:counter");
            p.sync();
            assertEquals("99", last.get());
            assertEquals(1L, counter.get());
            assertEquals("PONG", j.ping());
            assertEquals("hello", j.echo("hello"));
        }
    }
}
