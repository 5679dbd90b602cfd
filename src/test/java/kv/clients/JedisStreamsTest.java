package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import kv.server.RespServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.params.XTrimParams;
import redis.clients.jedis.resps.StreamEntry;

/** Streams through Jedis as an event log: a producer appends, a blocked reader tails it. */
@QuarkusTest
class JedisStreamsTest {
    @Inject
    RespServer server;

    private Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", server.port());
        j.select(7);
        return j;
    }

    @Test
    void producerAndTailingReader() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Jedis producer = jedis()) {
            producer.del("events");
            StreamEntryID first = producer.xadd("events", XAddParams.xAddParams(), Map.of("type", "created", "id", "1"));
            assertEquals(first, producer.xrange("events", (StreamEntryID) null, null).get(0).getID());
            Future<List<Map.Entry<String, List<StreamEntry>>>> tail = pool.submit(() -> {
                try (Jedis reader = jedis()) {
                    return reader.xread(XReadParams.xReadParams().block(10_000).count(10),
                            Map.of("events", StreamEntryID.XREAD_NEW_ENTRY));
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!producer.clientList().contains("cmd=xread") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            StreamEntryID second = producer.xadd("events", XAddParams.xAddParams().maxLen(1000).approximateTrimming(),
                    Map.of("type", "updated"));
            List<Map.Entry<String, List<StreamEntry>>> got = tail.get(10, TimeUnit.SECONDS);
            assertEquals("events", got.get(0).getKey());
            assertEquals(1, got.get(0).getValue().size(), "only what came after the reader blocked");
            assertEquals(second, got.get(0).getValue().get(0).getID());
            assertEquals("updated", got.get(0).getValue().get(0).getFields().get("type"));
            assertTrue(second.compareTo(first) > 0);

            assertEquals(2, producer.xlen("events"));
            assertEquals(1, producer.xdel("events", first));
            producer.xadd("events", new StreamEntryID(second.getTime() + 1, 0), Map.of("type", "deleted"));
            assertEquals(1, producer.xtrim("events", XTrimParams.xTrimParams().maxLen(1)));
            List<StreamEntry> left = producer.xrevrange("events", (StreamEntryID) null, null);
            assertEquals(1, left.size());
            assertEquals("deleted", left.get(0).getFields().get("type"));
            assertNull(producer.xread(XReadParams.xReadParams(), Map.of("events", left.get(0).getID())));
        } finally {
            pool.shutdownNow();
        }
    }
}
