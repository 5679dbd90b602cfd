package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import kv.ReferenceRedis;
import kv.RespTestClient;
import kv.server.RespServer;

/**
 * INFO's figures for pub/sub, scripts, functions, WATCH and failed AUTH count what the server
 * holds: the same session played on redis-server 7.0.15 and on KV gives the same counts (the
 * 7.2-only fields, which the 7.0 oracle lacks, are checked against the session itself).
 */
@QuarkusTest
class InfoFiguresTest {
    private static final List<String> COMPARED = List.of("pubsub_channels", "pubsub_patterns", "pubsubshard_channels",
            "number_of_cached_scripts", "number_of_functions", "number_of_libraries");

    @Inject
    RespServer kv;

    @Test
    void countsFollowTheSession() throws Exception {
        Map<String, String> kvFigures = playSession(kv.port());
        try (ReferenceRedis redis = ReferenceRedis.startOrSkip()) {
            Map<String, String> redisFigures = playSession(redis.port());
            for (String field : COMPARED) {
                assertEquals(redisFigures.get(field), kvFigures.get(field), field);
            }
        }
        assertEquals("4", kvFigures.get("pubsub_clients"));
        assertEquals("2", kvFigures.get("watching_clients"));
        assertEquals("4", kvFigures.get("total_watched_keys"), "k1, k2, k3 in db 0 and k1 in db 1");
        assertEquals("2", kvFigures.get("acl_access_denied_auth"));
        assertTrue(Long.parseLong(kvFigures.get("used_memory_scripts_eval")) > "return 1return 2".length());
        assertTrue(Long.parseLong(kvFigures.get("used_memory_functions")) > 0);
        assertEquals(Long.parseLong(kvFigures.get("used_memory_scripts_eval")) + Long.parseLong(kvFigures.get("used_memory_functions")),
                Long.parseLong(kvFigures.get("used_memory_scripts")));
    }

    /** Subscribers, watchers, two cached scripts, two libraries of three functions, two refused AUTHs; INFO while they hold. */
    private static Map<String, String> playSession(int port) throws Exception {
        List<RespTestClient> held = new ArrayList<>();
        try (RespTestClient admin = new RespTestClient(port)) {
            admin.call("SCRIPT", "FLUSH");
            admin.call("FUNCTION", "FLUSH");
            admin.call("CONFIG", "RESETSTAT");
            held.add(holding(port, "SUBSCRIBE", "ch1", "ch2"));
            held.add(holding(port, "PSUBSCRIBE", "p*"));
            held.add(holding(port, "SSUBSCRIBE", "sh1"));
            held.add(holding(port, "SUBSCRIBE", "ch1"));
            RespTestClient w1 = holding(port, "WATCH", "k1", "k2", "k3");
            held.add(w1);
            RespTestClient w2 = holding(port, "WATCH", "k1");
            held.add(w2);
            w2.call("SELECT", "1");
            w2.call("WATCH", "k1");
            admin.call("SCRIPT", "LOAD", "return 1");
            admin.call("EVAL", "return 2", "0");
            admin.call("SCRIPT", "LOAD", "return 1");
            admin.call("FUNCTION", "LOAD", "#!lua name=infolib1\nredis.register_function('f1', function() return 1 end)\n"
                    + "redis.register_function('f2', function() return 2 end)");
            admin.call("FUNCTION", "LOAD", "#!lua name=infolib2\nredis.register_function('g1', function() return 1 end)");
            assertTrue(admin.call("AUTH", "nobody", "wrong").startsWith("-WRONGPASS"));
            assertTrue(admin.call("HELLO", "2", "AUTH", "nobody", "wrong").startsWith("-WRONGPASS"));
            Map<String, String> figures = new HashMap<>();
            for (String section : List.of("clients", "memory", "stats")) {
                for (String line : admin.call("INFO", section).split("\r\n")) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        figures.put(line.substring(0, colon), line.substring(colon + 1));
                    }
                }
            }
            admin.call("SCRIPT", "FLUSH");
            admin.call("FUNCTION", "FLUSH");
            return figures;
        } finally {
            for (RespTestClient c : held) {
                c.close();
            }
        }
    }

    private static RespTestClient holding(int port, String... command) throws Exception {
        RespTestClient c = new RespTestClient(port);
        c.send(RespTestClient.encode(command));
        c.readReply(); // the first subscription's confirmation, or WATCH's OK
        return c;
    }
}
