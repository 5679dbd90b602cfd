package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import kv.server.RespServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Pub/Sub between clients through Jedis: a listener subscribed to a channel and a pattern gets
 * every message in order, PUBLISH counts its receivers, CLIENT LIST shows the subscriber as Redis
 * does, and CLIENT KILL TYPE pubsub (what Sentinel's failover sends) closes it.
 */
@QuarkusTest
class JedisPubSubTest {
    @Inject
    RespServer server;

    private Jedis jedis() {
        return new Jedis("127.0.0.1", server.port());
    }

    @Test
    void listenerGetsEveryMessageInOrder() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        CountDownLatch subscribed = new CountDownLatch(2);
        CountDownLatch done = new CountDownLatch(1);
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                got.add(channel + ":" + message);
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                got.add(pattern + "|" + channel + ":" + message);
                if (message.equals("last")) {
                    done.countDown();
                }
            }

            @Override
            public void onSubscribe(String channel, int count) {
                subscribed.countDown();
            }

            @Override
            public void onPSubscribe(String pattern, int count) {
                subscribed.countDown();
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Jedis publisher = jedis()) {
            pool.submit(() -> {
                try (Jedis sub = jedis()) {
                    sub.clientSetname("listener");
                    sub.subscribe(listener, "orders");
                }
            });
            // subscribe to the pattern from the listener's own connection once it is subscribed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!listener.isSubscribed() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            listener.psubscribe("ord*");
            assertTrue(subscribed.await(10, TimeUnit.SECONDS));

            for (int i = 0; i < 100; i++) {
                assertEquals(2, publisher.publish("orders", "m" + i), "the channel and the pattern receive it");
            }
            assertEquals(1, publisher.publish("ordinary", "last"));
            assertEquals(0, publisher.publish("elsewhere", "x"));
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(201, got.size());
            for (int i = 0; i < 100; i++) {
                assertEquals("orders:m" + i, got.get(2 * i));
                assertEquals("ord*|orders:m" + i, got.get(2 * i + 1));
            }
            assertEquals("ord*|ordinary:last", got.get(200));

            String line = publisher.clientList().lines().filter(l -> l.contains("name=listener")).findFirst().orElseThrow();
            assertTrue(line.contains(" flags=P ") && line.contains(" sub=1 psub=1 ssub=0 "), line);
            assertEquals(1L, publisher.clientKill(new redis.clients.jedis.params.ClientKillParams()
                    .type(redis.clients.jedis.args.ClientType.PUBSUB)));
        } finally {
            pool.shutdownNow();
        }
    }
}
