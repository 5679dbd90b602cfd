package kv.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.config.ConfigSource;
import kv.config.ServerConfig;

/**
 * src/main/docker/kv-entrypoint.sh run by /bin/sh as in the images, with a fake `java` (and a
 * fake native binary and kv-cli) that print the command line they get, and a fake cgroup
 * directory holding the container's memory limit: the JVM options the one heap knob produces,
 * the Bitnami variables turned into redis-server flags (which KV's own config loader must
 * accept), and the redis-server / redis-cli first arguments. No container engine needed.
 */
class EntrypointTest {

    static final long LIMIT = 2L * 1024 * 1024 * 1024;

    @TempDir
    Path dir;

    Path bin;
    Path cgroup;
    Path jar;
    Path conf;

    record Result(int status, List<String> argv, String stderr) {
        /** The arguments after -jar JAR (the server's command line). */
        List<String> serverArgs() {
            int i = argv.indexOf("-jar");
            return argv.subList(i + 2, argv.size());
        }

        /** The JVM options before -jar. */
        List<String> jvmOptions() {
            return argv.subList(1, argv.indexOf("-jar"));
        }
    }

    @BeforeEach
    void fakes() throws Exception {
        bin = Files.createDirectories(dir.resolve("bin"));
        fake("java", "java");
        fake("kv-cli", "kv-cli");
        fake("application", "native");
        cgroup = Files.createDirectories(dir.resolve("cgroup"));
        Files.writeString(cgroup.resolve("memory.max"), LIMIT + "\n");
        jar = Files.writeString(dir.resolve("quarkus-run.jar"), "");
        conf = Files.writeString(dir.resolve("kv.conf"), "port 6379\n");
    }

    /** A program printing its name and then each argument on a line of its own. */
    void fake(String name, String label) throws Exception {
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/bin/sh\necho " + label + "\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    Result run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", Tools.ROOT.resolve("src/main/docker/kv-entrypoint.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("JAVA") || k.startsWith("REDIS") || k.startsWith("KVAPP")
                || k.equals("ALLOW_EMPTY_PASSWORD") || k.equals("NATIVE_OPTS") || k.equals("JDK_JAVA_OPTIONS"));
        e.put("PATH", bin + ":" + System.getenv("PATH"));
        e.put("KVAPP_JAR", jar.toString());
        e.put("KVAPP_AOT_CACHE", "none");
        e.put("KVAPP_CGROUP_DIR", cgroup.toString());
        e.putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the entrypoint did not finish");
        List<String> argv = out.isEmpty() ? List.of() : List.of(out.split("\n", -1)).subList(0, out.split("\n", -1).length - 1);
        return new Result(p.exitValue(), argv, err);
    }

    static long option(List<String> options, String prefix) {
        for (String o : options) {
            if (o.startsWith(prefix)) {
                String v = o.substring(prefix.length());
                long unit = v.endsWith("m") ? 1024 * 1024 : 1;
                return Long.parseLong(v.replaceAll("[mM]$", "")) * unit;
            }
        }
        return -1;
    }

    @Test
    void defaultsKeepHeapDirectMetaspaceAndCodeCacheInsideTheLimit() throws Exception {
        Result r = run(Map.of(), "--port", "7000");
        assertEquals(0, r.status(), r.stderr());
        assertEquals("java", r.argv().get(0));
        assertEquals(List.of("--port", "7000"), r.serverArgs());
        List<String> opts = r.jvmOptions();
        assertTrue(opts.contains("-XX:MaxRAMPercentage=65"), opts.toString());
        assertTrue(opts.contains("-XX:+ExitOnOutOfMemoryError"), opts.toString());
        long heap = LIMIT * option(opts, "-XX:MaxRAMPercentage=") / 100;
        long direct = option(opts, "-XX:MaxDirectMemorySize=");
        long metaspace = option(opts, "-XX:MaxMetaspaceSize=");
        long codeCache = option(opts, "-XX:ReservedCodeCacheSize=");
        assertEquals(LIMIT / 10, direct, "direct memory capped at 10% of the limit");
        assertTrue(metaspace > 0 && codeCache > 0, opts.toString());
        long capped = heap + direct + metaspace + codeCache;
        assertTrue(capped <= LIMIT * 85 / 100, "heap + direct + metaspace + code cache = " + capped
                + " leaves less than 15% of the " + LIMIT + " limit for stacks and GC structures");
    }

    @Test
    void theMemoryBudgetIsLoggedAtStart() throws Exception {
        Result r = run(Map.of());
        assertTrue(r.stderr().contains("memory limit 2048 MiB: heap 1331 + direct 204 + metaspace 128 + code cache 64"
                + " = 1727 MiB at most, 321 MiB left for threads, GC structures and malloc"), r.stderr());
        Result mine = run(Map.of("JAVA_OPTS_APPEND", "-Xmx300m"));
        assertTrue(mine.stderr().contains("heap as JAVA_TOOL_OPTIONS/JAVA_OPTS_APPEND set it"), mine.stderr());
    }

    /** A JDK home with the fake java and a release file of that version. */
    Path jdk(String version) throws Exception {
        Path home = Files.createDirectories(dir.resolve("jdk-" + version));
        Files.createDirectories(home.resolve("bin"));
        Files.copy(bin.resolve("java"), home.resolve("bin/java"), StandardCopyOption.COPY_ATTRIBUTES,
                StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }

    @Test
    void theCollectorFollowsTheJdkUnlessOneIsNamed() throws Exception {
        List<String> jdk25 = run(Map.of("JAVA_HOME", jdk("25.0.3").toString())).jvmOptions();
        assertTrue(jdk25.containsAll(List.of("-XX:+UseShenandoahGC", "-XX:ShenandoahGCMode=generational",
                "-XX:+UseCompactObjectHeaders", "-XX:+UnlockExperimentalVMOptions", "-XX:ShenandoahUncommitDelay=1000",
                "-XX:ShenandoahGuaranteedYoungGCInterval=1000")),
                jdk25.toString());
        assertFalse(jdk25.contains("-XX:+UseG1GC"), jdk25.toString());
        // older JDKs (and a java whose version is unknown): G1, named, shrinking while idle
        for (Map<String, String> env : List.of(Map.of("JAVA_HOME", jdk("21.0.7").toString()), Map.<String, String>of())) {
            List<String> g1 = run(env).jvmOptions();
            assertTrue(g1.containsAll(List.of("-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=60000", "-XX:MaxHeapFreeRatio=30")),
                    g1.toString());
            assertFalse(g1.stream().anyMatch(o -> o.contains("Shenandoah") || o.contains("CompactObjectHeaders")), g1.toString());
        }
        // a collector named by the user replaces the default (two would stop the JVM)
        Result z = run(Map.of("JAVA_HOME", jdk("25.0.3").toString(), "JAVA_OPTS_APPEND", "-Xss1m -XX:+UseZGC"));
        assertEquals(List.of("-XX:+UseZGC"), z.jvmOptions().stream().filter(o -> o.startsWith("-XX:+Use")).toList());
        Result t = run(Map.of("JAVA_HOME", jdk("25.0.3").toString(), "JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC"));
        assertFalse(t.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:+Use")), t.jvmOptions().toString());
        assertTrue(t.stderr().contains("collector: the JVM's default"), t.stderr());
    }

    /**
     * With JAVA_HOME set (the images) the entrypoint reaches java on the shell's builtins alone,
     * maxmemory and all: each fork and exec of a helper program is start-up time in front of the
     * JVM's. A PATH holding nothing but the fakes proves it.
     */
    @Test
    void reachesJavaWithoutRunningAnyOtherProgram() throws Exception {
        Result r = run(Map.of("PATH", bin.toString(), "JAVA_HOME", jdk("25.0.3").toString()), "--maxmemory", "300MB");
        assertEquals(0, r.status(), r.stderr());
        assertTrue(r.jvmOptions().containsAll(List.of("-Xmx464m", "-XX:MaxDirectMemorySize=" + LIMIT / 10,
                "-XX:+UseShenandoahGC")), r.jvmOptions().toString());
        Files.writeString(cgroup.resolve("memory.max"), "max\n");   // the host's memory, from /proc/meminfo
        Result host = run(Map.of("PATH", bin.toString(), "JAVA_HOME", jdk("25.0.3").toString()));
        assertEquals(0, host.status(), host.stderr());
        assertTrue(option(host.jvmOptions(), "-XX:MaxDirectMemorySize=") > 0, host.jvmOptions().toString());
    }

    @Test
    void theHeapFollowsMaxmemoryWhenThatNeedsLess() throws Exception {
        // 300mb (MiB) of data: 4/3 of it plus 64 MiB, well under 60% of the 2 GiB limit
        Result flag = run(Map.of(), "--maxmemory", "300mb");
        assertEquals(0, flag.status(), flag.stderr());
        assertTrue(flag.jvmOptions().contains("-Xmx464m"), flag.jvmOptions().toString());
        assertFalse(flag.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:MaxRAMPercentage")));
        assertTrue(flag.stderr().contains("heap 464 MiB for maxmemory"), flag.stderr());
        // from the config file, the last flag winning over it; units as redis-server reads them
        Files.writeString(conf, "port 6379\nmaxmemory 500mb\n");
        assertTrue(run(Map.of(), conf.toString()).jvmOptions().contains("-Xmx730m"));
        assertTrue(run(Map.of(), conf.toString(), "--maxmemory", "150M").jvmOptions().contains("-Xmx254m"));
        // more than the knob's share: the share stays the ceiling (KV then evicts at 3/4 of the heap)
        Result big = run(Map.of(), "--maxmemory", "4gb");
        assertTrue(big.jvmOptions().contains("-XX:MaxRAMPercentage=65"), big.jvmOptions().toString());
        assertTrue(big.stderr().contains("evicts at 3/4 of the heap"), big.stderr());
        // native images get the same -Xmx
        Result nat = run(Map.of("KVAPP_BIN", bin.resolve("application").toString()), "--maxmemory", "300mb");
        assertEquals("-Xmx464m", nat.argv().get(1), nat.argv().toString());
    }

    @Test
    void theHeapKnobIsKvappHeapPercent() throws Exception {
        assertTrue(run(Map.of("KVAPP_HEAP_PERCENT", "25")).jvmOptions().contains("-XX:MaxRAMPercentage=25"));
        Result bad = run(Map.of("KVAPP_HEAP_PERCENT", "95"));
        assertEquals(1, bad.status());
        assertTrue(bad.stderr().contains("KVAPP_HEAP_PERCENT=95 is outside 10..80"), bad.stderr());
    }

    @Test
    void aHeapSizeInJavaToolOptionsIsNotOverridden() throws Exception {
        // JAVA_TOOL_OPTIONS is read before the command line: an entrypoint -XX:MaxRAMPercentage
        // would silently win over it (25% asked, 70% given)
        Result r = run(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=25"));
        assertFalse(r.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:MaxRAMPercentage")), r.jvmOptions().toString());
        assertTrue(r.jvmOptions().contains("-XX:MaxDirectMemorySize=" + LIMIT / 10), "direct memory still capped");
        Result x = run(Map.of("JAVA_OPTS_APPEND", "-Xmx512m"));
        assertFalse(x.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:MaxRAMPercentage")), x.jvmOptions().toString());
        assertTrue(x.jvmOptions().contains("-Xmx512m"));
        assertEquals(List.of("-Xss1m"), run(Map.of("JAVA_OPTS", "-Xss1m")).jvmOptions(), "JAVA_OPTS replaces the defaults");
    }

    /** The heap starts at the JVM's minimum, which is also what the collector shrinks an idle heap back to. */
    @Test
    void theInitialHeapIsSmallUnlessGiven() throws Exception {
        assertTrue(run(Map.of()).jvmOptions().contains("-Xms8m"));
        for (String mine : List.of("-Xms256m", "-XX:InitialRAMPercentage=5", "-XX:InitialHeapSize=64m")) {
            for (String variable : List.of("JAVA_OPTS_APPEND", "JAVA_TOOL_OPTIONS")) {
                List<String> opts = run(Map.of(variable, mine)).jvmOptions();
                assertFalse(opts.contains("-Xms8m"), variable + "=" + mine + ": " + opts);
            }
        }
    }

    /** The JVM trims its C heap where the JDK has the switch (JDK 17.0.9+, 21.0.1+, 22+; experimental before 23). */
    @Test
    void theNativeHeapIsTrimmedWhereTheJdkCan() throws Exception {
        for (String version : List.of("25.0.3", "21.0.1", "17.0.15", "17.0.9")) {
            List<String> opts = run(Map.of("JAVA_HOME", jdk(version).toString())).jvmOptions();
            int trim = opts.indexOf("-XX:TrimNativeHeapInterval=5000");
            assertTrue(trim >= 0, version + ": " + opts);
            assertTrue(opts.subList(0, trim).contains("-XX:+UnlockExperimentalVMOptions") || version.startsWith("25"),
                    version + ": " + opts);
        }
        for (String version : List.of("17.0.8", "21.0.0", "19.0.2", "11.0.22")) {
            List<String> opts = run(Map.of("JAVA_HOME", jdk(version).toString())).jvmOptions();
            assertFalse(opts.stream().anyMatch(o -> o.startsWith("-XX:TrimNativeHeapInterval")), version + ": " + opts);
        }
        // a java of unknown version gets nothing it might not know
        assertFalse(run(Map.of()).jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:TrimNativeHeapInterval")));
    }

    @Test
    void withoutACgroupLimitTheHostMemoryIsTheBase() throws Exception {
        Files.writeString(cgroup.resolve("memory.max"), "max\n");
        long direct = option(run(Map.of()).jvmOptions(), "-XX:MaxDirectMemorySize=");
        long total = 0;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                total = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        assertEquals(total / 10, direct);
        Files.delete(cgroup.resolve("memory.max"));
        Files.createDirectories(cgroup.resolve("memory"));
        Files.writeString(cgroup.resolve("memory/memory.limit_in_bytes"), "1073741824\n");
        assertEquals(107374182, option(run(Map.of()).jvmOptions(), "-XX:MaxDirectMemorySize="), "cgroup v1 limit");
    }

    @Test
    void bitnamiVariablesBecomeFlagsThatKvAccepts() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_PASSWORD", "s3 cret");
        env.put("REDIS_AOF_ENABLED", "no");
        env.put("REDIS_DISABLE_COMMANDS", "FLUSHDB,FLUSHALL");
        env.put("REDIS_EXTRA_FLAGS", "--loglevel verbose --maxmemory 100mb");
        env.put("REDIS_PORT_NUMBER", "6380");
        Result r = run(env, conf.toString(), "--maxmemory", "200mb");
        assertEquals(0, r.status(), r.stderr());
        assertEquals(List.of(conf.toString(), "--requirepass", "s3 cret", "--port", "6380", "--appendonly", "no",
                "--rename-command", "FLUSHDB", "", "--rename-command", "FLUSHALL", "",
                "--loglevel", "verbose", "--maxmemory", "100mb", "--maxmemory", "200mb"), r.serverArgs(),
                "config file first, then the variables, then the command line's flags (which win)");
        ServerConfig cfg = ServerConfig.load(ConfigSource.fromArgs(r.serverArgs().toArray(String[]::new)));
        assertEquals("s3 cret", new String(cfg.requirePass(), StandardCharsets.ISO_8859_1));
        assertEquals(6380, cfg.port());
        assertFalse(cfg.appendOnly());
        assertEquals(Map.of("flushdb", "", "flushall", ""), cfg.renamedCommands());
        assertEquals(200L * 1024 * 1024, cfg.maxMemory(), "the command line wins over REDIS_EXTRA_FLAGS");
        assertEquals("verbose", cfg.logLevel());
    }

    @Test
    void passwordFileAndAllowEmptyPassword() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "from-file");
        assertEquals(List.of("--requirepass", "from-file"), run(Map.of("REDIS_PASSWORD_FILE", pw.toString())).serverArgs());

        Result refused = run(Map.of("ALLOW_EMPTY_PASSWORD", "no"));
        assertEquals(1, refused.status());
        assertTrue(refused.stderr().contains("REDIS_PASSWORD is empty or not set"), refused.stderr());
        assertTrue(refused.argv().isEmpty(), "nothing started");
        assertEquals(0, run(Map.of("ALLOW_EMPTY_PASSWORD", "yes")).status());
        assertEquals(0, run(Map.of()).status(), "unset: the redis image's behaviour (no password needed)");

        Result badAof = run(Map.of("REDIS_AOF_ENABLED", "maybe"));
        assertEquals(1, badAof.status());
        assertTrue(badAof.stderr().contains("REDIS_AOF_ENABLED must be yes or no"), badAof.stderr());
    }

    @Test
    void redisServerAndRedisCliAsTheFirstArgument() throws Exception {
        Result server = run(Map.of(), "redis-server", "--port", "7001");
        assertEquals("java", server.argv().get(0));
        assertEquals(List.of("--port", "7001"), server.serverArgs());
        Result withConf = run(Map.of(), "redis-server", conf.toString(), "--port", "7001");
        assertEquals(List.of(conf.toString(), "--port", "7001"), withConf.serverArgs());
        assertEquals(List.of("kv-cli", "-h", "db", "ping"), run(Map.of(), "redis-cli", "-h", "db", "ping").argv());
        assertEquals(List.of("kv-cli", "ping"), run(Map.of(), "kv-cli", "ping").argv());
        // the aliases in the images go through the entrypoint / kv-cli
        assertTrue(Files.readString(Tools.ROOT.resolve("src/main/docker/redis-server"))
                .contains("exec /usr/local/bin/kv-entrypoint.sh redis-server \"$@\""));
        assertTrue(Files.readString(Tools.ROOT.resolve("src/main/docker/redis-cli")).contains("exec /usr/local/bin/kv-cli \"$@\""));
    }

    @Test
    void nativeImagesGetTheSameKnob() throws Exception {
        Result r = run(Map.of("KVAPP_BIN", bin.resolve("application").toString(), "KVAPP_HEAP_PERCENT", "50"), "--port", "7000");
        assertEquals(List.of("native", "-XX:MaximumHeapSizePercent=50", "-XX:MaxDirectMemorySize=" + LIMIT / 10,
                "--port", "7000"), r.argv());
    }

    /** The JVM's malloc gets transparent huge pages, unless GLIBC_TUNABLES already decides it. */
    @Test
    void mallocGetsHugePagesUnlessTheTunablesSayOtherwise() throws Exception {
        Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"${GLIBC_TUNABLES-unset}\"\n");
        assertEquals(List.of("glibc.malloc.hugetlb=1"), run(Map.of("GLIBC_TUNABLES", "")).argv());
        assertEquals(List.of("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"),
                run(Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")).argv());
        assertEquals(List.of("glibc.malloc.hugetlb=0"), run(Map.of("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0")).argv());
    }
}
