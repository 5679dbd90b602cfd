package kv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;

/**
 * The output path seen from clients: a client that does not read shows its unwritten replies in
 * CLIENT LIST (omem) until it reads them; MONITOR pushes arrive complete and in order, at one or
 * many monitors, written once per event-loop turn rather than once per line.
 */
@QuarkusTest
class ClientOutputTest {
    private static final Pattern OUTPUT_FIELDS = Pattern.compile(" rbs=(\\d+) rbp=\\d+ obl=(\\d+) oll=(\\d+) omem=(\\d+) tot-mem=(\\d+) events=(r|rw) ");
    private static final long DEADLINE_MS = 10_000;

    @Inject
    RespServer server;

    private RespTestClient client() throws Exception {
        return new RespTestClient(server.port());
    }

    /** {rbs, obl, oll, omem, tot-mem} of client {@code id}, and whether events shows w. */
    private static long[] output(RespTestClient admin, long id) throws Exception {
        String list = admin.call("CLIENT", "LIST", "ID", Long.toString(id));
        Matcher m = OUTPUT_FIELDS.matcher(list);
        assertTrue(m.find(), list);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), m.group(6).equals("rw") ? 1 : 0};
    }

    private static long integer(String reply) {
        return Long.parseLong(reply.substring(1, reply.length() - 2));
    }

    private static long infoField(RespTestClient c, String name) throws Exception {
        String info = c.call("INFO", "everything");
        int at = info.indexOf("\r\n" + name + ":") + name.length() + 3;
        return Long.parseLong(info.substring(at, info.indexOf('\r', at)));
    }

    @Test
    void unreadRepliesShowAsOmemUntilTheClientReads() throws Exception {
        int valueSize = 100_000;
        int gets = 200;
        try (RespTestClient admin = client(); Socket slow = new Socket()) {
            assertEquals("+OK\r\n", admin.call("SET", "output-test-big", "v".repeat(valueSize)));
            slow.setReceiveBufferSize(4096); // before connect, so the window stays small
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()));
            slow.setSoTimeout(10_000);
            InputStream in = slow.getInputStream();
            slow.getOutputStream().write(RespTestClient.encode("CLIENT", "ID"));
            long id = integer(readLine(in));
            long[] idle = output(admin, id);
            assertEquals(0, idle[1], "obl");
            assertEquals(0, idle[2], "oll");
            assertEquals(0, idle[3], "omem");
            assertEquals(0, idle[5], "events=r");

            ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
            for (int i = 0; i < gets; i++) {
                pipeline.writeBytes(RespTestClient.encode("GET", "output-test-big"));
            }
            slow.getOutputStream().write(pipeline.toByteArray());
            long total = (long) gets * (valueSize + ("$" + valueSize + "\r\n\r\n").length());
            // the kernel takes a few MB at most; the rest waits in KV until the client reads
            long[] stuck = waitFor(admin, id, o -> o[3] > total / 4);
            assertTrue(stuck[2] > 0, "oll");
            assertEquals(1, stuck[5], "events=rw");
            assertTrue(stuck[4] >= stuck[3], "tot-mem covers omem");
            long stuckOutput = stuck[3];
            waitUntil(() -> infoField(admin, "client_recent_max_output_buffer") >= stuckOutput);

            byte[] all = in.readNBytes((int) total);
            assertEquals(total, all.length);
            String head = "$" + valueSize + "\r\nvvv";
            assertEquals(head, new String(all, 0, head.length(), StandardCharsets.US_ASCII));
            long[] drained = waitFor(admin, id, o -> o[1] == 0 && o[2] == 0 && o[3] == 0);
            assertEquals(0, drained[5], "events=r");
            // the cron's record of the last seconds still shows the peak (Redis keeps about eight)
            assertTrue(infoField(admin, "client_recent_max_output_buffer") >= stuckOutput);
            // idle for a second or two, it gives its reply chunk back
            waitFor(admin, id, o -> o[0] == 0 && o[4] == 0);
            admin.call("DEL", "output-test-big");
        }
    }

    private interface Condition {
        boolean holds(long[] output);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void waitUntil(Check check) throws Exception {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (!check.holds()) {
            assertTrue(System.currentTimeMillis() < deadline, "condition not met in time");
            Thread.sleep(20);
        }
    }

    private static long[] waitFor(RespTestClient admin, long id, Condition condition) throws Exception {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        long[] o = output(admin, id);
        while (!condition.holds(o)) {
            assertTrue(System.currentTimeMillis() < deadline, "output stayed at " + java.util.Arrays.toString(o));
            Thread.sleep(20);
            o = output(admin, id);
        }
        return o;
    }

    private static String readLine(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            sb.append((char) c);
            if (c == '\n') {
                return sb.toString();
            }
        }
        throw new java.io.IOException("closed");
    }

    /** SET k<i> <value> for i in [0, n); command {@code big} carries a value longer than a reply chunk. */
    private static byte[] setPipeline(String prefix, int n, int big, String bigValue) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            b.writeBytes(RespTestClient.encode("SET", prefix + i, i == big ? bigValue : Integer.toString(i)));
        }
        return b.toByteArray();
    }

    private static void deleteKeys(RespTestClient c, String prefix, int n) throws Exception {
        String[] del = new String[n + 1];
        del[0] = "DEL";
        for (int i = 0; i < n; i++) {
            del[i + 1] = prefix + i;
        }
        assertEquals(":" + n + "\r\n", c.call(del));
    }

    /** Reads MONITOR lines until {@code n} SETs of keys starting with {@code prefix}; checks they come in order. */
    private static void expectSetsInOrder(RespTestClient monitor, String prefix, int n, int big, String bigValue) throws Exception {
        int next = 0;
        while (next < n) {
            String line = monitor.readReply();
            int at = line.indexOf("\"SET\" \"" + prefix);
            if (at < 0) {
                continue; // another command (INFO, CLIENT LIST) of this test
            }
            String value = next == big ? bigValue : Integer.toString(next);
            String want = "\"SET\" \"" + prefix + next + "\" \"" + value + "\"\r\n";
            assertEquals(want, line.substring(at), "line " + next);
            next++;
        }
    }

    @Test
    void monitorGetsEveryCommandOfALongPipelineInOrderWithFewWrites() throws Exception {
        int n = 5000;
        String bigValue = "b".repeat(40_000);
        try (RespTestClient monitor = client(); RespTestClient pusher = client(); RespTestClient admin = client()) {
            assertEquals("+OK\r\n", monitor.call("MONITOR"));
            long writesBefore = infoField(admin, "total_writes_processed");
            pusher.send(setPipeline("mon-order:", n, n / 2, bigValue));
            for (int i = 0; i < n; i++) {
                assertEquals("+OK\r\n", pusher.readReply());
            }
            long writes = infoField(admin, "total_writes_processed") - writesBefore;
            // one write per read batch of the pusher and one per loop turn for the monitor, not one per line
            assertTrue(writes < n / 10, "writes: " + writes);
            expectSetsInOrder(monitor, "mon-order:", n, n / 2, bigValue);
            deleteKeys(pusher, "mon-order:", n);
        }
    }

    @Test
    void onePusherManyMonitors() throws Exception {
        int monitors = 4;
        int n = 2000;
        String bigValue = "c".repeat(20_000);
        List<RespTestClient> watching = new ArrayList<>();
        try (RespTestClient pusher = client()) {
            for (int i = 0; i < monitors; i++) {
                RespTestClient m = client();
                watching.add(m);
                assertEquals("+OK\r\n", m.call("MONITOR"));
            }
            pusher.send(setPipeline("fanout:", n, 7, bigValue));
            for (int i = 0; i < n; i++) {
                assertEquals("+OK\r\n", pusher.readReply());
            }
            for (RespTestClient m : watching) {
                expectSetsInOrder(m, "fanout:", n, 7, bigValue);
            }
            // a monitor that leaves takes its buffers with it; the others keep getting lines
            watching.remove(0).close();
            assertEquals("+OK\r\n", pusher.call("SET", "fanout:after", "x"));
            for (RespTestClient m : watching) {
                String line = m.readReply();
                assertTrue(line.endsWith("\"SET\" \"fanout:after\" \"x\"\r\n"), line);
            }
            deleteKeys(pusher, "fanout:", n);
            pusher.call("DEL", "fanout:after");
        } finally {
            for (RespTestClient m : watching) {
                m.close();
            }
        }
    }
}
