package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import kv.RespTestClient;
import kv.WallClock;
import kv.server.RespServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keyspace notifications the corpus cannot show on one connection: events of a blocked client
 * served by another client's push, and hash fields expiring (Redis 7.4+'s "hexpired").
 */
@QuarkusTest
class KeyspaceNotificationsTest {
    @Inject
    RespServer server;

    private RespTestClient admin;
    private RespTestClient subscriber;

    @BeforeEach
    void subscribe() throws Exception {
        admin = new RespTestClient(server.port()).timeout(5000);
        admin.call("FLUSHALL");
        admin.call("CONFIG", "SET", "notify-keyspace-events", "Eghlx");
        subscriber = new RespTestClient(server.port()).timeout(5000);
        subscriber.call("PSUBSCRIBE", "__keyevent@0__:*");
    }

    @AfterEach
    void restore() throws Exception {
        admin.call("CONFIG", "SET", "notify-keyspace-events", "");
        subscriber.close();
        admin.close();
    }

    /** The next {@code n} events as "event key". */
    private List<String> events(int n) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] parts = subscriber.readReply().split("\r\n");
            out.add(parts[6].substring("__keyevent@0__:".length()) + " " + parts[8]);
        }
        return out;
    }

    @Test
    void aBlockedPopServedByAPushReportsBothInOrder() throws Exception {
        try (RespTestClient blocked = new RespTestClient(server.port()).timeout(5000)) {
            blocked.send(RespTestClient.encode("BLPOP", "q", "0"));
            // the BLPOP is parked once the server has answered a later command of another client
            long giveUp = System.currentTimeMillis() + 5000;
            while (!admin.call("INFO", "clients").contains("blocked_clients:1") && System.currentTimeMillis() < giveUp) {
                Thread.sleep(1);
            }
            admin.call("RPUSH", "q", "job");
            assertEquals("*2\r\n$1\r\nq\r\n$3\r\njob\r\n", blocked.readReply());
            assertEquals(List.of("rpush q", "lpop q", "del q"), events(3));
        }
    }

    @Test
    void hashFieldsThatExpireReportHexpiredThenDel() throws Exception {
        admin.call("HSET", "h", "f", "1", "g", "2");
        long at = System.currentTimeMillis() + 500;
        admin.call("HPEXPIREAT", "h", Long.toString(at), "FIELDS", "1", "f");
        assertEquals(List.of("hset h", "hexpire h"), events(2));
        WallClock.awaitPast(at);
        assertEquals("$-1\r\n", admin.call("HGET", "h", "f"));
        assertEquals(List.of("hexpired h"), events(1));
        long later = System.currentTimeMillis() + 500;
        admin.call("HPEXPIREAT", "h", Long.toString(later), "FIELDS", "1", "g");
        WallClock.awaitPast(later);
        assertEquals(":0\r\n", admin.call("HLEN", "h"));
        assertEquals(List.of("hexpire h", "hexpired h", "del h"), events(3));
    }
}
