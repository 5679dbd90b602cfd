package kv;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real redis-server 7.0.x started for a test on a free port (the oracle; CI installs Debian's).
 * A test that needs it is skipped, saying why, where there is none.
 */
public final class ReferenceRedis implements AutoCloseable {
    private Process process;
    private final int port;
    private final List<String> command;
    private final java.nio.file.Path dir;

    private ReferenceRedis(Process process, int port, List<String> command, java.nio.file.Path dir) {
        this.process = process;
        this.port = port;
        this.command = command;
        this.dir = dir;
    }

    /** Starts one, or skips the calling test if no redis-server 7.0.x is on PATH. */
    public static ReferenceRedis startOrSkip(String... extraArgs) throws Exception {
        String version = localVersion();
        Assumptions.assumeTrue(version != null && version.startsWith("7.0."),
                "no reference redis-server 7.0.x on PATH (found: " + version + ")");
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(free), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--enable-debug-command", "local", "--daemonize", "no",
                // its own directory: a disk-based replication writes dump.rdb, which a later start would load
                "--dir", java.nio.file.Files.createTempDirectory("reference-redis").toString()));
        java.nio.file.Path dir = java.nio.file.Path.of(cmd.get(cmd.size() - 1));
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ReferenceRedis r = new ReferenceRedis(p, free, cmd, dir);
        try {
            r.awaitPort();
        } catch (Exception | AssertionError e) {
            r.close();
            throw e;
        }
        return r;
    }

    /** Stops the server and starts it again on the same port with the same arguments (a new run id, data gone). */
    public void restart() throws Exception {
        stop();
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                java.nio.file.Files.deleteIfExists(f);
            }
        }
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        awaitPort();
    }

    public int port() {
        return port;
    }

    /** "7.0.15" from {@code redis-server --version}, or null if there is none. */
    public static String localVersion() {
        try {
            Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            int v = out.indexOf("v=");
            return v < 0 ? null : out.substring(v + 2).split("\\s")[0];
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    /** Waits for PING's answer: redis-server accepts connections while it loads its files, but answers -LOADING. */
    private void awaitPort() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] reply = new byte[5];
                String head = new String(reply, 0, s.getInputStream().readNBytes(reply, 0, 5), StandardCharsets.US_ASCII);
                if (head.equals("+PONG") || head.equals("-NOAU")) { // NOAUTH: a server with requirepass is up
                    return;
                }
                throw new IOException("not ready");
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("reference redis-server did not start on port " + port);
                }
                Thread.sleep(50);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                java.nio.file.Files.deleteIfExists(f);
            }
            java.nio.file.Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }

    private void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
