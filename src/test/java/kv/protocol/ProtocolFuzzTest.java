package kv.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.util.ResourceLeakDetector;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import kv.LogCapture;
import kv.RespTestClient;
import kv.conformance.Escapes;
import kv.conformance.RespReader;
import kv.server.RespServer;

/**
 * Property-based protocol fuzzing through the real server: valid, mutated and random request
 * streams ({@link FuzzStreams}), written in random chunks over real sockets, then half-closed.
 * Properties:
 * <ul>
 * <li>nothing escapes as an unhandled exception: no reply is {@code ERR internal error} and
 *     nothing is logged at WARN or above (Vert.x and Netty log what escapes a handler; the
 *     dispatcher logs what escapes a command);</li>
 * <li>each connection gets complete RESP replies and then a close: a protocol error, if any, is
 *     Redis' text for it and the last thing sent; a valid stream never gets one;</li>
 * <li>memory returns: no buffer leaks (Netty's paranoid leak detection), every fuzzed client
 *     leaves the registry, and used_memory is back where it was once the fuzzed keys are gone;</li>
 * <li>a bystander connected throughout keeps getting correct replies.</li>
 * </ul>
 * The seed is fixed, so the suite is reproducible; {@code -Dfuzz.seed=N|random} and
 * {@code -Dfuzz.streams=N} explore further. A failure names the seed and stream index, and
 * {@code -Dfuzz.only=I} replays that one stream.
 */
@QuarkusTest
class ProtocolFuzzTest {
    private static final long DEFAULT_SEED = 0x6b76_6675_7a7aL;
    private static final int DEFAULT_STREAMS = 2000;
    private static final int PARALLEL = 4;
    private static final int BATCH = 250;
    /** How long a connection may stay silent: generous, so that a loaded machine cannot fail the run. */
    private static final int STALL_MS = 30_000;
    /** The fuzzed connections work in this database; the bystander in 0. */
    private static final String SANDBOX_DB = "9";
    private static final byte[] SANDBOX = FuzzStreams.multibulk(List.of(bytes("SELECT"), bytes(SANDBOX_DB)));

    /** Redis' protocol errors (recorded from redis-server 7.0.15); each ends the connection. */
    private static final Pattern PROTOCOL_ERROR = Pattern.compile("-ERR Protocol error: (invalid multibulk length"
            + "|invalid bulk length|expected '\\$', got '[\\s\\S]'|too big mbulk count string|too big bulk count string"
            + "|too big inline request|unbalanced quotes in request|unauthenticated multibulk length"
            + "|unauthenticated bulk length)\r\n");

    @Inject
    RespServer server;

    /** How the fuzzed connections ended, to show what the run exercised. */
    private final Map<String, AtomicInteger> outcomes = new ConcurrentSkipListMap<>();

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
    }

    @Test
    void requestStreamsNeverHurtTheServerOrOtherClients() throws Exception {
        String seedProperty = System.getProperty("fuzz.seed", Long.toString(DEFAULT_SEED));
        long seed = seedProperty.equals("random") ? System.nanoTime() : Long.parseLong(seedProperty);
        int streams = Integer.getInteger("fuzz.streams", DEFAULT_STREAMS);
        Integer only = Integer.getInteger("fuzz.only");
        System.out.println("protocol fuzz: seed " + seed + ", " + (only != null ? "stream " + only : streams + " streams"));

        // the engine finishes its start on the event loop after Quarkus reports started, and the
        // command facts (COMMAND INFO/DOCS) are parsed on a background thread the loop may wait for:
        // on a loaded machine either can outlast Vert.x's blocked-thread warning, so the capture
        // starts once both are done
        try (RespTestClient first = new RespTestClient(server.port())) {
            assertTrue(first.call("COMMAND", "INFO", "GET").startsWith("*1\r\n*"));
        }
        LogCapture log = LogCapture.install();
        ResourceLeakDetector.Level leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        try (RespTestClient admin = new RespTestClient(server.port())) {
            assertEquals("+OK\r\n", admin.call("SELECT", SANDBOX_DB));
            assertEquals("+OK\r\n", admin.call("FLUSHDB"));
            long clientsBefore = infoField(admin, "clients", "connected_clients");
            Bystander bystander = new Bystander(server.port());
            long memoryBefore = infoField(admin, "memory", "used_memory");
            bystander.start();

            long t0 = System.nanoTime();
            // daemon threads: a stream stuck in a socket write must not keep the JVM alive
            ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
                Thread t = new Thread(r, "fuzz-stream");
                t.setDaemon(true);
                return t;
            });
            try {
                int from = only != null ? only : 0;
                int to = only != null ? only + 1 : streams;
                for (int batch = from; batch < to && failures.size() < 5; batch += BATCH) {
                    Map<Integer, Future<?>> running = new LinkedHashMap<>();
                    for (int i = batch; i < Math.min(to, batch + BATCH); i++) {
                        int index = i;
                        running.put(index, pool.submit(() -> {
                            fuzzOne(seed, index, failures);
                            return null;
                        }));
                    }
                    for (Map.Entry<Integer, Future<?>> f : running.entrySet()) {
                        try {
                            f.getValue().get(60, TimeUnit.SECONDS);
                        } catch (TimeoutException e) {
                            fail("stream " + f.getKey() + " (-Dfuzz.seed=" + seed + " -Dfuzz.only=" + f.getKey() + ") did not finish within 60 s");
                        }
                    }
                    // APPEND grows values and mutations add keys: a fresh sandbox per batch keeps each stream's work small
                    assertEquals("+OK\r\n", admin.call("FLUSHDB"));
                }
            } finally {
                pool.shutdownNow();
            }
            long fuzzMs = (System.nanoTime() - t0) / 1_000_000;

            Throwable bystanderFailure = bystander.stop();
            System.out.println("protocol fuzz: " + (only != null ? 1 : streams) + " streams in " + fuzzMs + " ms; bystander ran "
                    + bystander.rounds + " rounds; endings " + outcomes);
            if (bystanderFailure != null) {
                throw new AssertionError("the bystander client was affected (seed " + seed + ")", bystanderFailure);
            }
            assertTrue(failures.isEmpty(), () -> failures.size() + " failing stream(s):\n" + String.join("\n", failures));

            awaitField(admin, "clients", "connected_clients", clientsBefore);
            assertEquals("+OK\r\n", admin.call("FLUSHDB"));
            long memoryAfter = infoField(admin, "memory", "used_memory");
            System.out.println("protocol fuzz: used_memory " + memoryBefore + " before, " + memoryAfter + " after");
            // the sandbox's tables may keep a few empty slots; keys and values must all be gone
            assertTrue(memoryAfter - memoryBefore <= 16 * 1024,
                    "used_memory did not return: " + memoryBefore + " before, " + memoryAfter + " after (seed " + seed + ")");

            LogCapture.provokeLeakReports(admin);
            assertEquals("+OK\r\n", admin.call("SELECT", "0"));
            assertEquals(":2\r\n", admin.call("DEL", "bystander:value", "bystander:counter"));
            assertEquals(List.of(), log.problems(), "logged while fuzzing (seed " + seed + ")");
        } finally {
            ResourceLeakDetector.setLevel(leakLevel);
            log.remove();
        }
    }

    /** The properties can fail: a leaked buffer and a warning both reach the log capture. */
    @Test
    void theLogCaptureSeesLeaksAndWarnings() throws Exception {
        LogCapture log = LogCapture.install();
        ResourceLeakDetector.Level leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try {
            org.jboss.logging.Logger.getLogger("kv.fuzz").warn("a warning");
            assertTrue(log.problems().stream().anyMatch(p -> p.contains("a warning")), log.problems().toString());
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(64).writeLong(1); // never released
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (log.problems().stream().noneMatch(p -> p.contains("LEAK"))) {
                assertTrue(System.nanoTime() < deadline, "no leak report within 20 s: " + log.problems());
                System.gc();
                Thread.sleep(20);
                io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(64).release();
            }
        } finally {
            ResourceLeakDetector.setLevel(leakLevel);
            log.remove();
        }
    }

    private void fuzzOne(long seed, int index, List<String> failures) throws IOException, InterruptedException {
        if (failures.size() >= 5) {
            return;
        }
        FuzzStreams.Stream s = FuzzStreams.generate(seed * 1_000_003L + index);
        String problem = check(s);
        if (problem != null) {
            byte[] small = shrink(s);
            failures.add("stream " + index + " (-Dfuzz.seed=" + seed + " -Dfuzz.only=" + index + "): " + problem
                    + "\n    made by: " + s.recipe()
                    + "\n    bytes (" + s.bytes().length + "): " + abbreviate(Escapes.escape(s.bytes()), 2000)
                    + (small == null ? "" : "\n    shrunk, written at once (" + small.length + "): "
                            + abbreviate(Escapes.escape(small), 2000) + "\n      fails with: " + check(once(s, small))));
        }
    }

    /**
     * A smaller stream that still fails when written at once (failures that need the original
     * cuts or timing do not shrink): ranges are cut out, halving their size, within 150 tries.
     * Null if the stream does not fail when written at once.
     */
    private byte[] shrink(FuzzStreams.Stream s) throws IOException, InterruptedException {
        byte[] best = s.bytes();
        if (check(once(s, best)) == null) {
            return null;
        }
        int tries = 0;
        for (int size = Math.max(1, best.length / 2); size >= 1 && tries < 150; size /= 2) {
            for (int at = 0; at + size <= best.length && tries < 150; tries++) {
                byte[] candidate = new byte[best.length - size];
                System.arraycopy(best, 0, candidate, 0, at);
                System.arraycopy(best, at + size, candidate, at, best.length - at - size);
                if (check(once(s, candidate)) != null) {
                    best = candidate;
                } else {
                    at += size;
                }
            }
        }
        return best;
    }

    private static FuzzStreams.Stream once(FuzzStreams.Stream s, byte[] bytes) {
        // a cut-down valid stream is no longer valid
        boolean valid = s.valid() && java.util.Arrays.equals(bytes, s.bytes());
        return new FuzzStreams.Stream(s.seed(), bytes, new int[0], false, valid, s.recipe());
    }

    /** Sends one stream and checks what came back; null if every property holds. */
    private String check(FuzzStreams.Stream s) throws IOException, InterruptedException {
        byte[] received;
        String ending;
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(STALL_MS);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            try {
                out.write(SANDBOX);
                for (byte[] chunk : s.chunks()) {
                    out.write(chunk);
                    out.flush();
                    if (s.pauseBetweenChunks()) {
                        Thread.sleep(1);
                    }
                }
                socket.shutdownOutput();
            } catch (SocketException e) {
                // the server closed first (a protocol error or QUIT mid-stream); read what it sent
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            ending = readToEnd(in, got);
            received = got.toByteArray();
        }
        if (ending.equals("timeout")) {
            return "no close within " + STALL_MS / 1000 + " s after the request was half-closed; got " + abbreviate(Escapes.escape(received), 500);
        }
        List<RespReader.Value> replies = new ArrayList<>();
        RespReader reader = new RespReader(new ByteArrayInputStream(received));
        try {
            while (reader.hasMore()) {
                replies.add(reader.read());
            }
        } catch (EOFException e) {
            if (ending.equals("EOF")) {
                return "the server closed in the middle of a reply: " + abbreviate(Escapes.escape(reader.partial()), 500);
            }
            // a reset may cut a reply short: what arrived is checked, the rest is lost
        } catch (IOException | RuntimeException e) {
            return "not RESP (" + e.getMessage() + "): " + abbreviate(Escapes.escape(received), 500);
        }
        count(ending + (s.valid() ? " valid" : ""));
        if (!replies.isEmpty() && !new String(replies.get(0).raw, StandardCharsets.ISO_8859_1).equals("+OK\r\n")) {
            return "SELECT answered " + Escapes.escape(replies.get(0).raw);
        }
        for (int i = 0; i < replies.size(); i++) {
            RespReader.Value v = replies.get(i);
            String text = new String(v.raw, StandardCharsets.ISO_8859_1);
            if (containsInternalError(v)) {
                return "an internal error reached the client: " + abbreviate(Escapes.escape(v.raw), 500);
            }
            if (v.type == '-' && text.startsWith("-ERR Protocol error")) {
                if (s.valid()) {
                    return "a valid stream got " + Escapes.escape(v.raw);
                }
                if (!PROTOCOL_ERROR.matcher(text).matches()) {
                    return "not one of Redis' protocol errors: " + Escapes.escape(v.raw);
                }
                count(text.substring(21, Math.min(text.length() - 2, text.startsWith("-ERR Protocol error: expected") ? 33 : 45)));
                if (i != replies.size() - 1) {
                    return "replies followed the protocol error " + Escapes.escape(v.raw) + " (the connection must close)";
                }
            }
        }
        return null;
    }

    private static boolean containsInternalError(RespReader.Value v) {
        if (v.type == '-' || v.type == '!') {
            return new String(v.raw, StandardCharsets.ISO_8859_1).contains("internal error");
        }
        if (v.isAggregate()) {
            for (RespReader.Value c : v.children) {
                if (containsInternalError(c)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Reads until the server closes: "EOF", "reset", or "timeout" if it never does. */
    private static String readToEnd(InputStream in, ByteArrayOutputStream got) {
        byte[] buf = new byte[16384];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
            }
            return "EOF";
        } catch (SocketTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return "reset";
        }
    }

    // ---- the bystander --------------------------------------------------------------------------

    /** A client connected throughout the fuzzing, checking every reply it gets. */
    private static final class Bystander {
        private final int port;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private Thread thread;
        private RespTestClient client;
        volatile int rounds;

        Bystander(int port) throws IOException {
            this.port = port;
            client = new RespTestClient(port);
            client.timeout(STALL_MS);
            assertEquals("+OK\r\n", client.call("SET", "bystander:value", "0123456789abcdef"));
            assertEquals("+OK\r\n", client.call("SET", "bystander:counter", "0"));
        }

        void start() {
            thread = new Thread(this::run, "fuzz-bystander");
            thread.start();
        }

        private void run() {
            try (RespTestClient c = client) {
                for (long n = 1; running.get(); n++) {
                    String value = String.format("%016x", n);
                    assertEquals("+OK\r\n", c.call("SET", "bystander:value", value));
                    assertEquals("$16\r\n" + value + "\r\n", c.call("GET", "bystander:value"));
                    assertEquals(":" + n + "\r\n", c.call("INCR", "bystander:counter"));
                    assertEquals("$3\r\na\0b\r\n", c.call("ECHO", "a\0b"));
                    assertEquals("+PONG\r\n", c.call("PING"));
                    rounds++;
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        /** Stops the loop and returns what went wrong, if anything. */
        Throwable stop() throws InterruptedException {
            running.set(false);
            thread.join(TimeUnit.SECONDS.toMillis(30));
            if (thread.isAlive()) {
                return new AssertionError("the bystander's last command got no reply within 30 s");
            }
            return failure.get();
        }
    }

    // ---- server state -------------------------------------------------------------------------

    private static long infoField(RespTestClient c, String section, String field) throws IOException {
        String info = c.call("INFO", section);
        for (String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new AssertionError("INFO " + section + " has no " + field + ": " + info);
    }

    private static void awaitField(RespTestClient c, String section, String field, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long value;
        while ((value = infoField(c, section, field)) != expected) {
            if (System.nanoTime() > deadline) {
                fail(field + " is " + value + " 10 s after the fuzzing, was " + expected + " before");
            }
            Thread.sleep(20);
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...(" + s.length() + " chars)";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
