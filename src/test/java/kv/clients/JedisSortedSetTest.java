package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import kv.server.RespServer;
import redis.clients.jedis.GeoCoordinate;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.GeoUnit;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GeoSearchParam;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.params.ZParams;
import redis.clients.jedis.resps.GeoRadiusResponse;
import redis.clients.jedis.resps.Tuple;

/** Jedis, unchanged, against KV: a leaderboard on sorted sets and a store locator on geo. */
@QuarkusTest
class JedisSortedSetTest {
    @Inject
    RespServer server;

    private Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", server.port());
        j.select(5);
        j.flushDB();
        return j;
    }

    @Test
    void leaderboard() {
        try (Jedis j = jedis()) {
            assertEquals(3L, j.zadd("board", Map.of("ann", 10.0, "bob", 25.5, "cid", 17.0)));
            assertEquals(0L, j.zadd("board", 30.0, "ann", ZAddParams.zAddParams().nx()));
            assertEquals(12.0, j.zincrby("board", 2, "ann"));
            assertEquals(List.of("bob", "cid", "ann"), j.zrevrange("board", 0, -1));
            List<Tuple> top = j.zrevrangeWithScores("board", 0, 1);
            assertEquals("bob", top.get(0).getElement());
            assertEquals(25.5, top.get(0).getScore());
            assertEquals(0L, j.zrevrank("board", "bob"));
            assertEquals(2L, j.zcount("board", 12, 20));
            assertEquals(List.of("ann", "cid"), j.zrangeByScore("board", "-inf", "(25"));
            assertEquals(25.5, j.zscore("board", "bob"));
            assertNull(j.zscore("board", "nobody"));
            j.zadd("bonus", Map.of("ann", 100.0, "dan", 1.0));
            assertEquals(4L, j.zunionstore("total", new ZParams().weights(1, 2), "board", "bonus"));
            assertEquals(212.0, j.zscore("total", "ann"));
            assertEquals(List.of("ann"), j.zinter(new ZParams().aggregate(ZParams.Aggregate.MAX), "board", "bonus"));
            Tuple low = j.zpopmin("total");
            assertEquals("dan", low.getElement());
            assertEquals(2.0, low.getScore());
            assertEquals(3L, j.zcard("total"));
            assertEquals("zset", j.type("total"));
            assertEquals("listpack", j.objectEncoding("total"));
            assertEquals(1L, j.zrem("board", "cid"));
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.zadd("board", Double.NaN, "x"));
            assertTrue(e.getMessage().startsWith("ERR"), e.getMessage());
            j.set("plain", "v");
            e = assertThrows(JedisDataException.class, () -> j.zcard("plain"));
            assertTrue(e.getMessage().startsWith("WRONGTYPE"));
        }
    }

    @Test
    void bigSetsUseTheSkipList() {
        try (Jedis j = jedis()) {
            for (int i = 0; i < 1000; i++) {
                j.zadd("big", i % 97, "m" + i);
            }
            assertEquals("skiplist", j.objectEncoding("big"));
            assertEquals(1000L, j.zcard("big"));
            List<String> first = j.zrange("big", 0, 2);
            assertEquals(List.of("m0", "m194", "m291"), first);
            assertEquals(10L, j.zcount("big", 96, 96));
            assertEquals(500L, j.zremrangeByRank("big", 0, 499));
            assertEquals(500L, j.zcard("big"));
        }
    }

    @Test
    void storeLocator() {
        try (Jedis j = jedis()) {
            assertEquals(2L, j.geoadd("shops", Map.of(
                    "palermo", new GeoCoordinate(13.361389, 38.115556),
                    "catania", new GeoCoordinate(15.087269, 37.502669))));
            assertEquals(166.2742, j.geodist("shops", "palermo", "catania", GeoUnit.KM));
            List<GeoCoordinate> pos = j.geopos("shops", "palermo", "nowhere");
            assertEquals(13.36138933897018433, pos.get(0).getLongitude(), 1e-12);
            assertNull(pos.get(1));
            assertEquals(List.of("sqc8b49rny0"), j.geohash("shops", "palermo"));
            List<GeoRadiusResponse> near = j.geosearch("shops",
                    new GeoSearchParam().fromLonLat(15, 37).byRadius(200, GeoUnit.KM).asc().withDist());
            assertEquals("catania", near.get(0).getMemberByString());
            assertEquals(56.4413, near.get(0).getDistance());
            assertEquals(2, near.size());
            assertEquals(3479099956230698.0, j.zscore("shops", "palermo"));
        }
    }
}
