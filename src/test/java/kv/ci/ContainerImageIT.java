package kv.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import kv.tools.KvCli;

/**
 * Builds the JVM image (src/main/docker/Dockerfile.jvm, with its AOT training stage) with the
 * docker CLI (BuildKit: the Dockerfile uses a RUN heredoc and COPY --chmod, which the API build
 * Testcontainers uses does not support) and runs it with Testcontainers: PONG through the mapped
 * port, the HEALTHCHECK turning healthy, /q/health/live, uid 1001, the AOT cache in place. Prints
 * the time to first PONG with and without the AOT cache, and the idle RSS.
 *
 * <p>Skips visibly where there is no Docker engine (the development machines); runs in the
 * GitHub workflows, whose runners have one.
 */
class ContainerImageIT {

    static final String IMAGE = "kv-it/kv-jvm:test";

    static Boolean docker;
    static Tools.Run build;

    /** Per test (not @BeforeAll) so that every test is reported as skipped, with the reason. */
    @BeforeEach
    void dockerAndImage() throws Exception {
        if (docker == null) {
            try {
                docker = DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable e) {
                docker = false;
            }
        }
        Assumptions.assumeTrue(docker,
                "Docker not available: container-image test skipped (it runs in .github/workflows)");
        if (build == null) {
            build = Tools.run(List.of("docker", "build", "-f", "src/main/docker/Dockerfile.jvm", "-t", IMAGE, "."), 1800);
        }
        assertEquals(0, build.status(), "docker build failed:\n" + build.output());
    }

    static GenericContainer<?> container(Map<String, String> env) {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withExposedPorts(6379, 9000)
                .withStartupTimeout(Duration.ofMinutes(2));
        env.forEach(c::withEnv);
        return c;
    }

    static String kvCli(int port, String... command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = new String[command.length + 2];
        args[0] = "-p";
        args[1] = Integer.toString(port);
        System.arraycopy(command, 0, args, 2, command.length);
        KvCli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, false, Map.of());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void imageServesRedisProbesAndHealth() throws Exception {
        try (GenericContainer<?> c = container(Map.of()).waitingFor(Wait.forHealthcheck())) {
            c.start();
            int port = c.getMappedPort(6379);
            assertEquals("PONG\n", kvCli(port, "ping"));
            assertEquals("OK\n", kvCli(port, "set", "k", "v"));
            assertEquals("v\n", kvCli(port, "get", "k"));
            assertEquals("maxmemory-policy\nallkeys-lru\n", kvCli(port, "config", "get", "maxmemory-policy"));
            assertEquals("dir\n/data\n", kvCli(port, "config", "get", "dir"));

            HttpResponse<String> live = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + c.getHost() + ":" + c.getMappedPort(9000) + "/q/health/live"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, live.statusCode(), live.body());

            assertEquals("1001\n", c.execInContainer("id", "-u").getStdout());
            assertEquals("PONG\n", c.execInContainer("kv-cli", "ping").getStdout());
            var ls = c.execInContainer("ls", "/deployments/kv.aot", "/deployments/kv-cli.aot");
            assertEquals(0, ls.getExitCode(), ls.getStderr());
            var touch = c.execInContainer("touch", "/data/writable");
            assertEquals(0, touch.getExitCode(), "/data must be writable by uid 1001: " + touch.getStderr());
            var aot = c.execInContainer("sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline");
            assertTrue(aot.getStdout().contains("-XX:AOTCache=/deployments/kv.aot"), aot.getStdout());
        }
    }

    /** Polls until PONG; fails after {@code seconds} instead of waiting for ever. */
    static void awaitPong(int port, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "";
        while (!(last = kvCli(port, "ping")).equals("PONG\n")) {
            if (System.nanoTime() > deadline) {
                fail("no PONG within " + seconds + " s; last answer: " + last);
            }
            Thread.sleep(5);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void dockerHabitsWork() throws Exception {
        // Compose's `command: redis-server ...`, the Bitnami variables, redis-cli in the container
        try (GenericContainer<?> c = container(Map.of("REDIS_PASSWORD", "s3cret", "REDIS_AOF_ENABLED", "no",
                "REDIS_DISABLE_COMMANDS", "FLUSHALL", "REDISCLI_AUTH", "s3cret", "JAVA_TOOL_OPTIONS", "-Xss1m"))
                .withCommand("redis-server", "--protected-mode", "no", "--dir", "/data")
                .waitingFor(Wait.forListeningPort())) {
            c.start();
            int port = c.getMappedPort(6379);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String reply = "";
            while (!reply.startsWith("NOAUTH") && System.nanoTime() < deadline) {
                reply = kvCli(port, "ping");
                Thread.sleep(20);
            }
            assertTrue(reply.startsWith("NOAUTH"), "REDIS_PASSWORD became requirepass: " + reply);
            var pong = c.execInContainer("redis-cli", "ping");
            assertEquals("PONG\n", pong.getStdout());
            assertEquals("", pong.getStderr(), "no 'Picked up JAVA_TOOL_OPTIONS' from the client");
            assertEquals("appendonly\nno\n", c.execInContainer("redis-cli", "config", "get", "appendonly").getStdout());
            assertTrue(c.execInContainer("redis-cli", "flushall").getStdout().contains("unknown command"));
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void timeToFirstPongWithAndWithoutTheAotCache() throws Exception {
        for (int round = 0; round < 3; round++) {
            for (String aot : List.of("/deployments/kv.aot", "none")) {
                try (GenericContainer<?> c = container(Map.of("KVAPP_AOT_CACHE", aot))
                        .waitingFor(Wait.forListeningPort())) {
                    long start = System.nanoTime();
                    c.start();
                    int port = c.getMappedPort(6379);
                    awaitPong(port, 60);
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    Thread.sleep(2000);
                    String rss = c.execInContainer("sh", "-c", "grep VmRSS /proc/1/status").getStdout().trim();
                    System.out.printf("[image] AOT cache %-20s container start to first PONG %5d ms, idle %s%n", aot, ms, rss);
                }
            }
        }
    }
}
