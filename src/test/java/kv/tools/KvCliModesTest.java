package kv.tools;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import kv.ReferenceRedis;
import kv.RespTestClient;

/** kv-cli's modes next to redis-cli's, both against a reference redis-server 7.0. */
class KvCliModesTest {
    static ReferenceRedis redis;
    static CliModeChecks checks;

    @BeforeAll
    static void start() throws Exception {
        redis = ReferenceRedis.startOrSkip("--maxmemory-policy", "allkeys-lfu");
        checks = new CliModeChecks(redis.port(), 0);
        checks.fillKeyspace();
    }

    @AfterAll
    static void stop() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void bigKeysAndMemKeys() throws Exception {
        checks.assertSameAsRedisCli("--bigkeys");
        checks.assertSameAsRedisCli("--bigkeys", "-i", "0.01");
        checks.assertSameAsRedisCli("--memkeys");
        checks.assertSameAsRedisCli("--memkeys-samples", "2");
    }

    @Test
    void hotKeysWithAndWithoutLfu() throws Exception {
        checks.assertSameAsRedisCli("--hotkeys");
        checks.config("maxmemory-policy", "allkeys-lru");
        try {
            checks.assertSameAsRedisCli("--hotkeys");
        } finally {
            checks.config("maxmemory-policy", "allkeys-lfu");
        }
    }

    /** redis-cli's summary order changes over the first two keys (see BigKeysMode). */
    @Test
    void bigKeysOfTinyKeyspaces() throws Exception {
        CliModeChecks tiny = new CliModeChecks(redis.port(), 1);
        for (int keys = 0; keys <= 2; keys++) {
            tiny.smallKeyspace(keys);
            tiny.assertSameAsRedisCli("--bigkeys");
            tiny.assertSameAsRedisCli("--memkeys");
        }
    }

    @Test
    void stat() throws Exception {
        checks.assertStatLikeRedisCli();
    }

    @Test
    void latency() throws Exception {
        checks.assertLatencyLikeRedisCli();
        checks.assertLatencyAtTerminalLikeRedisCli();
        checks.assertLatencyDistLikeRedisCli();
    }

    @Test
    void errorReplies() throws Exception {
        checks.config("requirepass", "pw");
        try {
            for (String mode : new String[] {"--bigkeys", "--memkeys", "--hotkeys", "--stat"}) {
                checks.assertSameAsRedisCli(mode); // NOAUTH from the first command
            }
        } finally {
            try (RespTestClient c = new RespTestClient(redis.port())) {
                c.call("AUTH", "pw");
                c.call("CONFIG", "SET", "requirepass", "");
            }
        }
    }

    @Test
    void noServer() throws Exception {
        for (String mode : new String[] {"--bigkeys", "--memkeys", "--hotkeys", "--stat", "--latency", "--latency-history", "--latency-dist"}) {
            new CliModeChecks(CliModeChecks.closedPort(), 0).assertSameAsRedisCli(mode);
        }
    }
}
