package kv.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images' entrypoint and the kv-cli launcher, run locally against the packaged application
 * (failsafe: after `package`, so target/quarkus-app exists): kv-entrypoint.sh with
 * KVAPP_JAR=target/quarkus-app/quarkus-run.jar starts the server with redis-server arguments and
 * the default JVM options, and bin/kv-cli gets a PONG from it.
 */
class EntrypointIT {

    @TempDir
    Path dir;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Tools.Run kvCli(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bin/kv-cli"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Tools.ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("kv-cli " + cmd + " hung");
        }
        return new Tools.Run(p.exitValue(), out);
    }

    @Test
    void entrypointStartsTheServerAndKvCliGetsPong() throws Exception {
        Path jar = Tools.ROOT.resolve("target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.isRegularFile(jar), jar + " missing: run the integration tests with `./mvnw verify`");
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder("sh", "src/main/docker/kv-entrypoint.sh",
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--maxmemory-policy", "allkeys-lru", "--protected-mode", "no")
                .directory(Tools.ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile());
        pb.environment().put("KVAPP_JAR", jar.toString());
        pb.environment().put("KVAPP_AOT_CACHE", "none");
        pb.environment().remove("JAVA_OPTS");
        pb.environment().put("JAVA_OPTS_APPEND", "-Xmx256m -Dquarkus.management.port=0"
                + " -Dquarkus.management.host=127.0.0.1");
        Process server = pb.start();
        try {
            String pong = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && server.isAlive()) {
                pong = kvCli(Map.of(), "-p", Integer.toString(port), "ping").output();
                if (pong.equals("PONG\n")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals("PONG\n", pong, "no PONG; server log:\n" + Files.readString(dir.resolve("server.log")));

            // the script exec'd java: same pid, with the container-aware defaults and the arguments
            String cmdline = Files.readString(Path.of("/proc/" + server.pid() + "/cmdline")).replace('\0', ' ');
            assertTrue(cmdline.contains("java ") || cmdline.contains("/java "), cmdline);
            // the entrypoint's caps; its heap knob steps aside for the -Xmx in JAVA_OPTS_APPEND
            assertTrue(cmdline.contains("-XX:MaxDirectMemorySize=") && cmdline.contains("-XX:+ExitOnOutOfMemoryError"), cmdline);
            assertTrue(!cmdline.contains("MaxRAMPercentage") && cmdline.contains("-Xmx256m"), cmdline);
            assertTrue(cmdline.contains("-jar " + jar + " --port " + port), cmdline);

            assertEquals("OK\n", kvCli(Map.of(), "-p", Integer.toString(port), "set", "greeting", "hello").output());
            assertEquals("\"hello\"\n",
                    kvCli(Map.of(), "-p", Integer.toString(port), "--no-raw", "get", "greeting").output());
            assertEquals("allkeys-lru\n",
                    kvCli(Map.of(), "-p", Integer.toString(port), "config", "get", "maxmemory-policy").output()
                            .replace("maxmemory-policy\n", ""));
        } finally {
            server.destroy(); // SIGTERM reaches java directly (exec)
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                fail("the server did not stop on SIGTERM");
            }
        }
    }

    @Test
    void otherCommandsAreExecutedAsIs() throws Exception {
        Tools.Run r = Tools.run(List.of("sh", "src/main/docker/kv-entrypoint.sh", "echo", "hello"), 30);
        assertEquals(new Tools.Run(0, "hello\n"), r);
    }

    @Test
    void missingJarIsReported() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "src/main/docker/kv-entrypoint.sh", "--port", "1")
                .directory(Tools.ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("KVAPP_JAR", dir.resolve("nope.jar").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        assertEquals("kv-entrypoint: " + dir.resolve("nope.jar") + " not found (set KVAPP_JAR)\n", out);
    }

    @Test
    void kvCliLauncherReportsConnectionRefused() throws Exception {
        int closed = freePort();
        Tools.Run r = kvCli(Map.of(), "-p", Integer.toString(closed), "ping");
        assertEquals(new Tools.Run(1, "Could not connect to Redis at 127.0.0.1:" + closed + ": Connection refused\n"), r);
    }

    @Test
    void kvCliIgnoresTheServersJavaToolOptions() throws Exception {
        // a pod's JAVA_TOOL_OPTIONS must not make the client print "Picked up JAVA_TOOL_OPTIONS" (stderr is merged here)
        int closed = freePort();
        Tools.Run r = kvCli(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=25", "JDK_JAVA_OPTIONS", "-Xss1m"),
                "-p", Integer.toString(closed), "ping");
        assertEquals(new Tools.Run(1, "Could not connect to Redis at 127.0.0.1:" + closed + ": Connection refused\n"), r);
    }
}
