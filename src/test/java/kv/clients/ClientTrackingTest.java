package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import kv.RespTestClient;
import kv.server.RespServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Client-side caching between clients: invalidations for what a tracking client read when another
 * client writes, the RESP2 redirect through {@code __redis__:invalidate}, a broken redirect, BCAST
 * with NOLOOP, expiry, the table limit, INFO figures, and Lettuce's client-side cache.
 */
@QuarkusTest
class ClientTrackingTest {
    @Inject
    RespServer server;

    private RespTestClient connect() throws Exception {
        return new RespTestClient(server.port()).timeout(5000);
    }

    private static String invalidate3(String... keys) {
        StringBuilder sb = new StringBuilder(">2\r\n$10\r\ninvalidate\r\n*" + keys.length + "\r\n");
        for (String k : keys) {
            sb.append('$').append(k.length()).append("\r\n").append(k).append("\r\n");
        }
        return sb.toString();
    }

    private static long id(RespTestClient c) throws Exception {
        String r = c.call("CLIENT", "ID");
        return Long.parseLong(r.substring(1, r.length() - 2));
    }

    private static String info(RespTestClient c, String field) throws Exception {
        String info = c.call("INFO", "everything");
        int at = info.indexOf(field + ":");
        return info.substring(at + field.length() + 1, info.indexOf('\r', at));
    }

    @AfterEach
    void restore() throws Exception {
        try (RespTestClient admin = connect()) {
            admin.call("CONFIG", "SET", "tracking-table-max-keys", "1000000");
            admin.call("FLUSHALL");
        }
    }

    @Test
    void aWriteByAnotherClientInvalidatesWhatWasRead() throws Exception {
        try (RespTestClient reader = connect(); RespTestClient writer = connect()) {
            reader.call("HELLO", "3");
            assertEquals("+OK\r\n", reader.call("CLIENT", "TRACKING", "on"));
            reader.call("GET", "k");
            reader.call("HGET", "h", "f");
            assertEquals("1", info(writer, "tracking_clients"));
            assertEquals("2", info(writer, "tracking_total_keys"));
            writer.call("SET", "k", "v");
            assertEquals(invalidate3("k"), reader.readReply());
            // the key is forgotten once invalidated: a second write sends nothing
            writer.call("SET", "k", "w");
            writer.call("HSET", "h", "f", "v");
            assertEquals(invalidate3("h"), reader.readReply());
            assertEquals("+PONG\r\n", reader.call("PING"));
            assertEquals("0", info(writer, "tracking_total_keys"));
        }
    }

    @Test
    void resp2RedirectsToASubscriberOfTheInvalidateChannel() throws Exception {
        try (RespTestClient reader = connect(); RespTestClient sink = connect(); RespTestClient writer = connect()) {
            long sinkId = id(sink);
            sink.call("SUBSCRIBE", "__redis__:invalidate");
            assertEquals("+OK\r\n", reader.call("CLIENT", "TRACKING", "on", "REDIRECT", Long.toString(sinkId)));
            assertEquals(":" + sinkId + "\r\n", reader.call("CLIENT", "GETREDIR"));
            assertTrue(reader.call("CLIENT", "INFO").contains(" redir=" + sinkId + " "));
            reader.call("GET", "k");
            writer.call("DEL", "k");
            writer.call("SET", "k", "1");
            assertEquals("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n", sink.readReply());
            writer.call("FLUSHALL");
            assertEquals("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n", sink.readReply());
        }
    }

    @Test
    void aGoneRedirectTargetIsReportedToTheReader() throws Exception {
        try (RespTestClient reader = connect(); RespTestClient writer = connect()) {
            reader.call("HELLO", "3");
            long targetId;
            try (RespTestClient target = connect()) {
                targetId = id(target);
                reader.call("CLIENT", "TRACKING", "on", "REDIRECT", Long.toString(targetId));
            }
            reader.call("GET", "k");
            // the close is processed on the server's thread: wait until the target is gone
            long giveUp = System.currentTimeMillis() + 5000;
            while (writer.call("CLIENT", "LIST").contains("id=" + targetId + " ") && System.currentTimeMillis() < giveUp) {
                Thread.sleep(1);
            }
            writer.call("SET", "k", "v");
            assertEquals(">2\r\n$21\r\ntracking-redir-broken\r\n:" + targetId + "\r\n", reader.readReply());
            assertTrue(reader.call("CLIENT", "INFO").contains(" flags=tR "));
            assertTrue(reader.call("CLIENT", "TRACKINGINFO").contains("broken_redirect"));
        }
    }

    @Test
    void broadcastWithNoloopSkipsTheClientsOwnWrites() throws Exception {
        try (RespTestClient reader = connect(); RespTestClient writer = connect()) {
            reader.call("HELLO", "3");
            reader.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "u:", "NOLOOP");
            assertEquals("1", info(writer, "tracking_total_prefixes"));
            assertEquals("+OK\r\n", reader.call("SET", "u:1", "mine"));
            writer.call("MSET", "u:2", "x", "other", "y", "u:3", "z");
            assertEquals(invalidate3("u:2", "u:3"), reader.readReply());
            assertEquals("+PONG\r\n", reader.call("PING"));
            reader.call("CLIENT", "TRACKING", "off");
            assertEquals("0", info(writer, "tracking_total_prefixes"));
            assertEquals("0", info(writer, "tracking_clients"));
        }
    }

    @Test
    void anotherClientsPipelineIsBroadcastInOneMessage() throws Exception {
        try (RespTestClient reader = connect(); RespTestClient writer = connect()) {
            reader.call("HELLO", "3");
            reader.call("CLIENT", "TRACKING", "on", "BCAST");
            // one write, so one read on the server: Redis 7.0 sends the turn's keys at once, in byte order
            writer.sendRaw("SET k3 1\r\nSET k1 2\r\nDEL k1\r\nINCR k2\r\n");
            assertEquals("+OK\r\n", writer.readReply());
            assertEquals("+OK\r\n", writer.readReply());
            assertEquals(":1\r\n", writer.readReply());
            assertEquals(":1\r\n", writer.readReply());
            assertEquals(invalidate3("k1", "k2", "k3"), reader.readReply());
            assertEquals("+PONG\r\n", reader.call("PING"));
        }
    }

    @Test
    void expiryInvalidates() throws Exception {
        try (RespTestClient reader = connect(); RespTestClient writer = connect()) {
            reader.call("HELLO", "3");
            reader.call("CLIENT", "TRACKING", "on");
            long deadline = System.currentTimeMillis() + 500;
            writer.call("SET", "k", "v", "PXAT", Long.toString(deadline));
            assertEquals("$1\r\nv\r\n", reader.call("GET", "k"));
            kv.WallClock.awaitPast(deadline);
            assertEquals(":0\r\n", writer.call("EXISTS", "k"));
            assertEquals(invalidate3("k"), reader.readReply());
        }
    }

    @Test
    void theTableLimitEvictsKeysWithInvalidations() throws Exception {
        try (RespTestClient reader = connect(); RespTestClient admin = connect()) {
            admin.call("CONFIG", "SET", "tracking-table-max-keys", "2");
            reader.call("HELLO", "3");
            reader.call("CLIENT", "TRACKING", "on");
            reader.call("GET", "a");
            reader.call("GET", "b");
            assertEquals("_\r\n", reader.call("GET", "c"));
            String pushed = reader.readReply();
            assertTrue(pushed.startsWith(">2\r\n$10\r\ninvalidate\r\n*1\r\n"), pushed);
            assertEquals("2", info(admin, "tracking_total_keys"));
            assertEquals("2", info(admin, "tracking_total_items"));
        }
    }

    @Test
    void lettuceClientSideCacheIsInvalidatedByAnotherConnection() throws Exception {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
        try (StatefulRedisConnection<String, String> cached = client.connect();
                StatefulRedisConnection<String, String> other = client.connect()) {
            other.sync().set("csc", "one");
            Map<String, String> store = new ConcurrentHashMap<>();
            CacheFrontend<String, String> frontend = ClientSideCaching.enable(CacheAccessor.forMap(store), cached,
                    TrackingArgs.Builder.enabled());
            assertEquals("one", frontend.get("csc"));
            assertEquals("one", store.get("csc"));
            other.sync().set("csc", "two");
            long giveUp = System.currentTimeMillis() + 5000;
            while (store.containsKey("csc") && System.currentTimeMillis() < giveUp) {
                Thread.sleep(5);
            }
            assertFalse(store.containsKey("csc"), "the cache entry was not invalidated");
            assertEquals("two", frontend.get("csc"));
            frontend.close();
        } finally {
            client.shutdown();
        }
    }
}
