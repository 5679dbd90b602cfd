package kv;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged KV started as its own JVM on a free port, its output in a log file. */
public final class KvProcess implements AutoCloseable {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    public final Process process;
    public final int port;
    public final Path log;

    private KvProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts KV with {@code --dir dir} and the given directives; does not wait for it. */
    public static KvProcess launch(Path dir, String... args) throws IOException {
        return launch(dir, freePort(), args);
    }

    /** The same on a given port (a restart where clients and Sentinels expect it). */
    public static KvProcess launch(Path dir, int port, String... args) throws IOException {
        Path log = Files.createTempFile(dir.getParent(), "kv-", ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", JAR.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--management-port", "0", "--dir", dir.toString(), "--save", "", "--enable-debug-command", "yes"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new KvProcess(p, port, log);
    }

    /** Starts KV and waits until it answers PING (loading included). */
    public static KvProcess start(Path dir, String... args) throws Exception {
        return awaitPong(launch(dir, args));
    }

    public static KvProcess start(Path dir, int port, String... args) throws Exception {
        return awaitPong(launch(dir, port, args));
    }

    private static KvProcess awaitPong(KvProcess kv) throws Exception {
        try (RespTestClient c = kv.connect()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!c.call("PING").equals("+PONG\r\n")) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("KV did not finish loading: " + kv.output());
                }
                Thread.sleep(20);
            }
        } catch (Exception | AssertionError e) {
            kv.process.destroyForcibly();
            throw e;
        }
        return kv;
    }

    public RespTestClient connect() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return new RespTestClient(port).timeout(30_000);
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("KV did not come up: " + output(), e);
                }
                Thread.sleep(50);
            }
        }
    }

    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** kill -9: no shutdown hook runs, nothing is flushed. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to end by itself; its exit code. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("KV did not exit");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
