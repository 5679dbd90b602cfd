package kv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.RespTestClient;

/**
 * The packaged server started the way users start it: redis-server's command line, config
 * file then flags, and start-up refused with Redis' message on a bad directive.
 */
class LaunchIT {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @TempDir
    Path dir;

    /**
     * Runs in target/launch-it: with Redis' default save points a SHUTDOWN writes dump.rdb into the
     * working directory (dir defaults to it), and that must not land in the sources.
     */
    private static Process start(String... args) throws IOException {
        return start(java.util.Map.of(), args);
    }

    private static Process start(java.util.Map<String, String> environment, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.management.port=0", "-jar", JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Path work = java.nio.file.Files.createDirectories(Path.of("target", "launch-it"));
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static RespTestClient connect(int port, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return new RespTestClient(port);
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("server did not come up: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8), e);
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    void badDirectiveStopsStartUpNamingItsLine() throws Exception {
        Path conf = dir.resolve("kv.conf");
        Files.writeString(conf, "# comment\nport 7000\nmaxmemory-polcy allkeys-lru\n");
        Process p = start(conf.toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue());
        assertTrue(out.contains("*** FATAL CONFIG FILE ERROR"), out);
        assertTrue(out.contains("at line 3"), out);
        assertTrue(out.contains(">>> 'maxmemory-polcy allkeys-lru'"), out);
        assertTrue(out.contains("Bad directive or wrong number of arguments"), out);
    }

    @Test
    void invalidFlagValueStopsStartUp() throws Exception {
        Process p = start("--port", "not-a-port");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue());
        assertTrue(out.contains("argument couldn't be parsed into an integer"), out);
    }

    @Test
    void fileThenFlagsWithRenamedCommandsAndPassword() throws Exception {
        int filePort = freePort();
        int port = freePort();
        Path conf = dir.resolve("kv.conf");
        Files.writeString(conf, "port " + filePort + "\nbind 127.0.0.1\ndatabases 4\n"
                + "rename-command FLUSHALL \"\"\nrename-command KEYS listkeys\n");
        Process p = start(conf.toString(), "--port", Integer.toString(port), "--requirepass", "s3cret",
                "--dir", dir.toString());
        try (RespTestClient c = connect(port, p)) {
            assertEquals("-NOAUTH Authentication required.\r\n", c.call("PING"));
            assertEquals("+OK\r\n", c.call("AUTH", "s3cret"));
            assertEquals("*2\r\n$9\r\ndatabases\r\n$1\r\n4\r\n", c.call("CONFIG", "GET", "databases"));
            assertEquals("-ERR unknown command 'FLUSHALL', with args beginning with: \r\n", c.call("FLUSHALL"));
            assertEquals("-ERR unknown command 'KEYS', with args beginning with: '*' \r\n", c.call("KEYS", "*"));
            assertEquals("*0\r\n", c.call("LISTKEYS", "*"));
            c.send(RespTestClient.encode("SHUTDOWN"));
            assertTrue(c.isClosedByServer(), "SHUTDOWN closes the connection without a reply");
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        assertEquals(0, p.exitValue());
        // the SHUTDOWN may come while Quarkus still boots: then there is no ready line, and never one after it
        String out = output(p);
        int ready = out.indexOf("ready to accept connections");
        assertTrue(ready < 0 || ready < out.indexOf("bye bye"), out);
    }

    /**
     * epoll where Netty's native library loads (the test machines: Linux x86-64 or aarch64); NIO when
     * switched off, and when the library cannot be used (Netty told not to load it, as on a platform
     * without one): the server starts and serves either way, and says which one it runs.
     */
    @Test
    void transportIsEpollWhereItLoadsAndNioOtherwise() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && List.of("amd64", "x86_64", "aarch64").contains(System.getProperty("os.arch")));
        assertEquals("Network transport: epoll", transportServing(java.util.Map.of()));
        assertEquals("Network transport: NIO", transportServing(java.util.Map.of("QUARKUS_VERTX_PREFER_NATIVE_TRANSPORT", "false")));
        assertEquals("Network transport: NIO", transportServing(java.util.Map.of("JAVA_TOOL_OPTIONS", "-Dio.netty.transport.noNative=true")));
    }

    /**
     * Starts a server with {@code environment}, runs a few commands, shuts it down; its transport line.
     * Each server gets a data directory of its own: a dump.rdb another test left in the shared working
     * directory would be loaded, and the port answers LOADING meanwhile.
     */
    private String transportServing(java.util.Map<String, String> environment) throws Exception {
        int port = freePort();
        Path log = dir.resolve("kv-" + port + ".log");
        Path data = java.nio.file.Files.createDirectories(dir.resolve("data-" + port));
        Process p = start(environment, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--dir", data.toString(), "--logfile", log.toString());
        try (RespTestClient c = connect(port, p)) {
            assertEquals("+OK\r\n", c.call("SET", "k", "v"));
            assertEquals("$1\r\nv\r\n", c.call("GET", "k"));
            c.send(RespTestClient.encode("SHUTDOWN"));
            assertTrue(c.isClosedByServer());
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        return Files.readAllLines(log).stream().filter(l -> l.contains("Network transport:"))
                .map(l -> l.substring(l.indexOf("Network transport:"))).findFirst().orElse("no transport line");
    }

    @Test
    void logfileReceivesTheLogInsteadOfStandardOutput() throws Exception {
        int port = freePort();
        Path log = dir.resolve("kv.log");
        Process p = start("--port", Integer.toString(port), "--bind", "127.0.0.1", "--logfile", log.toString());
        try (RespTestClient c = connect(port, p)) {
            assertEquals("+PONG\r\n", c.call("PING"));
            // the data port answers while Quarkus still boots; the ready line comes once all is up
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(log) && Files.readString(log).contains("ready to accept connections")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            c.send(RespTestClient.encode("SHUTDOWN"));
            assertTrue(c.isClosedByServer());
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String logged = Files.readString(log);
        assertTrue(logged.contains("ready to accept connections on port " + port), logged);
        assertTrue(!stdout.contains("ready to accept connections"), stdout);
    }

    private static String output(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void managementPortZeroIsBoundAndShownInInfoAndTheLog() throws Exception {
        int port = freePort();
        Path log = dir.resolve("kv.log");
        Process p = start("--port", Integer.toString(port), "--bind", "127.0.0.1", "--management-port", "0",
                "--logfile", log.toString());
        try (RespTestClient c = connect(port, p)) {
            int management = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (management <= 0 && System.nanoTime() < deadline) {
                String info = c.call("INFO", "server");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("kv_management_port:(\\d+)").matcher(info);
                assertTrue(m.find(), info);
                management = Integer.parseInt(m.group(1));
                if (management <= 0) {
                    Thread.sleep(50); // INFO shows the bound port once Quarkus reports it
                }
            }
            assertTrue(management > 0, "INFO kv_management_port shows the bound port");
            assertEquals("*2\r\n$15\r\nmanagement-port\r\n$" + Integer.toString(management).length() + "\r\n" + management + "\r\n",
                    c.call("CONFIG", "GET", "management-port"));
            java.net.http.HttpResponse<String> ready = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + management + "/q/health/ready"))
                            .timeout(java.time.Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(Files.readString(log).contains("ready to accept connections on port " + port + " (management port "
                    + management + ")"), Files.readString(log));
            c.send(RespTestClient.encode("SHUTDOWN"));
            assertTrue(c.isClosedByServer());
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void explicitBusyManagementPortStopsStartUpBeforeAnyReadyLine() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            Process p = start("--port", Integer.toString(freePort()), "--bind", "127.0.0.1",
                    "--management-port", Integer.toString(busy.getLocalPort()));
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String out = output(p);
            assertEquals(1, p.exitValue(), out);
            assertTrue(out.contains("The management port " + busy.getLocalPort() + " (health and metrics) is already in use"), out);
            assertTrue(!out.contains("ready to accept connections"), out);
        }
    }

    @Test
    void busyDataPortFailsTheStartWithoutAReadyLine() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Process p = start("--port", Integer.toString(busy.getLocalPort()), "--bind", "127.0.0.1");
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String out = output(p);
            assertTrue(p.exitValue() != 0, out);
            assertTrue(out.contains("could not bind 127.0.0.1:" + busy.getLocalPort()), out);
            assertTrue(!out.contains("ready to accept connections"), "a ready line must not precede a failed start:\n" + out);
        }
    }
}
