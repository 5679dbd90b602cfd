package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import kv.server.RespServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.KeyValue;

/** BZPOPMIN/BZPOPMAX/BZMPOP through Jedis: a consumer waiting on an empty sorted set is served by a ZADD. */
@QuarkusTest
class JedisSortedSetBlockingTest {
    @Inject
    RespServer server;

    private Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", server.port());
        j.select(6);
        return j;
    }

    @Test
    void waitingConsumerIsServedByAnotherClientsZadd() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Jedis producer = jedis()) {
            producer.del("tasks");
            Future<KeyValue<String, redis.clients.jedis.resps.Tuple>> waiting = pool.submit(() -> {
                try (Jedis consumer = jedis()) {
                    return consumer.bzpopmin(10, "tasks");
                }
            });
            // the consumer is blocked once the server lists it so; then the ZADD serves it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!producer.clientList().contains("cmd=bzpopmin") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            producer.zadd("tasks", 2, "later");
            producer.zadd("tasks", 1, "sooner");
            KeyValue<String, redis.clients.jedis.resps.Tuple> got = waiting.get(10, TimeUnit.SECONDS);
            assertEquals("tasks", got.getKey());
            assertEquals("later", got.getValue().getElement(), "served by the first ZADD, before the second ran");
            assertEquals(1, producer.zcard("tasks"));
            assertNull(producer.bzpopmax(0.01, "nothing"));
        } finally {
            pool.shutdownNow();
        }
    }
}
