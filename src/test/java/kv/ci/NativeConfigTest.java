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
 * What can be checked of the native build without GraalVM: `-Dnative` activates a profile that
 * turns the native build on and keeps the JVM jar the images compile kv-cli from; the
 * resources the server reads are included; classes whose static initialiser must not run at
 * build time are initialised at run time; and the main code uses no reflection that would need
 * a reflect-config (if this test fails because reflection was added, add the configuration in
 * src/main/resources/META-INF/native-image/ or @RegisterForReflection, then adapt the test).
 * What only GitHub proves: that native-image accepts all this and the binary starts
 * (release.yml's native jobs).
 */
class NativeConfigTest {

    static Properties props() throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(Tools.ROOT.resolve("src/main/resources/application.properties"))) {
            p.load(in);
        }
        return p;
    }

    static String nativeProfile() throws IOException {
        String pom = Files.readString(Tools.ROOT.resolve("pom.xml"));
        java.util.regex.Matcher m = Pattern.compile("<profile>\\s*(?:<!--.*?-->\\s*)?<id>native</id>(.*?)</profile>", Pattern.DOTALL)
                .matcher(pom);
        assertTrue(m.find(), "pom.xml has no profile with <id>native</id>");
        return m.group(1);
    }

    @Test
    void dashDnativeActivatesANativeBuildThatKeepsTheJvmJar() throws Exception {
        String profile = nativeProfile().replaceAll("\\s+", "");
        assertTrue(profile.contains("<activation><property><name>native</name></property></activation>"),
                "the profile is activated by -Dnative (what the workflows and the Dockerfiles say): " + profile);
        assertTrue(profile.contains("<quarkus.native.enabled>true</quarkus.native.enabled>"), profile);
        assertFalse(profile.contains("<quarkus.package.jar.enabled>false"),
                "Dockerfile.native compiles kv-cli from target/quarkus-app/app: the jar must still be built");
        for (String dockerfile : List.of("Dockerfile.native", "Dockerfile.native-micro")) {
            String text = Files.readString(Tools.ROOT.resolve("src/main/docker/" + dockerfile));
            assertTrue(text.contains("COPY --chmod=0755 target/*-runner "), dockerfile + " takes the runner Quarkus names *-runner");
            assertTrue(text.contains("-Dnative"), dockerfile + " documents the build with -Dnative");
        }
    }

    @Test
    void everyResourceTheCodeLoadsIsIncluded() throws Exception {
        String includes = props().getProperty("quarkus.native.resources.includes");
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : includes.split(",")) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.strip()));
        }
        Pattern literal = Pattern.compile("\"/?((?:[\\w.-]+/)+[\\w.-]+\\.(?:json|properties|txt|conf|bin))\"");
        List<String> loaded = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Tools.ROOT.resolve("src/main/java"))) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".java"))::iterator) {
                if (p.toString().contains("/kv/tools/")) {
                    continue;
                }
                String text = Files.readString(p);
                if (!text.contains("getResource")) {
                    continue;
                }
                java.util.regex.Matcher m = literal.matcher(text);
                while (m.find()) {
                    loaded.add(m.group(1));
                }
            }
        }
        assertFalse(loaded.isEmpty(), "the command facts are loaded as resources: the scan must find them");
        for (String resource : loaded) {
            assertTrue(Files.isRegularFile(Tools.ROOT.resolve("src/main/resources").resolve(resource)), resource + " exists");
            assertTrue(matchers.stream().anyMatch(m -> m.matches(Path.of(resource))),
                    resource + " is loaded at run time but not in quarkus.native.resources.includes=" + includes);
        }
    }

    @Test
    void classesSeededAtStartAreInitialisedAtRunTime() throws Exception {
        String args = props().getProperty("quarkus.native.additional-build-args", "");
        List<String> runtimeInit = new ArrayList<>();
        for (String arg : args.split(",")) {
            if (arg.startsWith("--initialize-at-run-time=")) {
                runtimeInit.addAll(List.of(arg.substring("--initialize-at-run-time=".length()).split(":")));
            }
        }
        assertTrue(args.contains("-march=compatibility"), "portable machine code: " + args);
        // a static field initialised from randomness, the clock or the process must not be frozen into the binary
        Pattern frozen = Pattern.compile("static[^;=(]*=\\s*[^;]*(Random|nanoTime|currentTimeMillis|ProcessHandle|Instant\\.now|getenv)");
        List<String> needed = new ArrayList<>();
        Path base = Tools.ROOT.resolve("src/main/java");
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".java"))::iterator) {
                if (frozen.matcher(Files.readString(p)).find()) {
                    needed.add(base.relativize(p).toString().replace('/', '.').replaceAll("\\.java$", ""));
                }
            }
        }
        assertTrue(needed.contains("kv.store.KeyHash"), "the scan sees KeyHash's SecureRandom seed: " + needed);
        for (String cls : needed) {
            assertTrue(runtimeInit.contains(cls), cls + " has a static initialiser that must run at run time: add "
                    + "--initialize-at-run-time=" + cls + " to quarkus.native.additional-build-args");
        }
        for (String cls : runtimeInit) {
            assertTrue(Files.isRegularFile(base.resolve(cls.replace('.', '/') + ".java")), cls + " (run-time init) exists");
        }
    }

    @Test
    void commandFactsAreIncludedInTheNativeImage() throws Exception {
        String includes = props().getProperty("quarkus.native.resources.includes");
        assertEquals("kv/commands/*.json,kv/commands/index.txt", includes);
        Path base = Tools.ROOT.resolve("src/main/resources");
        List<String> matched = new ArrayList<>();
        for (String glob : includes.split(",")) {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            try (Stream<Path> s = Files.walk(base)) {
                s.filter(Files::isRegularFile).map(base::relativize).filter(m::matches).forEach(p -> matched.add(p.toString()));
            }
        }
        assertTrue(matched.contains("kv/commands/redis-7.0.json") && matched.contains("kv/commands/valkey-8.0.json")
                        && matched.contains("kv/commands/index.txt"),
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

    /**
     * LuaJ's libraries create their functions with {@code Class.newInstance} (LibFunction.bind):
     * every nested function class with a no-argument constructor of each library the sandbox
     * loads must be registered for reflection, and every registered name must exist.
     */
    @Test
    void luajLibraryFunctionsAreRegisteredForReflection() throws Exception {
        String registration = Files.readString(Tools.ROOT.resolve("src/main/java/kv/server/LuaReflection.java"));
        java.util.Set<String> registered = new java.util.TreeSet<>();
        java.util.regex.Matcher m = Pattern.compile("\"(org\\.luaj[^\"]+)\"").matcher(registration);
        while (m.find()) {
            registered.add(m.group(1));
        }
        for (String name : registered) {
            Class.forName(name).getDeclaredConstructor(); // exists, with a no-argument constructor
        }
        String sandbox = Files.readString(Tools.ROOT.resolve("src/main/java/kv/script/LuaSandbox.java"))
                + Files.readString(Tools.ROOT.resolve("src/main/java/kv/script/ScriptHook.java"));
        java.util.regex.Matcher loads = Pattern.compile("load\\(new (\\w+)\\(\\)\\)").matcher(sandbox);
        List<String> missing = new ArrayList<>();
        int libraries = 0;
        while (loads.find()) {
            Class<?> lib = luajClass(loads.group(1));
            if (lib == null) {
                continue; // one of KV's own libraries (kv.script.lib): no reflection
            }
            libraries++;
            for (Class<?> c = lib; c != null && c.getName().startsWith("org.luaj"); c = c.getSuperclass()) {
                for (Class<?> nested : c.getDeclaredClasses()) {
                    boolean function = org.luaj.vm2.lib.LibFunction.class.isAssignableFrom(nested)
                            && !java.lang.reflect.Modifier.isAbstract(nested.getModifiers());
                    if (function && hasNoArgConstructor(nested) && !registered.contains(nested.getName())) {
                        missing.add(nested.getName());
                    }
                }
            }
        }
        assertTrue(libraries >= 6, "the sandbox's libraries were not found in its source");
        assertTrue(missing.isEmpty(), "register for reflection in kv.server.LuaReflection: " + missing);
    }

    private static Class<?> luajClass(String simpleName) {
        for (String pkg : List.of("org.luaj.vm2.lib.", "org.luaj.vm2.lib.jse.")) {
            try {
                return Class.forName(pkg + simpleName);
            } catch (ClassNotFoundException e) {
                // try the next package
            }
        }
        return null;
    }

    private static boolean hasNoArgConstructor(Class<?> c) {
        try {
            c.getDeclaredConstructor();
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
