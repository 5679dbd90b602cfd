package kv.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * maxmemory acceptance in a separate small JVM (the packaged server, -Xmx256m, maxmemory 32mb):
 * filled far beyond the limit under each policy it keeps serving, used_memory stays under the
 * limit, and the right keys go. A second JVM with a tiny MaxRAM and a maxmemory larger than its
 * heap is filled past its heap and survives.
 */
class MaxmemoryIT {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final long MAXMEMORY = 32L << 20;
    /** Redis' slack: a command may push used memory over the limit by what it adds itself. */
    private static final long SLACK = 1L << 20;
    private static final String VALUE = "v".repeat(500);

    private static Process server;
    private static int port;
    private Conn c;

    @BeforeAll
    static void start() throws Exception {
        port = freePort();
        server = start("-Xmx256m", "--port", Integer.toString(port), "--maxmemory", "32mb");
    }

    @AfterAll
    static void stop() {
        server.destroyForcibly();
    }

    @BeforeEach
    void clean() throws Exception {
        c = Conn.open(port, server);
        c.call("FLUSHALL");
        c.call("CONFIG", "SET", "maxmemory", "32mb");
    }

    private static Process start(String heap, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-XX:+ExitOnOutOfMemoryError", "-Dquarkus.management.port=0", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private long info(String field) throws IOException {
        String info = c.call("INFO", "everything");
        int at = info.indexOf("\r\n" + field + ":");
        return Long.parseLong(info.substring(at + field.length() + 3, info.indexOf("\r\n", at + 2)));
    }

    /** SETs {@code count} keys {@code prefix<i>} (with a TTL of {@code ttlSeconds} if positive), pipelined. */
    private List<String> fill(String prefix, int count, int ttlSeconds) throws IOException {
        List<String[]> cmds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            cmds.add(ttlSeconds > 0 ? new String[] {"SET", prefix + i, VALUE, "EX", Integer.toString(ttlSeconds)}
                    : new String[] {"SET", prefix + i, VALUE});
        }
        return c.pipeline(cmds);
    }

    private int surviving(String prefix, int count) throws IOException {
        List<String[]> cmds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            cmds.add(new String[] {"EXISTS", prefix + i});
        }
        int n = 0;
        for (String r : c.pipeline(cmds)) {
            n += r.equals(":1\r\n") ? 1 : 0;
        }
        return n;
    }

    private void read(String prefix, int count, int times) throws IOException {
        List<String[]> cmds = new ArrayList<>();
        for (int t = 0; t < times; t++) {
            for (int i = 0; i < count; i++) {
                cmds.add(new String[] {"GET", prefix + i});
            }
        }
        c.pipeline(cmds);
    }

    private void assertUnderLimit() throws IOException {
        long used = info("used_memory");
        assertTrue(used <= MAXMEMORY + SLACK, "used_memory " + used);
        assertEquals("+PONG\r\n", c.call("PING"));
    }

    @Test
    void allkeysLruKeepsRecentlyReadKeys() throws Exception {
        c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        fill("hot:", 2000, 0);
        fill("cold:", 30000, 0);
        Thread.sleep(2100); // the LRU clock counts seconds
        read("hot:", 2000, 1);
        List<String> replies = fill("new:", 40000, 0);
        assertTrue(replies.stream().allMatch(r -> r.equals("+OK\r\n")), "every write succeeds");
        assertUnderLimit();
        assertTrue(info("evicted_keys") > 10000);
        assertTrue(surviving("hot:", 2000) >= 1900, "recently read keys survive");
        assertTrue(surviving("cold:", 30000) < 25000);
    }

    @Test
    void allkeysLfuKeepsTheHotSet() throws Exception {
        c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
        fill("hot:", 2000, 0);
        read("hot:", 2000, 20);
        fill("cold:", 80000, 0);
        assertUnderLimit();
        assertTrue(surviving("hot:", 2000) >= 1900, "frequently read keys survive");
        assertEquals("+OK\r\n", c.call("CONFIG", "SET", "maxmemory-policy", "noeviction"));
    }

    @Test
    void allkeysRandomStaysUnderTheLimit() throws Exception {
        c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        assertTrue(fill("k:", 100000, 0).stream().allMatch(r -> r.equals("+OK\r\n")));
        assertUnderLimit();
        assertTrue(info("evicted_keys") > 30000);
    }

    @Test
    void volatilePoliciesOnlyEvictKeysWithATtlThenRefuse() throws Exception {
        for (String policy : new String[] {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}) {
            c.call("FLUSHALL");
            c.call("CONFIG", "SET", "maxmemory-policy", policy);
            fill("keep:", 10000, 0);
            fill("ttl:", 30000, 100000);
            List<String> replies = fill("more:", 60000, 0);
            assertUnderLimit();
            assertEquals(10000, surviving("keep:", 10000), policy + ": keys without a TTL stay");
            assertTrue(replies.get(replies.size() - 1).startsWith("-OOM"), policy + ": " + replies.get(replies.size() - 1));
            assertEquals(0, surviving("ttl:", 30000), policy + ": every key with a TTL went first");
            assertEquals("$500\r\n" + VALUE + "\r\n", c.call("GET", "keep:1"), "reads still served");
        }
    }

    @Test
    void volatileTtlTakesTheShortestTtlFirst() throws Exception {
        c.call("CONFIG", "SET", "maxmemory-policy", "volatile-ttl");
        fill("long:", 20000, 100000);
        fill("short:", 20000, 1000);
        fill("more:", 20000, 0);
        assertUnderLimit();
        int shortLeft = surviving("short:", 20000);
        int longLeft = surviving("long:", 20000);
        assertTrue(shortLeft < 15000 && longLeft > 19000, "short " + shortLeft + " long " + longLeft);
    }

    @Test
    void noevictionRefusesWritesAndServesReads() throws Exception {
        c.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
        long evictedBefore = info("evicted_keys");
        List<String> replies = fill("k:", 80000, 0);
        // not necessarily the last: the filling client's own reply buffer counts in used_memory, and
        // as it drains a later SET can fit again, as in Redis
        long refused = replies.stream().filter(r -> r.startsWith("-OOM command not allowed when used memory > 'maxmemory'.")).count();
        assertTrue(refused > 0, "no SET refused of " + replies.size());
        assertTrue(replies.stream().allMatch(r -> r.equals("+OK\r\n") || r.startsWith("-OOM ")), "only +OK and -OOM replies");
        assertUnderLimit();
        assertEquals("$500\r\n" + VALUE + "\r\n", c.call("GET", "k:1"));
        assertEquals(evictedBefore, info("evicted_keys"));
    }

    @Test
    void aSubscriberThatDoesNotReadIsDisconnectedAndItsMemoryReturns() throws Exception {
        c.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 4mb 0 0");
        long before = info("used_memory");
        try (Socket sub = new Socket("127.0.0.1", port)) {
            sub.setReceiveBufferSize(4096);
            sub.getOutputStream().write(Conn.encode("SUBSCRIBE", "ch"));
            Thread.sleep(200);
            String big = "x".repeat(64 * 1024);
            List<String[]> cmds = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                cmds.add(new String[] {"PUBLISH", "ch", big});
            }
            List<String> replies = c.pipeline(cmds);
            assertEquals(":0\r\n", replies.get(replies.size() - 1), "the subscriber is gone before the end");
        }
        assertTrue(info("used_memory") < before + SLACK, "memory returned");
        c.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 32mb 8mb 60");
    }

    @Test
    void aClientThatNeverReadsIsDisconnectedAtItsOutputLimit() throws Exception {
        c.call("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0");
        c.call("SET", "big", "b".repeat(100_000));
        try (Socket greedy = new Socket("127.0.0.1", port)) {
            greedy.setReceiveBufferSize(4096);
            OutputStream out = greedy.getOutputStream();
            byte[] get = Conn.encode("GET", "big");
            boolean closed = false;
            // 20 MB of replies asked for and never read: the server closes the connection
            try {
                for (int i = 0; i < 200 && !closed; i++) {
                    out.write(get);
                    Thread.sleep(i % 50 == 0 ? 50 : 0);
                }
                Thread.sleep(500);
                out.write(get);
                out.flush();
                Thread.sleep(200);
                out.write(get);
            } catch (IOException e) {
                closed = true;
            }
            long deadline = System.currentTimeMillis() + 10_000;
            while (!closed && System.currentTimeMillis() < deadline) {
                closed = !c.call("CLIENT", "LIST").contains("cmd=get");
                Thread.sleep(50);
            }
            assertTrue(closed, "the greedy client was disconnected");
        }
        assertTrue(info("mem_clients_normal") < SLACK, "its output memory returned");
        c.call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0");
    }

    @Test
    void aSmallJvmFilledPastItsHeapSurvives() throws Exception {
        int p = freePort();
        // 512 MiB of RAM: a 128 MiB default heap, and a maxmemory of 1gb it cannot hold
        Process small = start("-XX:MaxRAM=512m", "--port", Integer.toString(p), "--maxmemory", "1gb",
                "--maxmemory-policy", "allkeys-lru");
        try {
            Conn s = Conn.open(p, small);
            String value = "w".repeat(4000);
            for (int round = 0; round < 7; round++) {
                List<String[]> cmds = new ArrayList<>();
                for (int i = 0; i < 5000; i++) {
                    cmds.add(new String[] {"SET", "k:" + round + ":" + i, value});
                }
                assertTrue(s.pipeline(cmds).stream().allMatch(r -> r.equals("+OK\r\n")));
            }
            // 140 MB written into a 128 MiB heap
            assertTrue(small.isAlive());
            String info = s.call("INFO", "memory");
            int at = info.indexOf("used_memory:");
            long used = Long.parseLong(info.substring(at + 12, info.indexOf("\r\n", at)));
            assertTrue(used < 128L << 20, "used_memory " + used);
            assertEquals("+PONG\r\n", s.call("PING"));
        } finally {
            small.destroyForcibly();
            small.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A minimal pipelining RESP client. */
    static final class Conn {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        private Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        }

        static Conn open(int port, Process p) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    Socket s = new Socket("127.0.0.1", port);
                    s.setSoTimeout(30_000);
                    return new Conn(s);
                } catch (IOException e) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        throw new AssertionError("server did not come up", e);
                    }
                    Thread.sleep(50);
                }
            }
        }

        static byte[] encode(String... args) {
            StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
            for (String a : args) {
                sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        String call(String... args) throws IOException {
            out.write(encode(args));
            out.flush();
            return readReply();
        }

        /** Sends in batches of 1000 and reads every reply. */
        List<String> pipeline(List<String[]> cmds) throws IOException {
            List<String> replies = new ArrayList<>(cmds.size());
            for (int from = 0; from < cmds.size(); from += 1000) {
                int to = Math.min(cmds.size(), from + 1000);
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                for (int i = from; i < to; i++) {
                    buf.writeBytes(encode(cmds.get(i)));
                }
                out.write(buf.toByteArray());
                out.flush();
                for (int i = from; i < to; i++) {
                    replies.add(readReply());
                }
            }
            return replies;
        }

        private String readLine() throws IOException {
            StringBuilder sb = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("closed");
                }
                sb.append((char) b);
            }
            return sb.append('\n').toString();
        }

        String readReply() throws IOException {
            String line = readLine();
            switch (line.charAt(0)) {
                case '$': {
                    int n = Integer.parseInt(line.substring(1, line.length() - 2));
                    if (n < 0) {
                        return line;
                    }
                    byte[] data = in.readNBytes(n + 2);
                    return line + new String(data, StandardCharsets.ISO_8859_1);
                }
                case '*': {
                    int n = Integer.parseInt(line.substring(1, line.length() - 2));
                    StringBuilder sb = new StringBuilder(line);
                    for (int i = 0; i < n; i++) {
                        sb.append(readReply());
                    }
                    return sb.toString();
                }
                default:
                    return line;
            }
        }
    }
}
