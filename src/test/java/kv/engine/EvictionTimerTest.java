package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import kv.command.Commands;
import kv.config.ServerConfig;
import kv.protocol.DiscardingReply;

/**
 * maxmemory-eviction-tenacity bounds one eviction pass: at 0 a pass stops after its first 16
 * keys, the command still runs (Redis' EVICT_RUNNING is not a refusal), and timer passes on the
 * loop finish the job between commands.
 */
class EvictionTimerTest {
    private final ManualLifecycle host = new ManualLifecycle();
    private final Server server = new Server(ServerConfig.defaults(), host, Commands::registerAll);
    private final Client client = DetachedTransport.client(server, "test");

    private void call(String... args) {
        byte[][] argv = EngineHarness.argv(args);
        server.dispatcher().execute(client, argv, new DiscardingReply(2));
    }

    @Test
    void aBoundedPassLeavesTheRestToTimers() {
        String value = "z".repeat(1000);
        for (int i = 0; i < 5000; i++) {
            call("SET", "k" + i, value);
        }
        call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        call("CONFIG", "SET", "maxmemory-eviction-tenacity", "0");
        call("CONFIG", "SET", "maxmemory", "2mb");
        // CONFIG SET itself ran after a first pass of 16 keys; the SET below runs after another
        long keysBefore = server.keyspace().keyCount();
        call("SET", "new", "v");
        assertTrue(server.keyspace().keyCount() >= keysBefore - 16, "one pass evicts at most 16 keys at tenacity 0");
        assertEquals(1, server.keyspace().db(0).exists("new".getBytes(StandardCharsets.UTF_8)) ? 1 : 0,
                "the command ran while eviction was still running");
        assertTrue(server.usedMemory() > 2L << 20, "still over the limit after the command");
        assertEquals(1, host.pendingTimers(), "one timer continues the work");
        int passes = 0;
        while (passes < 10_000 && host.runOldestTimer()) {
            passes++;
        }
        assertTrue(passes > 100, "many short passes: " + passes);
        assertTrue(server.usedMemory() <= 2L << 20, "under the limit at last: " + server.usedMemory());
        assertEquals(Eviction.Result.OK, server.performEvictions());
    }
}
