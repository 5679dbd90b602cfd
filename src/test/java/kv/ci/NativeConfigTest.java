package kv.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * What can be checked of the native-image configuration without GraalVM: the resources the
 * server reads are included, and the main code uses no reflection that would need a
 * reflect-config (if this test fails because reflection was added, add the configuration in
 * src/main/resources/META-INF/native-image/ or @RegisterForReflection, then adapt the test).
 */
class NativeConfigTest {

    static Properties props() throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(Tools.ROOT.resolve("src/main/resources/application.properties"))) {
            p.load(in);
        }
        return p;
    }

    @Test
    void commandFactsAreIncludedInTheNativeImage() throws Exception {
        String includes = props().getProperty("quarkus.native.resources.includes");
        assertEquals("kv/commands/*.json", includes);
        Path base = Tools.ROOT.resolve("src/main/resources");
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + includes);
        List<String> matched = new ArrayList<>();
        try (Stream<Path> s = Files.walk(base)) {
            s.filter(Files::isRegularFile).map(base::relativize).filter(m::matches).forEach(p -> matched.add(p.toString()));
        }
        assertTrue(matched.contains("kv/commands/redis-7.0.json") && matched.contains("kv/commands/valkey-8.0.json"),
                "the include must match the command facts: " + matched);
    }

    @Test
    void noReflectionInTheServerCode() throws Exception {
        Pattern reflective = Pattern.compile("Class\\.forName|\\.getDeclared(Method|Field|Constructor)|\\.newInstance\\(|"
                + "MethodHandles\\.lookup|ServiceLoader\\.load|ObjectMapper");
        List<String> hits = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Tools.ROOT.resolve("src/main/java"))) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".java"))::iterator) {
                if (p.toString().contains("/kv/tools/")) {
                    continue; // kv-cli runs on the JVM or as its own native binary; it reflects only on Console
                }
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    if (reflective.matcher(lines.get(i)).find()) {
                        hits.add(Tools.ROOT.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        boolean configured = Files.isDirectory(Tools.ROOT.resolve("src/main/resources/META-INF/native-image"));
        assertFalse(!hits.isEmpty() && !configured,
                "reflection in the server code needs native-image configuration:\n" + String.join("\n", hits));
    }
}
