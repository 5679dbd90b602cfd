package kv.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Replays the whole corpus against a live reference redis-server 7.0 (the version the corpus was
 * recorded from): every {@code <} line must match, which proves the corpus and the replayer.
 * With {@code -Doracle.port=NNNN} it uses that server; otherwise it starts the local
 * {@code redis-server} if it is a 7.0.x (CI installs Debian's 7.0.15), and skips, saying why,
 * when there is none or another version.
 */
class OracleSelfCheckTest {
    @Test
    void corpusMatchesReferenceServer() throws Exception {
        String port = System.getProperty("oracle.port");
        if (port != null && !port.isBlank()) {
            replay(System.getProperty("oracle.host", "127.0.0.1"), Integer.parseInt(port.trim()));
            return;
        }
        String version = localRedisVersion();
        Assumptions.assumeTrue(version != null && version.startsWith("7.0."),
                "no reference redis-server 7.0.x on PATH (found: " + version + "); or run with -Doracle.port=NNNN");
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        Process oracle = new ProcessBuilder("redis-server", "--port", Integer.toString(free), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--enable-debug-command", "local", "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitPort(free, oracle);
            replay("127.0.0.1", free);
        } finally {
            oracle.destroy();
            if (!oracle.waitFor(10, TimeUnit.SECONDS)) {
                oracle.destroyForcibly();
            }
        }
    }

    private static void replay(String host, int port) throws Exception {
        Replayer r = new Replayer(host, port, Replayer.Target.ORACLE_70);
        List<Replayer.Mismatch> mismatches = r.run(CorpusFiles.loadAll());
        assertTrue(r.checked() >= 650, "too few exchanges compared: " + r.checked());
        assertTrue(mismatches.isEmpty(), CorpusFiles.report(mismatches, r));
    }

    /** "7.0.15" from {@code redis-server --version}, or null if there is none. */
    private static String localRedisVersion() {
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

    private static void awaitPort(int port, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("reference redis-server did not start on port " + port);
                }
                Thread.sleep(50);
            }
        }
    }
}
