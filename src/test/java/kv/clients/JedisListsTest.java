package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.server.RespServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.args.ListPosition;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.LPosParams;
import redis.clients.jedis.util.KeyValue;

/**
 * Lists as an application uses them through Jedis: a work queue with blocking consumers, capped
 * logs with LTRIM, reliable queues with LMOVE, and the blocking protocol over real sockets
 * (pipelined commands behind a blocked one wait for it).
 */
@QuarkusTest
class JedisListsTest {
    @Inject
    RespServer server;

    private Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", server.port());
        j.select(5);
        return j;
    }

    @Test
    void workQueueWithBlockingConsumers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Jedis producer = jedis()) {
            producer.del("jobs");
            List<Future<List<String>>> consumers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                consumers.add(pool.submit(() -> {
                    List<String> got = new ArrayList<>();
                    try (Jedis c = jedis()) {
                        for (int k = 0; k < 50; k++) {
                            List<String> r = c.blpop(10, "jobs");
                            got.add(r.get(1));
                        }
                    }
                    return got;
                }));
            }
            for (int k = 0; k < 100; k++) {
                producer.rpush("jobs", "job" + k);
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : consumers) {
                all.addAll(f.get(30, TimeUnit.SECONDS));
            }
            assertEquals(100, all.size());
            assertEquals(100, all.stream().distinct().count());
            assertEquals(0, producer.llen("jobs"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cappedLogAndQueries() {
        try (Jedis j = jedis()) {
            j.del("log");
            for (int i = 0; i < 1000; i++) {
                j.lpush("log", "entry" + i);
                j.ltrim("log", 0, 99);
            }
            assertEquals(100, j.llen("log"));
            assertEquals("entry999", j.lindex("log", 0));
            assertEquals(List.of("entry999", "entry998"), j.lrange("log", 0, 1));
            assertEquals(5L, j.lpos("log", "entry994"));
            assertEquals(List.of(1L), j.lpos("log", "entry998", LPosParams.lPosParams().rank(1), 5));
            assertEquals(102, j.linsert("log", ListPosition.AFTER, "entry999", "x") + 1);
            assertEquals("OK", j.lset("log", 1, "y"));
            assertEquals(1, j.lrem("log", 0, "y"));
            assertEquals("listpack", j.objectEncoding("log"));
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.lset("log", 1000, "z"));
            assertEquals("ERR index out of range", e.getMessage());
        }
    }

    @Test
    void reliableQueueWithLmoveAndLmpop() {
        try (Jedis j = jedis()) {
            j.del("pending", "processing", "a", "b");
            j.rpush("pending", "t1", "t2", "t3");
            assertEquals("t1", j.lmove("pending", "processing", ListDirection.LEFT, ListDirection.RIGHT));
            assertEquals("t2", j.blmove("pending", "processing", ListDirection.LEFT, ListDirection.RIGHT, 1));
            assertEquals(List.of("t1", "t2"), j.lrange("processing", 0, -1));
            j.rpush("b", "1", "2", "3");
            KeyValue<String, List<String>> popped = j.lmpop(ListDirection.RIGHT, 2, "a", "b");
            assertEquals("b", popped.getKey());
            assertEquals(List.of("3", "2"), popped.getValue());
            assertNull(j.lmpop(ListDirection.LEFT, "a"));
            assertEquals(List.of("1"), j.rpop("b", 5));
            assertNull(j.blpop(0.05, "a"));
        }
    }

    @Test
    void aBlockedConnectionHoldsItsPipelinedCommands() throws Exception {
        try (RespTestClient blocked = new RespTestClient(server.port()); Jedis j = jedis()) {
            blocked.call("SELECT", "5");
            j.del("held");
            // BLPOP and PING in one write: PING must wait for BLPOP's answer
            blocked.send(RespTestClient.encode("BLPOP", "held", "0"));
            blocked.send(RespTestClient.encode("PING"));
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return blocked.readReply() + blocked.readReply();
                } catch (java.io.IOException e) {
                    throw new RuntimeException(e);
                }
            });
            long deadline = System.currentTimeMillis() + 10_000;
            while (!j.info("clients").contains("blocked_clients:1") && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(j.clientList().contains("flags=b"));
            j.rpush("held", "v");
            assertEquals("*2\r\n$4\r\nheld\r\n$1\r\nv\r\n+PONG\r\n", first.get(10, TimeUnit.SECONDS));
        }
    }
}
