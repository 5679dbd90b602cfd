package kv.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.server.RespServer;

/**
 * SCRIPT DEBUG: there is no Lua debugger, so YES and SYNC are refused (Redis would answer OK and
 * debug the next script); NO is accepted; a pipeline is refused as Redis refuses it.
 */
@QuarkusTest
class ScriptDebugTest {
    private static final String NO_DEBUGGER = "-ERR SCRIPT DEBUG YES/SYNC is not supported: this server has no Lua debugger\r\n";

    @Inject
    RespServer server;

    @Test
    void yesAndSyncAreRefusedNoIsAccepted() throws IOException {
        try (RespTestClient c = new RespTestClient(server.port())) {
            assertEquals(NO_DEBUGGER, c.call("SCRIPT", "DEBUG", "YES"));
            assertEquals(NO_DEBUGGER, c.call("SCRIPT", "DEBUG", "sync"));
            assertEquals("+OK\r\n", c.call("SCRIPT", "DEBUG", "NO"));
            assertEquals(":1\r\n", c.call("EVAL", "return 1", "0"));
        }
    }

    /** Recorded from redis-server 7.0.15: behind a reply not yet sent, SCRIPT DEBUG is refused. */
    @Test
    void behindOtherCommandsOfAPipelineItIsRefused() throws IOException {
        try (RespTestClient c = new RespTestClient(server.port())) {
            byte[] ping = RespTestClient.encode("PING");
            byte[] debug = RespTestClient.encode("SCRIPT", "DEBUG", "NO");
            byte[] both = java.util.Arrays.copyOf(ping, ping.length + debug.length);
            System.arraycopy(debug, 0, both, ping.length, debug.length);
            c.send(both);
            assertEquals("+PONG\r\n", c.readReply());
            assertEquals("-ERR SCRIPT DEBUG must be called outside a pipeline\r\n", c.readReply());
        }
    }
}
