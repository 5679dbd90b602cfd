package kv.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;

import kv.RespTestClient;

/**
 * kv-cli's modes (--bigkeys, --stat, --latency, ...) against the real redis-cli 7.0, both pointed
 * at the same server (a reference redis-server or KV). Scans of a quiet keyspace are compared byte
 * for byte; the modes that sample live figures (--stat, --latency*) by the shape of their lines.
 */
final class CliModeChecks {
    private static final String CLEAR_LINE = "\u001b[0G\u001b[2K";
    private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?[BKMGTP]?");

    private final int port;
    private final String db;

    CliModeChecks(int port, int db) {
        Assumptions.assumeTrue(onPath("redis-cli"), "redis-cli is not installed");
        Assumptions.assumeTrue(onPath("stdbuf"), "stdbuf is not installed");
        this.port = port;
        this.db = Integer.toString(db);
    }

    record Result(String out, String err, int status) {}

    /** The db emptied, then {@code keys} string keys set. */
    void smallKeyspace(int keys) throws IOException {
        try (RespTestClient c = new RespTestClient(port)) {
            c.call("SELECT", db);
            c.call("FLUSHDB");
            for (int i = 0; i < keys; i++) {
                c.call("SET", "k" + i, "v");
            }
        }
    }

    /** An empty db with a few keys of every type, one with a binary name; counters for --hotkeys. */
    void fillKeyspace() throws IOException {
        try (RespTestClient c = new RespTestClient(port)) {
            c.call("SELECT", db);
            c.call("FLUSHDB");
            for (int i = 0; i < 30; i++) {
                c.call("SET", "str:" + i, "x".repeat(i * 7));
            }
            c.call("RPUSH", "list", "a", "b", "c");
            c.call("RPUSH", "list:long", "1", "2", "3", "4", "5", "6");
            c.call("HSET", "hash", "f", "v", "g", "w");
            c.call("SADD", "set", "1", "2", "3", "4");
            c.call("ZADD", "zset", "1", "a", "2", "b");
            c.call("XADD", "stream", "1-1", "f", "v");
            c.call("SET", "bin\u0000\u00ff\"key", "value");
            for (int i = 0; i < 40; i++) {
                c.call("GET", "str:3");
                c.call("LLEN", "list");
            }
        }
    }

    /** A port nobody listens on (as far as one can tell). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    void config(String name, String value) throws IOException {
        try (RespTestClient c = new RespTestClient(port)) {
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", name, value));
        }
    }

    /** The same stdout, stderr and exit status as redis-cli, with stdout not a terminal. */
    void assertSameAsRedisCli(String... args) throws Exception {
        Result expected = redisCli(args);
        Result actual = kvCli(args);
        assertEquals(expected, actual, String.join(" ", args));
    }

    void assertStatLikeRedisCli() throws Exception {
        List<String> expected = lines(streamFromRedisCli(4, "--stat", "-i", "0.02"));
        List<String> actual = lines(streamFromKvCli(4, false, "--stat", "-i", "0.02"));
        assertEquals(StatMode.HEADER, expected.get(0) + expected.get(1), "redis-cli's header");
        assertEquals(StatMode.HEADER, actual.get(0) + actual.get(1));
        for (int i = 2; i < 4; i++) {
            assertEquals(columns(expected.get(i)), columns(actual.get(i)), actual.get(i));
        }
        assertTrue(actual.get(2).contains(" (+0) "), "the first line's request delta is 0: " + actual.get(2));
    }

    /** Not a terminal: one line after -i seconds, then exit 0; raw and --csv. */
    void assertLatencyLikeRedisCli() throws Exception {
        for (String[] args : new String[][] {{"--latency", "-i", "0.05"}, {"--latency", "--csv", "-i", "0.05"}}) {
            Result expected = redisCli(args);
            Result actual = kvCli(args);
            assertEquals(shape(expected.out()), shape(actual.out()), actual.out());
            assertTrue(Pattern.matches("[0-9]+[ ,][0-9]+[ ,][0-9]+\\.[0-9]{2}[ ,][0-9]+\n", actual.out()), actual.out());
            assertEquals(expected.err() + expected.status(), actual.err() + actual.status());
        }
    }

    /** At a terminal (--no-raw): the line redrawn after every PING; history adds a range line. */
    void assertLatencyAtTerminalLikeRedisCli() throws Exception {
        String expected = streamFromRedisCli(1, "--latency-history", "--no-raw", "-i", "0.05");
        String actual = streamFromKvCli(1, true, "--latency-history", "-i", "0.05");
        for (String output : List.of(expected, actual)) {
            String sample = "min: N, max: N, avg: N \\(N samples\\)";
            // the escape sequence holds digits: mark it before numbers become N
            String shaped = shape(output.substring(0, output.indexOf('\n') + 1).replace(CLEAR_LINE, "<clear>"));
            assertTrue(Pattern.matches("(<clear>" + sample + ")+ -- N seconds range\n", shaped), shaped);
        }
    }

    /** The legend byte for byte; the spectrum lines alike once their colours are masked. */
    void assertLatencyDistLikeRedisCli() throws Exception {
        String expected = streamFromRedisCli(10, "--latency-dist", "-i", "0.05");
        String actual = streamFromKvCli(10, false, "--latency-dist", "-i", "0.05");
        assertEquals(legend(expected), legend(actual));
        List<String> expectedLines = lines(expected);
        List<String> actualLines = lines(actual);
        Pattern colour = Pattern.compile("\u001b\\[48;5;(0|233|234|235|237|239|241|243|245|247|144|143|142|184|226|214|208|202|196)m");
        for (int i = 8; i < 10; i++) {
            String shaped = colour.matcher(actualLines.get(i)).replaceAll("<bg>");
            assertEquals(colour.matcher(expectedLines.get(i)).replaceAll("<bg>"), shaped);
            assertEquals(31, shaped.split("<bg>", -1).length - 1, shaped);
        }
    }

    private static String legend(String output) {
        return String.join("", lines(output).subList(0, 8));
    }

    // ------------------------------------------------------------------ running the two clients

    Result redisCli(String... args) throws Exception {
        Process p = new ProcessBuilder(redisCliCommand(args)).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("redis-cli " + Arrays.toString(args) + " did not finish");
        }
        return new Result(latin1(out), latin1(err), p.exitValue());
    }

    Result kvCli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.ISO_8859_1);
             PrintStream e = new PrintStream(err, true, StandardCharsets.ISO_8859_1)) {
            status = KvCli.run(withServer(args), InputStream.nullInputStream(), o, e, false, false, Map.of());
        }
        return new Result(latin1(out.toByteArray()), latin1(err.toByteArray()), status);
    }

    /** stdout of a redis-cli mode that runs for ever, until it has printed {@code lines} lines. */
    private String streamFromRedisCli(int lines, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("stdbuf", "-o0"));
        cmd.addAll(redisCliCommand(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            InputStream in = p.getInputStream();
            int c;
            int seen = 0;
            while (seen < lines && (c = in.read()) >= 0) {
                b.write(c);
                seen += c == '\n' ? 1 : 0;
            }
            assertEquals(lines, seen, "redis-cli ended early: " + latin1(b.toByteArray()));
            return latin1(b.toByteArray());
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** stdout of a kv-cli mode that runs until interrupted, once it has printed {@code lines} lines. */
    private String streamFromKvCli(int lines, boolean tty, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.ISO_8859_1);
        int[] status = {-1};
        Thread t = new Thread(() -> status[0] = KvCli.run(withServer(args), InputStream.nullInputStream(), o,
                new PrintStream(OutputStream.nullOutputStream()), false, tty, Map.of()));
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (latin1(out.toByteArray()).chars().filter(ch -> ch == '\n').count() < lines) {
            assertTrue(t.isAlive() && System.nanoTime() < deadline, "kv-cli ended early: " + out);
            Thread.sleep(5);
        }
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(20));
        assertEquals(0, status[0], "kv-cli's exit status once interrupted");
        return latin1(out.toByteArray());
    }

    private List<String> redisCliCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli"));
        cmd.addAll(Arrays.asList(withServer(args)));
        return cmd;
    }

    private String[] withServer(String... args) {
        List<String> a = new ArrayList<>(List.of("-p", Integer.toString(port), "-n", db));
        a.addAll(Arrays.asList(args));
        return a.toArray(new String[0]);
    }

    // ------------------------------------------------------------------ comparing shapes

    /** Numbers (with a size unit) become N, so lines from different moments compare. */
    static String shape(String s) {
        return NUMBER.matcher(s).replaceAll("N");
    }

    /** The shapes of a --stat line's fixed-width columns, cut where redis-cli's widths put them. */
    private static List<String> columns(String line) {
        int[] ends = {11, 19, 28, 36, 55, 68};
        List<String> columns = new ArrayList<>();
        int from = 0;
        for (int end : ends) {
            columns.add(shape(line.substring(from, Math.min(end, line.length()))));
            from = end;
        }
        columns.add(line.length() > from ? line.substring(from) : "");
        return columns;
    }

    private static List<String> lines(String s) {
        List<String> lines = new ArrayList<>();
        for (String l : s.split("\n", -1)) {
            lines.add(l + "\n");
        }
        return lines.subList(0, lines.size() - 1);
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
