package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import kv.server.RespServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SortingParams;

/** Jedis' SORT API as an application uses it: ids in a set, objects in hashes, a stored page. */
@QuarkusTest
class JedisSortTest {
    @Inject
    RespServer server;

    private Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", server.port());
        j.select(6);
        j.flushDB();
        return j;
    }

    @Test
    void usersSortedByAHashFieldWithTheirNames() {
        try (Jedis j = jedis()) {
            j.sadd("users", "1", "2", "3");
            j.hset("user:1", java.util.Map.of("name", "zoe", "age", "30"));
            j.hset("user:2", java.util.Map.of("name", "adam", "age", "25"));
            j.hset("user:3", java.util.Map.of("name", "mia", "age", "41"));
            assertEquals(List.of("1", "2", "3"), j.sort("users"));
            assertEquals(List.of("adam", "zoe", "mia"),
                    j.sort("users", new SortingParams().by("user:*->age").get("user:*->name")));
            assertEquals(List.of("mia", "41"),
                    j.sort("users", new SortingParams().by("user:*->age").desc().limit(0, 1).get("user:*->name", "user:*->age")));
            assertEquals(List.of("2", "3", "1"),
                    j.sortReadonly("users", new SortingParams().by("user:*->name").alpha()));
            assertEquals(2, j.sort("users", new SortingParams().by("user:*->age").limit(1, 2), "page"));
            assertEquals(List.of("1", "3"), j.lrange("page", 0, -1));
            assertEquals("list", j.type("page"));
            assertEquals(0, j.sort("none", "page"));
            assertEquals(0, j.exists("page") ? 1 : 0);
        }
    }

    @Test
    void listsInNativeOrderAndErrors() {
        try (Jedis j = jedis()) {
            j.rpush("queue", "c", "a", "b");
            assertEquals(List.of("b", "a", "c"), j.sort("queue", new SortingParams().nosort().desc()));
            assertEquals(List.of("a", "b", "c"), j.sort("queue", new SortingParams().alpha()));
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.sort("queue"));
            assertEquals("ERR One or more scores can't be converted into double", e.getMessage());
            j.set("text", "x");
            e = assertThrows(JedisDataException.class, () -> j.sort("text"));
            assertTrue(e.getMessage().startsWith("WRONGTYPE"));
            j.zadd("z", 2, "b");
            j.zadd("z", 1, "a");
            assertEquals(Arrays.asList("a", null, "b", null), j.sort("z", new SortingParams().nosort().get("#", "missing_*")));
        }
    }
}
