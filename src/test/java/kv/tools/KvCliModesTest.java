package kv.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** Ctrl-C (an interrupt, from KvCli.main's shutdown hook) ends the scan with a partial summary. */
    @Test
    void interruptedScanSummarisesWhatItSampled() throws Exception {
        CliModeChecks.Result[] result = new CliModeChecks.Result[1];
        Thread t = new Thread(() -> {
            Thread.currentThread().interrupt();
            result[0] = checks.kvCli("--bigkeys");
        });
        t.start();
        t.join();
        String out = result[0].out();
        // the first SCAN batch only (some of the 37 keys), and the progress before that batch
        Matcher m = Pattern.compile("\n-------- summary -------\n\n\\[00\\.00%\\] Sampled ([0-9]+) keys in the keyspace!\n").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Integer.parseInt(m.group(1)) < 37, out);
        assertEquals(0, result[0].status());
    }

    @Test
    void noServer() throws Exception {
        for (String mode : new String[] {"--bigkeys", "--memkeys", "--hotkeys", "--stat", "--latency", "--latency-history", "--latency-dist"}) {
            new CliModeChecks(CliModeChecks.closedPort(), 0).assertSameAsRedisCli(mode);
        }
    }
}
