package kv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ResourceLeakDetector;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import kv.LogCapture;
import kv.RespTestClient;

/**
 * Input that arrives behind a paused or blocked command is kept in a copy and replayed when the
 * client may go on: the replies come in order, and the copy is released (Netty's paranoid leak
 * detection reports it otherwise).
 */
@QuarkusTest
class HeldInputTest {
    @Inject
    RespServer server;

    @Test
    void inputBehindAPausedWriteIsReplayedAndReleased() throws Exception {
        withLeakDetection(() -> {
            try (RespTestClient admin = new RespTestClient(server.port()); RespTestClient c = new RespTestClient(server.port())) {
                String id = c.call("CLIENT", "ID").substring(1).trim();
                assertEquals("+OK\r\n", admin.call("CLIENT", "PAUSE", "60000", "WRITE"));
                try {
                    c.send(pipeline(RespTestClient.encode("SET", "held:k", "v"), RespTestClient.encode("GET", "held:k")));
                    awaitUntil(admin, a -> a.call("CLIENT", "LIST", "ID", id).contains(" cmd=set "), "the SET is held by the pause");
                } finally {
                    assertEquals("+OK\r\n", admin.call("CLIENT", "UNPAUSE"));
                }
                assertEquals("+OK\r\n", c.readReply());
                assertEquals("$1\r\nv\r\n", c.readReply());
                assertEquals(":1\r\n", admin.call("DEL", "held:k"));
            }
        });
    }

    @Test
    void inputBehindABlockedPopIsReplayedAndReleased() throws Exception {
        withLeakDetection(() -> {
            try (RespTestClient admin = new RespTestClient(server.port()); RespTestClient c = new RespTestClient(server.port())) {
                c.send(pipeline(RespTestClient.encode("BLPOP", "held:list", "0"), RespTestClient.encode("PING")));
                awaitUntil(admin, a -> a.call("INFO", "clients").contains("blocked_clients:1\r\n"), "the BLPOP blocks");
                assertEquals(":1\r\n", admin.call("LPUSH", "held:list", "x"));
                assertEquals("*2\r\n$9\r\nheld:list\r\n$1\r\nx\r\n", c.readReply());
                assertEquals("+PONG\r\n", c.readReply());
            }
        });
    }

    private interface Body {
        void run() throws Exception;
    }

    private interface Check {
        boolean test(RespTestClient admin) throws IOException;
    }

    private void withLeakDetection(Body body) throws Exception {
        // answered only once the engine has finished starting on the event loop, whose blocked-thread
        // warning a loaded machine may trigger: the capture starts after it
        try (RespTestClient first = new RespTestClient(server.port())) {
            assertEquals("+PONG\r\n", first.call("PING"));
        }
        LogCapture log = LogCapture.install();
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try {
            body.run();
            try (RespTestClient probe = new RespTestClient(server.port())) {
                LogCapture.provokeLeakReports(probe);
            }
            assertEquals(List.of(), log.problems());
        } finally {
            ResourceLeakDetector.setLevel(level);
            log.remove();
        }
    }

    private static void awaitUntil(RespTestClient admin, Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!check.test(admin)) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(5);
        }
    }

    private static byte[] pipeline(byte[]... commands) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] c : commands) {
            b.writeBytes(c);
        }
        return b.toByteArray();
    }
}
