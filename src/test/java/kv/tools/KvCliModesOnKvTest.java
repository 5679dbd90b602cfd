package kv.tools;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.server.RespServer;

/** kv-cli's modes next to redis-cli's, both against KV (db 9, emptied first). */
@QuarkusTest
class KvCliModesOnKvTest {
    private static final int DB = 9;

    @Inject
    RespServer server;

    @Test
    void scansLikeRedisCli() throws Exception {
        CliModeChecks checks = new CliModeChecks(server.port(), DB);
        checks.fillKeyspace();
        checks.assertSameAsRedisCli("--bigkeys");
        checks.assertSameAsRedisCli("--memkeys");
        checks.assertSameAsRedisCli("--memkeys-samples", "2");
        String policy = policy();
        checks.config("maxmemory-policy", "noeviction");
        checks.assertSameAsRedisCli("--hotkeys"); // KV's error, redis-cli's handling of it
        checks.config("maxmemory-policy", "allkeys-lfu");
        try {
            checks.fillKeyspace(); // fresh keys: LFU counters exist from creation on
            checks.assertSameAsRedisCli("--hotkeys");
        } finally {
            checks.config("maxmemory-policy", policy);
        }
    }

    /** redis-cli's summary order changes over the first two keys (see BigKeysMode). */
    @Test
    void bigKeysOfTinyKeyspaces() throws Exception {
        CliModeChecks tiny = new CliModeChecks(server.port(), DB + 1);
        for (int keys = 0; keys <= 2; keys++) {
            tiny.smallKeyspace(keys);
            tiny.assertSameAsRedisCli("--bigkeys");
            tiny.assertSameAsRedisCli("--memkeys");
        }
    }

    @Test
    void statAndLatencyLikeRedisCli() throws Exception {
        CliModeChecks checks = new CliModeChecks(server.port(), DB);
        checks.assertStatLikeRedisCli();
        checks.assertLatencyLikeRedisCli();
        checks.assertLatencyAtTerminalLikeRedisCli();
        checks.assertLatencyDistLikeRedisCli();
    }

    private String policy() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            String reply = c.call("CONFIG", "GET", "maxmemory-policy"); // *2 $16 maxmemory-policy $N value
            String[] parts = reply.split("\r\n");
            return parts[parts.length - 1];
        }
    }
}
