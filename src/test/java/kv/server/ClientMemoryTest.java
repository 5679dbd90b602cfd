package kv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;

/**
 * What clients hold counts in used_memory: a half-sent big request (qbuf) and a MULTI queue
 * (multi-mem) show in CLIENT LIST and in INFO's mem_clients_normal, and leave with the client.
 * A big request shows in INFO's client_recent_max_input_buffer for some seconds after it ran.
 */
@QuarkusTest
class ClientMemoryTest {
    private static final Pattern FIELDS = Pattern.compile(" qbuf=(\\d+) .* multi-mem=(\\d+) ");
    private static final long DEADLINE_MS = 10_000;

    @Inject
    RespServer server;

    private static long infoField(RespTestClient c, String name) throws Exception {
        String info = c.call("INFO", "everything");
        int at = info.indexOf("\r\n" + name + ":") + name.length() + 3;
        return Long.parseLong(info.substring(at, info.indexOf('\r', at)));
    }

    private static long[] fields(RespTestClient admin, String id) throws Exception {
        String list = admin.call("CLIENT", "LIST", "ID", id);
        Matcher m = FIELDS.matcher(list);
        assertTrue(m.find(), list);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    private static String id(RespTestClient c) throws Exception {
        String r = c.call("CLIENT", "ID");
        return r.substring(1, r.length() - 2);
    }

    @Test
    void partialRequestsAndMultiQueuesAreCounted() throws Exception {
        try (RespTestClient admin = new RespTestClient(server.port());
                RespTestClient big = new RespTestClient(server.port());
                RespTestClient multi = new RespTestClient(server.port())) {
            long before = infoField(admin, "mem_clients_normal");
            String bigId = id(big);
            big.sendRaw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n" + "x".repeat(1_500_000));
            long deadline = System.currentTimeMillis() + DEADLINE_MS;
            while (fields(admin, bigId)[0] < 1_500_000 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(fields(admin, bigId)[0] >= 1_500_000, "qbuf holds the partial value");
            assertTrue(infoField(admin, "mem_clients_normal") >= before + 1_500_000);

            String multiId = id(multi);
            multi.call("MULTI");
            for (int i = 0; i < 100; i++) {
                assertEquals("+QUEUED\r\n", multi.call("SET", "key" + i, "y".repeat(1000)));
            }
            assertTrue(fields(admin, multiId)[1] >= 100_000, "multi-mem counts the queue");
            multi.call("DISCARD");
            assertEquals(0, fields(admin, multiId)[1]);

            big.sendRaw("x".repeat(500_000) + "\r\n");
            assertEquals("+OK\r\n", big.readReply());
            assertEquals(0, fields(admin, bigId)[0], "the request ran: nothing pending");
        }
    }

    @Test
    void aBigArgumentShowsAsTheRecentMaxInputBuffer() throws Exception {
        try (RespTestClient admin = new RespTestClient(server.port()); RespTestClient big = new RespTestClient(server.port())) {
            // sent and run in one go: only the cron's record of the request's size can show it afterwards
            assertEquals("+OK\r\n", big.call("SET", "recent-max-input", "x".repeat(120_000)));
            assertEquals(0, fields(admin, id(big))[0], "nothing pending");
            long request = "SET".length() + "recent-max-input".length() + 120_000;
            long deadline = System.currentTimeMillis() + DEADLINE_MS;
            while (infoField(admin, "client_recent_max_input_buffer") < request && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(infoField(admin, "client_recent_max_input_buffer") >= request);
            admin.call("DEL", "recent-max-input");
        }
    }
}
