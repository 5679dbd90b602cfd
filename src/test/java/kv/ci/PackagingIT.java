package kv.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The packaged application's layout (failsafe: after `package`): quarkus-run.jar is Quarkus'
 * aot-jar launcher, whose manifest puts every jar on the JDK's class path (only classes of the
 * JDK's own class loaders are pre-linked by a JDK 25 AOT cache), and every jar it names lies in a
 * folder Dockerfile.jvm copies into the image, so the image's class path is complete.
 */
class PackagingIT {

    @Test
    void quarkusRunJarPutsTheApplicationOnTheJdkClassPathAndTheImageHoldsEveryJar() throws Exception {
        Path app = Tools.ROOT.resolve("target/quarkus-app");
        Path jar = app.resolve("quarkus-run.jar");
        assertTrue(Files.isRegularFile(jar), jar + " missing: run the integration tests with `./mvnw verify`");
        Attributes manifest;
        try (JarFile j = new JarFile(jar.toFile())) {
            manifest = j.getManifest().getMainAttributes();
        }
        assertEquals("io.quarkus.bootstrap.runner.AotQuarkusEntryPoint", manifest.getValue("Main-Class"),
                "quarkus.package.jar.type=aot-jar (application.properties): the fast-jar's RunnerClassLoader is outside the AOT cache");
        String classPath = manifest.getValue("Class-Path");
        assertTrue(classPath != null && !classPath.isBlank(), "quarkus-run.jar has no Class-Path");

        String dockerfile = Files.readString(Tools.ROOT.resolve("src/main/docker/Dockerfile.jvm"));
        List<String> copied = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^COPY target/quarkus-app/(\\S+) /deployments/").matcher(dockerfile);
        while (m.find()) {
            copied.add(m.group(1));
        }
        assertTrue(copied.contains("quarkus-run.jar"), "Dockerfile.jvm copies quarkus-run.jar: " + copied);

        boolean kvJar = false;
        for (String entry : classPath.trim().split("\\s+")) {
            assertFalse(entry.startsWith("/") || entry.contains(".."), "class path entry is not relative to quarkus-app: " + entry);
            assertTrue(Files.isRegularFile(app.resolve(entry)), "quarkus-run.jar names " + entry + ", which is not in " + app);
            assertTrue(copied.stream().anyMatch(dir -> dir.endsWith("/") && entry.startsWith(dir)),
                    "Dockerfile.jvm copies none of the folders holding " + entry + ": " + copied);
            kvJar |= entry.startsWith("app/kv-");
        }
        assertTrue(kvJar, "KV's own jar is not on quarkus-run.jar's class path: " + classPath);
    }
}
