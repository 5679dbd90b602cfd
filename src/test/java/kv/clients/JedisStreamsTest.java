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
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.params.XTrimParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

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

    @Test
    void consumerGroupSharesWorkAndTracksAcknowledgements() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Jedis producer = jedis(); Jedis worker1 = jedis()) {
            producer.del("jobs");
            assertEquals("OK", producer.xgroupCreate("jobs", "workers", StreamEntryID.XGROUP_LAST_ENTRY, true));
            // a worker waiting for work is served by the next XADD
            Future<List<Map.Entry<String, List<StreamEntry>>>> waiting = pool.submit(() -> {
                try (Jedis worker2 = jedis()) {
                    return worker2.xreadGroup("workers", "w2", XReadGroupParams.xReadGroupParams().block(10_000).count(1),
                            Map.of("jobs", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!producer.clientList().contains("cmd=xreadgroup") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            StreamEntryID job1 = producer.xadd("jobs", XAddParams.xAddParams(), Map.of("task", "resize"));
            StreamEntryID job2 = producer.xadd("jobs", XAddParams.xAddParams(), Map.of("task", "upload"));
            StreamEntryID job3 = producer.xadd("jobs", XAddParams.xAddParams(), Map.of("task", "mail"));
            assertEquals(job1, waiting.get(10, TimeUnit.SECONDS).get(0).getValue().get(0).getID());

            List<Map.Entry<String, List<StreamEntry>>> mine = worker1.xreadGroup("workers", "w1",
                    XReadGroupParams.xReadGroupParams().count(10), Map.of("jobs", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            assertEquals(List.of(job2, job3), mine.get(0).getValue().stream().map(StreamEntry::getID).toList());

            StreamPendingSummary summary = producer.xpending("jobs", "workers");
            assertEquals(3, summary.getTotal());
            assertEquals(job1, summary.getMinId());
            assertEquals(job3, summary.getMaxId());
            assertEquals(Map.of("w1", 2L, "w2", 1L), summary.getConsumerMessageCount());

            assertEquals(1, worker1.xack("jobs", "workers", job2));
            List<StreamPendingEntry> w1Pending = producer.xpending("jobs", "workers",
                    XPendingParams.xPendingParams().start(StreamEntryID.MINIMUM_ID).end(StreamEntryID.MAXIMUM_ID).count(10).consumer("w1"));
            assertEquals(1, w1Pending.size());
            assertEquals(job3, w1Pending.get(0).getID());
            assertEquals(1, w1Pending.get(0).getDeliveredTimes());

            // after a crash w1 re-reads its own unacknowledged history
            List<Map.Entry<String, List<StreamEntry>>> history = worker1.xreadGroup("workers", "w1",
                    XReadGroupParams.xReadGroupParams(), Map.of("jobs", new StreamEntryID()));
            assertEquals(job3, history.get(0).getValue().get(0).getID());
            assertEquals(2, producer.xpending("jobs", "workers",
                    XPendingParams.xPendingParams().start(StreamEntryID.MINIMUM_ID).end(StreamEntryID.MAXIMUM_ID).count(10).consumer("w1")).get(0).getDeliveredTimes());
            assertEquals(1, producer.xgroupDelConsumer("jobs", "workers", "w1"));
            assertEquals(1, producer.xpending("jobs", "workers").getTotal());
            assertEquals(1, producer.xgroupDestroy("jobs", "workers"));
        } finally {
            pool.shutdownNow();
        }
    }
}
