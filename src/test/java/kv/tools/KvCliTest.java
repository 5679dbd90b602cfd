package kv.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kv-cli against the real thing: every case runs {@link KvCli#run} and the real {@code redis-cli}
 * 7.0 with the same arguments and stdin against the same real {@code redis-server} (started here
 * with {@code --enable-debug-command yes} for DEBUG PROTOCOL's RESP3 types), and compares stdout,
 * stderr and the exit status byte for byte. .ci/run installs redis-server and redis-tools; when
 * they are missing this test fails with a message saying so, it does not skip.
 *
 * <p>The cases redis-cli 7.0 cannot show (it aborts on big numbers and attributes) and the
 * connection-closed paths are checked against a tiny in-test RESP stub.
 */
class KvCliTest {

    @TempDir
    static Path dir;

    static Process redis;
    static int port;

    @BeforeAll
    static void startRedis() throws Exception {
        requireTool("redis-server");
        requireTool("redis-cli");
        port = freePort();
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--enable-debug-command", "yes", "--dir", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                break;
            } catch (IOException e) {
                if (!redis.isAlive() || System.nanoTime() > deadline) {
                    fail("redis-server did not start on port " + port + ": " + Files.readString(dir.resolve("redis.log")));
                }
                Thread.sleep(20);
            }
        }
        // fixtures
        redisCli("", "rpush", "list", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
        redisCli("set bin \"a\\x00\\xff\\n\\r\\t\\a\\b\\\\z\\x7f\\x1b\\\"q\\\"\"\n");
        redisCli("", "hset", "h", "f1", "v1", "f2", "v2");
        redisCli("", "sadd", "s", "m1");
        redisCli("", "zadd", "z", "1.5", "a", "2", "b");
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.destroy();
            if (!redis.waitFor(10, TimeUnit.SECONDS)) {
                redis.destroyForcibly();
            }
        }
    }

    static void requireTool(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return;
            }
        }
        fail(tool + " is not installed (PATH=" + System.getenv("PATH") + "): install redis-server and "
                + "redis-tools (apt-get install -y redis-server redis-tools; .ci/run does it)");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    record Result(String out, String err, int status) {}

    static Result redisCli(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("redis-cli");
        cmd.add("-p");
        cmd.add(Integer.toString(port));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).start();
        try (OutputStream o = p.getOutputStream()) {
            o.write(stdin.getBytes(StandardCharsets.ISO_8859_1));
        }
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("redis-cli " + cmd + " did not finish");
        }
        return new Result(new String(out, StandardCharsets.ISO_8859_1), new String(err, StandardCharsets.ISO_8859_1),
                p.exitValue());
    }

    static Result kvCli(int port, String stdin, boolean stdinTty, String... args) {
        List<String> a = new ArrayList<>();
        a.add("-p");
        a.add(Integer.toString(port));
        a.addAll(Arrays.asList(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.ISO_8859_1);
             PrintStream e = new PrintStream(err, true, StandardCharsets.ISO_8859_1)) {
            InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1));
            status = KvCli.run(a.toArray(new String[0]), in, o, e, stdinTty, false, Map.of());
        }
        return new Result(out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.ISO_8859_1), status);
    }

    /** Each case: stdin, then the arguments. Run raw (stdout not a terminal) and with --no-raw. */
    static final String[][] CASES = {
        {"", "ping"},
        // -r/-i, -x, --scan (read-only commands: both clients see the same state)
        {"", "-r", "3", "ping"},
        {"", "-r", "2", "-i", "0.01", "get", "bin"},
        {"", "-r", "2", "nosuchcommand"},
        {"hello\nworld\n", "-x", "echo"},
        {"a\u0000b", "-x", "echo"},
        {"", "-x", "echo"},
        {"", "--scan"},
        {"", "--scan", "--pattern", "l*"},
        {"", "--scan", "--pattern", "nothing*"},
        // --csv
        {"", "--csv", "ping"},
        {"", "--csv", "get", "bin"},
        {"", "--csv", "get", "nokey"},
        {"", "--csv", "lrange", "list", "0", "-1"},
        {"", "--csv", "lrange", "nolist", "0", "-1"},
        {"", "--csv", "hgetall", "h"},
        {"", "--csv", "nosuchcommand"},
        {"", "--csv", "-3", "hgetall", "h"},
        {"", "--csv", "-3", "debug", "protocol", "map"},
        {"", "--csv", "-3", "debug", "protocol", "set"},
        {"", "--csv", "-3", "debug", "protocol", "true"},
        {"", "--csv", "-3", "debug", "protocol", "false"},
        {"", "--csv", "-3", "debug", "protocol", "double"},
        {"", "--csv", "-3", "debug", "protocol", "verbatim"},
        {"", "--csv", "-3", "debug", "protocol", "null"},
        // printed raw by redis-cli even with --no-raw (INFO and CLIENT LIST are the same path; their text varies)
        {"", "memory", "doctor"},
        {"", "latency", "doctor"},
        {"", "MEMORY", "DOCTOR"},
        {"", "set", "k", "v"},
        {"", "get", "k"},
        {"", "get", "nokey"},
        {"", "exists", "k", "nokey", "k"},
        {"", "incrby", "counter", "0"},
        {"", "get", "bin"},
        {"", "lrange", "list", "0", "-1"},
        {"", "lrange", "nolist", "0", "-1"},
        {"", "hgetall", "h"},
        {"", "zrange", "z", "0", "-1", "withscores"},
        {"", "command", "info", "get"},
        {"", "config", "get", "maxmemory-*"},
        {"", "nosuchcommand", "x"},
        {"", "get"},
        {"", "-e", "nosuchcommand"},
        {"", "-e", "ping"},
        {"", "-n", "3", "set", "indb3", "x"},
        {"", "-n", "3", "get", "indb3"},
        {"", "-n", "99", "ping"},
        {"", "-a", "wrong", "ping"},
        {"", "-a", "wrong", "--no-auth-warning", "ping"},
        {"", "--user", "nobody", "--pass", "x", "--no-auth-warning", "ping"},
        {"", "-3", "hgetall", "h"},
        {"", "-3", "smembers", "s"},
        {"", "-3", "smembers", "nosuchset"},
        {"", "-3", "hgetall", "nosuchhash"},
        {"", "-3", "zscore", "z", "a"},
        {"", "-3", "debug", "protocol", "string"},
        {"", "-3", "debug", "protocol", "integer"},
        {"", "-3", "debug", "protocol", "double"},
        {"", "-3", "debug", "protocol", "null"},
        {"", "-3", "debug", "protocol", "array"},
        {"", "-3", "debug", "protocol", "set"},
        {"", "-3", "debug", "protocol", "map"},
        {"", "-3", "debug", "protocol", "verbatim"},
        {"", "-3", "debug", "protocol", "true"},
        {"", "-3", "debug", "protocol", "false"},
        {"", "-3", "debug", "protocol", "push"},
        {"ping\nset x \"1 2\"\nget x\nselect 2\nnosuch\n"},
        {"get \"unbalanced\n"},
        {"3 ping\nselect 1\nget\n\n  \nset q \"a\\x41\\n\"\nget q\nquit\nping\n"},
        {"set 'a b' 'it\\'s'\nget 'a b'\r\n"},
        {"ping\nhgetall h\n", "-3"},
    };

    @Test
    void rendersLikeRedisCli() throws Exception {
        List<String> failures = new ArrayList<>();
        int compared = 0;
        for (String[] c : CASES) {
            String stdin = c[0];
            String[] args = Arrays.copyOfRange(c, 1, c.length);
            for (boolean formatted : new boolean[] {false, true}) {
                String[] a = args;
                if (formatted) {
                    a = Arrays.copyOf(args, args.length + 1);
                    System.arraycopy(args, 0, a, 1, args.length);
                    a[0] = "--no-raw";
                }
                Result want = redisCli(stdin, a);
                Result got = kvCli(port, stdin, false, a);
                compared++;
                if (!want.equals(got)) {
                    failures.add("kv-cli " + String.join(" ", a) + (stdin.isEmpty() ? "" : " <<< " + stdin.replace("\n", "\\n"))
                            + "\n  redis-cli: " + want + "\n  kv-cli:    " + got);
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + compared + " differ:\n" + String.join("\n", failures));
    }

    @Test
    void infoAndClientListPrintAsLinesAtATerminal() throws Exception {
        for (String[] cmd : new String[][] {{"info", "server"}, {"client", "list"}, {"CLIENT", "INFO"}}) {
            Result want = redisCli("", "--no-raw", cmd[0], cmd[1]);
            Result got = kvCli(port, "", false, "--no-raw", cmd[0], cmd[1]);
            assertTrue(!got.out().startsWith("\"") && !want.out().startsWith("\""), got.out());
            // the texts differ (uptime, client ids); their first field does not
            char sep = cmd[0].equals("info") ? ':' : '=';
            assertEquals(want.out().substring(0, want.out().indexOf(sep)), got.out().substring(0, got.out().indexOf(sep)));
            assertEquals(want.out().endsWith("\n\n"), got.out().endsWith("\n\n"), "no newline added after the text");
            assertEquals(want.out().lines().count(), got.out().lines().count(), String.join(" ", cmd));
        }
    }

    @Test
    void pipeLikeRedisCli() throws Exception {
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            String k = "pipe:" + i;
            bulk.append("*3\r\n$3\r\nSET\r\n$").append(k.length()).append("\r\n").append(k).append("\r\n$1\r\nv\r\n");
        }
        List<String> inputs = List.of("",
                "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINCR\r\n$1\r\na\r\n"
                        + "*1\r\n$3\r\nBAD\r\nPING\r\nLPUSH a x\r\n",
                bulk.toString());
        for (String stdin : inputs) {
            Result want = redisCli(stdin, "--pipe");
            Result got = kvCli(port, stdin, false, "--pipe");
            assertEquals(want, got, "--pipe with " + stdin.length() + " bytes of stdin");
        }
        assertEquals("5000\n", redisCli("", "eval", "return #redis.call('keys', 'pipe:*')", "0").out());
    }

    @Test
    void pipeWithoutServerLikeRedisCli() throws Exception {
        int closed = freePort();
        Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(closed), "--pipe").start();
        p.getOutputStream().close();
        Result want = new Result(new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.ISO_8859_1), p.waitFor());
        assertEquals(want, kvCli(closed, "", false, "--pipe"));
    }

    @Test
    void connectionRefusedLikeRedisCli() throws Exception {
        int closed = freePort();
        Result want;
        {
            Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(closed), "ping").start();
            p.getOutputStream().close();
            want = new Result(new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1),
                    new String(p.getErrorStream().readAllBytes(), StandardCharsets.ISO_8859_1), p.waitFor());
        }
        Result got = kvCli(closed, "", false, "ping");
        assertEquals(want, got);
        assertEquals("Could not connect to Redis at 127.0.0.1:" + closed + ": Connection refused\n", got.err());
        assertEquals(1, got.status());
    }

    @Test
    void interactivePromptShowsHostPortAndDb() {
        Result got = kvCli(port, "ping\nselect 2\nget nothing\nexit\n", true, "--no-raw");
        String p = "127.0.0.1:" + port;
        assertEquals(p + "> PONG\n" + p + "> OK\n" + p + "[2]> (nil)\n" + p + "[2]> ", got.out());
        assertEquals(0, got.status());
    }

    @Test
    void interactiveWithoutServerSaysNotConnected() throws Exception {
        int closed = freePort();
        Result got = kvCli(closed, "ping\n", true, "--no-raw");
        assertEquals("not connected> not connected> ", got.out());
        String msg = "Could not connect to Redis at 127.0.0.1:" + closed + ": Connection refused\n";
        assertEquals(msg + msg, got.err());
    }

    @Test
    void helpAndBadOptions() {
        Result help = kvCli(port, "", false, "--help");
        assertTrue(help.out().startsWith("Usage: kv-cli"), help.out());
        assertEquals(0, help.status());
        Result bad = kvCli(port, "", false, "-p");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("'-p'"), bad.err());
    }

    // ---------------------------------------------------------------- stub server

    /** Serves one connection: reads one command and answers with the canned bytes, then closes. */
    static int stub(String reply) throws IOException {
        ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (ss; Socket s = ss.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                int n = in.read(buf); // one small command arrives in one read
                if (n > 0) {
                    s.getOutputStream().write(reply.getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                }
                s.shutdownOutput();
                while (in.read(buf) >= 0) {
                    // until the client closes
                }
            } catch (IOException ignored) {
                // test ends
            }
        }, "resp-stub");
        t.setDaemon(true);
        t.start();
        return ss.getLocalPort();
    }

    @Test
    void bigNumberAttributeAndVerbatimFromAStub() throws Exception {
        assertEquals("(big number) 1234567890123456789012345678901234567890\n",
                kvCli(stub("(1234567890123456789012345678901234567890\r\n"), "", false, "--no-raw", "x").out());
        assertEquals("1234567890123456789012345678901234567890\n",
                kvCli(stub("(1234567890123456789012345678901234567890\r\n"), "", false, "x").out());
        assertEquals("(integer) 7\n",
                kvCli(stub("|1\r\n+ttl\r\n:3\r\n:7\r\n"), "", false, "--no-raw", "x").out());
        assertEquals("1) (integer) 1\n2) 1# \"a\" => (double) inf\n   2# \"b\" => (nil)\n",
                kvCli(stub("*2\r\n:1\r\n%2\r\n$1\r\na\r\n,inf\r\n$1\r\nb\r\n_\r\n"), "", false, "--no-raw", "x").out());
        assertEquals("hello\r\nworld\n",
                kvCli(stub("=16\r\ntxt:hello\r\nworld\r\n"), "", false, "--no-raw", "x").out());
        assertEquals("(error) ERR blob\n", kvCli(stub("!8\r\nERR blob\r\n"), "", false, "--no-raw", "x").out());
    }

    @Test
    void serverClosingTheConnection() throws Exception {
        Result got = kvCli(stub(""), "", false, "ping");
        assertEquals("Error: Server closed the connection\n", got.err());
        assertEquals(1, got.status());
        Result shutdown = kvCli(stub(""), "", false, "shutdown");
        assertEquals("", shutdown.err());
        assertEquals(0, shutdown.status());
    }

    @Test
    void splitsArgumentsLikeSdssplitargs() {
        assertEquals(List.of("set", "a b", "c\"d", "\n", "A"),
                strings(CommandRunner.splitLine("set \"a b\" 'c\"d' \"\\n\" \"\\x41\"".getBytes(StandardCharsets.ISO_8859_1))));
        assertNull(CommandRunner.splitLine("get \"x\"y".getBytes(StandardCharsets.ISO_8859_1)));
        assertNull(CommandRunner.splitLine("get 'x".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(List.of(), strings(CommandRunner.splitLine("   ".getBytes(StandardCharsets.ISO_8859_1))));
        // as redis-cli 7.0.15 splits them: a vertical tab inside an argument is kept, a NUL ends the line
        assertEquals(List.of("echo", "a\u000bb"), strings(CommandRunner.splitLine("echo a\u000bb".getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals(List.of("echo", "a"), strings(CommandRunner.splitLine("echo a\u0000b c".getBytes(StandardCharsets.ISO_8859_1))));
    }

    @Test
    void uriOption() throws Exception {
        CliOptions o = KvCli.parse(new String[] {"-u", "redis://bob:p%40ss@example.org:7000/4", "ping"}, Map.of());
        assertEquals("example.org", o.host);
        assertEquals(7000, o.port);
        assertEquals("bob", o.user);
        assertEquals("p@ss", o.password);
        assertEquals(4, o.db);
        assertEquals(List.of("ping"), o.command);
        CliOptions env = KvCli.parse(new String[] {"ping"}, Map.of("REDISCLI_AUTH", "secret"));
        assertEquals("secret", env.password);
    }

    private static List<String> strings(List<byte[]> l) {
        List<String> s = new ArrayList<>();
        for (byte[] b : l) {
            s.add(new String(b, StandardCharsets.ISO_8859_1));
        }
        return s;
    }
}
