package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import kv.RespTestClient;
import kv.server.RespServer;
import org.junit.jupiter.api.Test;

/**
 * One publish reaches RESP2 and RESP3 subscribers, of the channel and of a pattern, each in its
 * own protocol's bytes (a message is encoded once per protocol version and shared).
 */
@QuarkusTest
class PublishFanOutTest {
    @Inject
    RespServer server;

    @Test
    void eachSubscriberGetsItsProtocolsBytes() throws Exception {
        try (RespTestClient resp2 = new RespTestClient(server.port()).timeout(5000);
                RespTestClient resp3 = new RespTestClient(server.port()).timeout(5000);
                RespTestClient resp3b = new RespTestClient(server.port()).timeout(5000);
                RespTestClient pattern2 = new RespTestClient(server.port()).timeout(5000);
                RespTestClient publisher = new RespTestClient(server.port()).timeout(5000)) {
            resp2.call("SUBSCRIBE", "fan");
            resp3.call("HELLO", "3");
            resp3.call("SUBSCRIBE", "fan");
            resp3b.call("HELLO", "3");
            resp3b.call("SUBSCRIBE", "fan");
            pattern2.call("PSUBSCRIBE", "f*");
            assertEquals(":4\r\n", publisher.call("PUBLISH", "fan", "hi"));
            assertEquals("*3\r\n$7\r\nmessage\r\n$3\r\nfan\r\n$2\r\nhi\r\n", resp2.readReply());
            assertEquals(">3\r\n$7\r\nmessage\r\n$3\r\nfan\r\n$2\r\nhi\r\n", resp3.readReply());
            assertEquals(">3\r\n$7\r\nmessage\r\n$3\r\nfan\r\n$2\r\nhi\r\n", resp3b.readReply());
            assertEquals("*4\r\n$8\r\npmessage\r\n$2\r\nf*\r\n$3\r\nfan\r\n$2\r\nhi\r\n", pattern2.readReply());
            assertEquals(":4\r\n", publisher.call("PUBLISH", "fan", "again"));
            assertEquals("*3\r\n$7\r\nmessage\r\n$3\r\nfan\r\n$5\r\nagain\r\n", resp2.readReply());
            assertEquals(">3\r\n$7\r\nmessage\r\n$3\r\nfan\r\n$5\r\nagain\r\n", resp3.readReply());
        }
    }
}
