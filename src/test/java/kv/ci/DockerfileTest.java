package kv.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Dockerfiles in src/main/docker: dockerfile-utils' linter (npm, in src/test/ci-tools) finds
 * nothing, and each final stage keeps the images' contract: a non-root USER 1001, /data volume
 * owned by it, EXPOSE 6379 9000, a HEALTHCHECK with kv-cli, the entrypoint script and the
 * default CMD. Building the images needs Docker: ContainerImageIT does that where it exists.
 */
class DockerfileTest {

    static final String CMD = "CMD [\"--bind\", \"0.0.0.0\", \"--dir\", \"/data\", \"--maxmemory-policy\", "
            + "\"allkeys-lru\", \"--protected-mode\", \"no\"]";

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native", "Dockerfile.native-micro"})
    void lintsClean(String name) throws Exception {
        Tools.requireNodeModule("dockerfile-utils");
        Tools.Run r = Tools.run(List.of("node", "src/test/ci-tools/node_modules/dockerfile-utils/bin/dockerfile-utils",
                "lint", "src/main/docker/" + name), 120);
        assertEquals(0, r.status(), "dockerfile-utils lint " + name + ":\n" + r.output());
        assertEquals("", r.output().trim(), "dockerfile-utils lint " + name + " printed warnings");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native", "Dockerfile.native-micro"})
    void finalStageKeepsTheContract(String name) throws Exception {
        String all = Files.readString(Tools.ROOT.resolve("src/main/docker/" + name));
        List<String> stage = finalStage(all);
        String text = String.join("\n", stage);
        assertTrue(stage.contains("USER 1001"), name + ": final stage must run as USER 1001");
        assertTrue(stage.contains("VOLUME [\"/data\"]"), name + ": VOLUME /data");
        assertTrue(stage.contains("EXPOSE 6379 9000"), name + ": EXPOSE 6379 9000");
        assertTrue(stage.contains("ENTRYPOINT [\"/usr/local/bin/kv-entrypoint.sh\"]"), name + ": ENTRYPOINT");
        assertTrue(stage.contains(CMD), name + ": default CMD");
        assertTrue(Pattern.compile("HEALTHCHECK [^\\n]*\\n?\\s*CMD kv-cli -p \\S+ ping \\| grep -qE '\\^\\(PONG\\|NOAUTH\\)'")
                .matcher(text).find(), name + ": HEALTHCHECK with kv-cli ping");
        // (installed in the final stage or in the stage it is built FROM)
        assertTrue(all.contains("/usr/local/bin/kv-cli"), name + ": kv-cli installed");
        assertTrue(all.contains("kv-entrypoint.sh /usr/local/bin/kv-entrypoint.sh"), name + ": entrypoint installed");
        assertTrue(all.contains("chown 1001:0") && all.contains("/data"), name + ": /data owned by uid 1001");
        // USER must not go back to root after it is set
        int user = stage.indexOf("USER 1001");
        for (String line : stage.subList(user, stage.size())) {
            assertTrue(!line.startsWith("USER ") || line.equals("USER 1001"), name + ": " + line);
            assertTrue(!line.startsWith("RUN "), name + ": no RUN after USER 1001 in the final stage: " + line);
        }
        // no KV_* variables: KV reads KV_<DIRECTIVE> from the environment and rejects unknown ones
        Matcher kv = Pattern.compile("\\b(ENV|ARG)\\s+KV_").matcher(all);
        assertTrue(!kv.find(), name + ": an ENV/ARG named KV_* would be read by the server as a directive");
    }

    @org.junit.jupiter.api.Test
    void jvmImageTrainsAndUsesTheAotCache() throws Exception {
        String jvm = Files.readString(Tools.ROOT.resolve("src/main/docker/Dockerfile.jvm"));
        assertTrue(jvm.contains("ARG JAVA_IMAGE=eclipse-temurin:25-jre"), "JDK 25 runtime by default");
        assertTrue(jvm.contains("FROM runtime AS aot-train"), "a training stage");
        assertTrue(jvm.contains("-XX:AOTCacheOutput=/tmp/aot/out/kv.aot"), "server cache trained");
        assertTrue(jvm.contains("-XX:AOTCacheOutput=/tmp/aot/out/kv-cli.aot"), "kv-cli cache trained");
        assertTrue(jvm.contains("COPY --from=aot-train /tmp/aot/out/ /deployments/"), "caches in the final image");
        String ep = Files.readString(Tools.ROOT.resolve("src/main/docker/kv-entrypoint.sh"));
        assertTrue(ep.contains("-XX:AOTCache=$aot"), "entrypoint uses the cache");
        assertTrue(ep.contains("-XX:MaxRAMPercentage=$heap_percent"), "container-aware heap default");
        String jdk25Collector = "-XX:+UseShenandoahGC -XX:ShenandoahGCMode=generational -XX:+UseCompactObjectHeaders";
        assertTrue(ep.contains("collector=\"" + jdk25Collector + "\""), "the entrypoint's JDK 25 collector");
        assertTrue(jvm.contains(jdk25Collector), "the AOT cache is trained with the entrypoint's collector flags:"
                + " a JVM refuses a cache trained with another UseCompactObjectHeaders setting");
        String ignore = Files.readString(Tools.ROOT.resolve(".dockerignore"));
        assertTrue(ignore.contains("!target/quarkus-app") && ignore.contains("!src/main/docker/kv-entrypoint.sh")
                && ignore.contains("!bin/kv-cli") && ignore.contains("!target/*-runner"), ".dockerignore keeps the inputs");
    }

    /** Instructions (continuation lines joined with \n) of the last FROM stage. */
    static List<String> finalStage(String dockerfile) {
        List<String> instructions = new ArrayList<>();
        StringBuilder cur = null;
        boolean heredoc = false;
        String heredocEnd = null;
        for (String line : dockerfile.split("\n", -1)) {
            if (heredoc) {
                if (line.equals(heredocEnd)) {
                    heredoc = false;
                }
                continue;
            }
            String t = line.strip();
            if (cur == null && (t.isEmpty() || t.startsWith("#"))) {
                continue;
            }
            if (cur == null) {
                cur = new StringBuilder(t);
            } else {
                cur.append('\n').append(t);
            }
            Matcher h = Pattern.compile("<<-?\"?(\\w+)\"?").matcher(t);
            if (t.startsWith("RUN") && h.find()) {
                heredoc = true;
                heredocEnd = h.group(1);
            }
            if (!t.endsWith("\\")) {
                instructions.add(cur.toString().replace("\\\n", "\n"));
                cur = null;
            }
        }
        int last = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).startsWith("FROM ")) {
                last = i;
            }
        }
        return instructions.subList(last, instructions.size());
    }
}
