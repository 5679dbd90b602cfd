package kv.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import kv.KvProcess;
import kv.ReferenceRedis;

/**
 * Node.js applications' clients, unchanged: each session in src/test/node-clients (BullMQ on
 * ioredis, node-redis over RESP3 with client-side caching, ioredis with rate-limiter-flexible,
 * redlock and bee-queue) is played against a real redis-server
 * and against a KV process, and must print the same summary line. The sessions print only what
 * does not depend on timing or on hash order. .ci/run installs the packages (npm ci).
 */
class NodeClientsIT {
    private static final Path CLIENTS = Path.of("src/test/node-clients").toAbsolutePath();
    private static final long SESSION_LIMIT_SECONDS = 120;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"bullmq-session.js", "node-redis-session.js", "ioredis-libraries-session.js"})
    void sessionPrintsWhatItPrintsAgainstRedis(String script) throws Exception {
        requireInstalled();
        String expected;
        try (ReferenceRedis redis = ReferenceRedis.startOrSkip()) {
            expected = play(script, redis.port());
        }
        try (KvProcess kv = KvProcess.start(Files.createDirectories(tmp.resolve("kv")))) {
            assertEquals(expected, play(script, kv.port), script + " against KV (log " + kv.log + ")");
        }
    }

    @Test
    void aSessionThatFailsIsSeenAsFailing() throws Exception {
        requireInstalled();
        // nothing listens on the port: the session must not print a summary that could match
        int closed = KvProcess.freePort();
        Run run = run(List.of("node", "node-redis-session.js", Integer.toString(closed)), 30);
        assertTrue(run.status != 0, "a session without a server exits with an error:\n" + run.output);
    }

    private static void requireInstalled() {
        for (String module : List.of("bullmq", "ioredis", "redis", "rate-limiter-flexible", "redlock", "bee-queue")) {
            if (!Files.isDirectory(CLIENTS.resolve("node_modules").resolve(module))) {
                fail("npm package '" + module + "' is not installed: run `npm ci --prefix src/test/node-clients` (.ci/run does it)");
            }
        }
    }

    private String play(String script, int port) throws Exception {
        Run run = run(List.of("node", script, Integer.toString(port)), SESSION_LIMIT_SECONDS);
        assertEquals(0, run.status, script + " on port " + port + " failed:\n" + run.output);
        return run.output.strip();
    }

    private record Run(int status, String output) {}

    private Run run(List<String> command, long limitSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "node", ".out");
        Process p = new ProcessBuilder(command).directory(CLIENTS.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail(command + " did not finish within " + limitSeconds + " s:\n" + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
