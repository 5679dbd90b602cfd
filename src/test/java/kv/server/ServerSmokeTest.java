package kv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;

@QuarkusTest
class ServerSmokeTest {
    @Inject
    RespServer server;

    @Test
    void answersPingAndStoresStrings() throws Exception {
        assertTrue(server.port() > 0);
        try (RespTestClient c = new RespTestClient(server.port())) {
            assertEquals("+PONG\r\n", c.call("PING"));
            assertEquals("+OK\r\n", c.call("SET", "smoke", "v"));
            assertEquals("$1\r\nv\r\n", c.call("GET", "smoke"));
            assertEquals("-ERR unknown command 'nope', with args beginning with: 'a' \r\n", c.call("nope", "a"));
        }
    }
}
