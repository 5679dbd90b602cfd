package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import kv.server.RespServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Jedis' hash API, used as an application would, against KV (RESP2), field expiration included. */
@QuarkusTest
class JedisHashTest {
    @Inject
    RespServer server;

    private Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", server.port());
        j.select(5);
        j.flushDB();
        return j;
    }

    @Test
    void sessionStoredAsAHash() {
        try (Jedis j = jedis()) {
            Map<String, String> session = new HashMap<>();
            session.put("user", "ada");
            session.put("visits", "1");
            assertEquals(2, j.hset("session:1", session));
            assertEquals("ada", j.hget("session:1", "user"));
            assertEquals(2, j.hincrBy("session:1", "visits", 1));
            assertEquals(0.75, j.hincrByFloat("session:1", "score", 0.75));
            assertEquals(Map.of("user", "ada", "visits", "2", "score", "0.75"), j.hgetAll("session:1"));
            assertEquals(List.of("ada", "2"), j.hmget("session:1", "user", "visits"));
            assertTrue(j.hexists("session:1", "user"));
            assertEquals(3, j.hlen("session:1"));
            assertEquals(3, j.hstrlen("session:1", "user"));
            assertEquals(0, j.hsetnx("session:1", "user", "bob"));
            assertEquals(1, j.hdel("session:1", "score"));
            assertEquals("hash", j.type("session:1"));
            assertEquals("listpack", j.objectEncoding("session:1"));
            assertThrows(JedisDataException.class, () -> j.hincrBy("session:1", "user", 1));
            j.set("plain", "x");
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.hget("plain", "f"));
            assertTrue(e.getMessage().startsWith("WRONGTYPE"));
        }
    }

    @Test
    void bigHashScanAndRandomFields() {
        try (Jedis j = jedis()) {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < 600; i++) {
                m.put("field:" + i, "value:" + i);
            }
            j.hset("big", m);
            assertEquals("hashtable", j.objectEncoding("big"));
            Map<String, String> seen = new HashMap<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<Map.Entry<String, String>> page = j.hscan("big", cursor, new ScanParams().count(50));
                for (Map.Entry<String, String> e : page.getResult()) {
                    seen.put(e.getKey(), e.getValue());
                }
                cursor = page.getCursor();
            } while (!cursor.equals("0"));
            assertEquals(m, seen);
            for (int round = 0; round < 50; round++) { // random picks: repeat so a duplicate shows
                List<String> distinct = j.hrandfield("big", 10);
                assertEquals(10, distinct.stream().distinct().count(), distinct.toString());
            }
            List<Map.Entry<String, String>> withValues = j.hrandfieldWithValues("big", -20);
            assertEquals(20, withValues.size());
            for (Map.Entry<String, String> e : withValues) {
                assertEquals(m.get(e.getKey()), e.getValue());
            }
        }
    }

    @Test
    void fieldExpiration() throws InterruptedException {
        try (Jedis j = jedis()) {
            j.hset("h", Map.of("a", "1", "b", "2"));
            assertEquals(List.of(1L, -2L), j.hexpire("h", 100, "a", "nosuch"));
            assertEquals(List.of(0L), j.hexpire("h", 200, ExpiryOption.NX, "a"));
            long ttl = j.httl("h", "a").get(0);
            assertTrue(ttl > 90 && ttl <= 100, "ttl " + ttl);
            assertEquals(List.of(-1L), j.httl("h", "b"));
            assertEquals(List.of(1L), j.hpexpireAt("h", 4102444800000L, "b"));
            assertEquals(List.of(4102444800000L), j.hpexpireTime("h", "b"));
            assertEquals(List.of(1L, -2L), j.hpersist("h", "a", "nosuch"));
            assertEquals("listpackex", j.objectEncoding("h"));
            assertEquals(List.of(1L), j.hpexpire("h", 1, "a"));
            Thread.sleep(10);
            assertNull(j.hget("h", "a"));
            assertEquals(1, j.hlen("h"));
        }
    }
}
