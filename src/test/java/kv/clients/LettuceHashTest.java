package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import kv.server.RespServer;

/** Lettuce's hash API over RESP3 (HGETALL as a map, HRANDFIELD pairs) and RESP2. */
@QuarkusTest
class LettuceHashTest {
    @Inject
    RespServer server;

    @Test
    void hashesOverBothProtocols() {
        for (ProtocolVersion version : List.of(ProtocolVersion.RESP3, ProtocolVersion.RESP2)) {
            RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(server.port()).withDatabase(6).build());
            client.setOptions(ClientOptions.builder().protocolVersion(version).build());
            try (StatefulRedisConnection<String, String> conn = client.connect()) {
                RedisCommands<String, String> r = conn.sync();
                r.flushdb();
                Map<String, String> m = new HashMap<>();
                for (int i = 0; i < 700; i++) {
                    m.put("f" + i, "v" + i);
                }
                assertEquals(700L, r.hset("h", m));
                assertEquals(m, r.hgetall("h"));
                assertEquals(Map.of(), r.hgetall("none"));
                assertEquals(1L, r.hincrby("h", "counter", 1));
                assertEquals(1.5, r.hincrbyfloat("h", "x", 1.5));
                List<KeyValue<String, String>> pairs = r.hrandfieldWithvalues("h", -5);
                assertEquals(5, pairs.size());
                for (KeyValue<String, String> kv : pairs) {
                    assertTrue(kv.getKey().equals("counter") || kv.getKey().equals("x") || m.get(kv.getKey()).equals(kv.getValue()), kv.toString());
                }
                Map<String, String> seen = new HashMap<>();
                ScanCursor cursor = ScanCursor.INITIAL;
                do {
                    MapScanCursor<String, String> page = r.hscan("h", cursor, ScanArgs.Builder.limit(100));
                    seen.putAll(page.getMap());
                    cursor = page;
                } while (!cursor.isFinished());
                assertEquals(702, seen.size());
                assertEquals("hashtable", r.objectEncoding("h"));
            } finally {
                client.shutdown();
            }
        }
    }
}
