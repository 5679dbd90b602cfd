package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.server.RespServer;

/**
 * A subscriber that never reads is disconnected by client-output-buffer-limit pubsub once its
 * queued messages pass the hard limit: it leaves its channels at once and the server closes its
 * connection, dropping what was queued for it.
 */
@QuarkusTest
class SlowSubscriberTest {
    @Inject
    RespServer server;

    @Test
    void slowSubscriberIsDisconnectedAtTheHardLimit() throws Exception {
        try (RespTestClient admin = new RespTestClient(server.port());
                Socket slow = new Socket("127.0.0.1", server.port())) {
            assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 256kb 60"));
            slow.setReceiveBufferSize(4096);
            OutputStream out = slow.getOutputStream();
            out.write(RespTestClient.encode("SUBSCRIBE", "firehose"));
            out.flush();
            InputStream in = slow.getInputStream();
            byte[] confirmation = new byte[64];
            int n = in.read(confirmation);
            assertTrue(new String(confirmation, 0, n, StandardCharsets.US_ASCII).contains("subscribe"));
            // then it stops reading; 20 MB of messages go to it
            String payload = "x".repeat(10_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int receivers = 1;
            for (int i = 0; i < 2000 && receivers == 1 && System.nanoTime() < deadline; i++) {
                String reply = admin.call("PUBLISH", "firehose", payload);
                receivers = Integer.parseInt(reply.substring(1).trim());
            }
            assertEquals(0, receivers, "the subscriber was dropped before 20 MB were queued for it");
            String clients = admin.call("CLIENT", "LIST", "TYPE", "pubsub");
            assertTrue(!clients.contains("sub=1"), clients);
            long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String all = admin.call("CLIENT", "LIST");
            while (all.contains("cmd=subscribe") && System.nanoTime() < gone) {
                Thread.sleep(20);
                all = admin.call("CLIENT", "LIST");
            }
            assertTrue(!all.contains("cmd=subscribe"), "the server closed the slow subscriber: " + all);
        } finally {
            try (RespTestClient admin = new RespTestClient(server.port())) {
                admin.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 32mb 8mb 60");
            }
        }
    }
}
