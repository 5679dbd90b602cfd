package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import kv.server.RespServer;

/** Lettuce, unchanged, over RESP3 (its default: it starts with HELLO 3) and RESP2. */
@QuarkusTest
class LettuceCompatibilityTest {
    @Inject
    RespServer server;

    private RedisClient client(ProtocolVersion version) {
        RedisClient c = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(server.port()).withDatabase(5).build());
        c.setOptions(ClientOptions.builder().protocolVersion(version).build());
        return c;
    }

    @Test
    void syncCommandsOverBothProtocols() {
        for (ProtocolVersion version : List.of(ProtocolVersion.RESP3, ProtocolVersion.RESP2)) {
            RedisClient client = client(version);
            try (StatefulRedisConnection<String, String> conn = client.connect()) {
                RedisCommands<String, String> r = conn.sync();
                r.flushdb();
                assertEquals("OK", r.set("lettuce:k", "v"));
                assertEquals("v", r.get("lettuce:k"));
                assertNull(r.get("lettuce:none"));
                assertNull(r.set("lettuce:k", "w", SetArgs.Builder.nx()));
                assertEquals("OK", r.set("lettuce:t", "x", SetArgs.Builder.ex(50)));
                assertEquals(50L, r.ttl("lettuce:t"));
                assertEquals(3L, r.incrby("lettuce:n", 3));
                assertEquals(3.25, r.incrbyfloat("lettuce:n", 0.25));
                assertEquals(2L, r.exists("lettuce:k", "lettuce:t"));
                assertEquals("string", r.type("lettuce:k"));
                assertEquals(List.of("v", "x"), List.of(r.mget("lettuce:k", "lettuce:t").get(0).getValue(), r.mget("lettuce:t").get(0).getValue()));
                RedisCommandExecutionException e = assertThrows(RedisCommandExecutionException.class, () -> r.incr("lettuce:k"));
                assertEquals("ERR value is not an integer or out of range", e.getMessage());
                assertEquals(3L, r.dbsize());
                Set<String> seen = new HashSet<>();
                ScanCursor cursor = ScanCursor.INITIAL;
                do {
                    KeyScanCursor<String> page = r.scan(cursor, ScanArgs.Builder.limit(1).match("lettuce:*"));
                    seen.addAll(page.getKeys());
                    cursor = page;
                } while (!cursor.isFinished());
                assertEquals(Set.of("lettuce:k", "lettuce:t", "lettuce:n"), seen);
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void asyncPipelining() throws Exception {
        RedisClient client = client(ProtocolVersion.RESP3);
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisAsyncCommands<String, String> a = conn.async();
            conn.setAutoFlushCommands(false);
            List<RedisFuture<?>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                futures.add(a.set("async:" + i, Integer.toString(i)));
            }
            RedisFuture<String> last = a.get("async:999");
            conn.flushCommands();
            for (RedisFuture<?> f : futures) {
                assertEquals("OK", f.get(10, TimeUnit.SECONDS));
            }
            assertEquals("999", last.get(10, TimeUnit.SECONDS));
            conn.setAutoFlushCommands(true);
            assertTrue(a.ping().get(10, TimeUnit.SECONDS).equals("PONG"));
        } finally {
            client.shutdown();
        }
    }
}
