package kv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;

/** maxclients and timeout, changed at runtime with CONFIG SET as operators do. */
@QuarkusTest
class ConnectionLimitsTest {
    @Inject
    RespServer server;

    private RespTestClient client() throws Exception {
        return new RespTestClient(server.port());
    }

    private static int connectedClients(RespTestClient c) throws Exception {
        String info = c.call("INFO", "clients");
        int at = info.indexOf("connected_clients:") + "connected_clients:".length();
        return Integer.parseInt(info.substring(at, info.indexOf('\r', at)));
    }

    @Test
    void connectionsBeyondMaxclientsAreRefusedWithRedisError() throws Exception {
        try (RespTestClient admin = client()) {
            int connected = connectedClients(admin);
            assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "maxclients", Integer.toString(connected + 1)));
            try (RespTestClient allowed = client(); RespTestClient refused = client()) {
                assertEquals("+PONG\r\n", allowed.call("PING"));
                assertEquals("-ERR max number of clients reached\r\n", refused.readReply());
                assertTrue(refused.isClosedByServer());
            } finally {
                assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "maxclients", "10000"));
            }
            assertTrue(admin.call("INFO", "stats").contains("rejected_connections:"));
        }
    }

    @Test
    void idleClientsAreClosedAfterTimeout() throws Exception {
        try (RespTestClient admin = client()) {
            assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "timeout", "1"));
        }
        try (RespTestClient idle = client()) {
            assertEquals("+PONG\r\n", idle.call("PING"));
            // closed by the cron once idle for more than a second (the read times out after 10 s)
            assertTrue(idle.isClosedByServer());
        } finally {
            try (RespTestClient admin = client()) {
                assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "timeout", "0"));
            }
        }
    }
}
