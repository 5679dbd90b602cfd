package kv.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kv-server's class-data sharing options, run by bash from a copy of the checkout layout
 * (bin/, target/quarkus-app/) with a fake JDK whose `java` prints the command line it gets and
 * whose `release` file names its version: which archive option each JDK gets, when the archive
 * is remade, and when the script stays out of the way.
 */
class KvServerScriptTest {

    @TempDir
    Path root;

    Path appDir;
    Path jdk;

    @BeforeEach
    void layout() throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path script = Files.copy(Tools.ROOT.resolve("bin/kv-server"), bin.resolve("kv-server"));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        appDir = Files.createDirectories(root.resolve("target/quarkus-app"));
        Files.writeString(appDir.resolve("quarkus-run.jar"), "");
        Files.writeString(Files.createDirectories(appDir.resolve("lib/main")).resolve("dep.jar"), "");
        jdk = root.resolve("jdk");
        Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    void jdkVersion(String version) throws Exception {
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
    }

    /** The JVM options (everything before -jar), after checking the server's arguments pass through. */
    List<String> jvmOptions(Map<String, String> env) throws Exception {
        return jvmOptions(env, "--port", "7000");
    }

    List<String> jvmOptions(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("bin/kv-server").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("JAVA") || k.startsWith("KV_") || k.equals("JDK_JAVA_OPTIONS"));
        e.put("JAVA_HOME", jdk.toString());
        e.put("KV_NO_BUILD", "1");
        e.putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "kv-server did not finish");
        assertEquals(0, p.exitValue(), err);
        List<String> argv = List.of(out.split("\n"));
        int jar = argv.indexOf("-jar");
        List<String> expected = new ArrayList<>(List.of(appDir.resolve("quarkus-run.jar").toString()));
        expected.addAll(List.of(args));
        assertEquals(expected, argv.subList(jar + 1, argv.size()));
        return argv.subList(0, jar);
    }

    static String valueOf(List<String> options, String prefix) {
        for (String o : options) {
            if (o.startsWith(prefix)) {
                return o.substring(prefix.length());
            }
        }
        return null;
    }

    static List<String> archiveOptions(List<String> options) {
        List<String> found = new ArrayList<>();
        for (String o : options) {
            if (o.contains("SharedArchive") || o.contains("ArchiveClassesAtExit") || o.startsWith("-Xlog:cds")) {
                found.add(o);
            }
        }
        return found;
    }

    @Test
    void theHeapStartsSmallUnlessJavaOptsSizeIt() throws Exception {
        jdkVersion("17.0.15");
        assertTrue(jvmOptions(Map.of()).contains("-Xms8m"), "the heap grows with the data");
        for (String mine : List.of("-Xms1g", "-XX:InitialRAMPercentage=10", "-XX:InitialHeapSize=256m")) {
            List<String> options = jvmOptions(Map.of("JAVA_OPTS", mine));
            assertFalse(options.contains("-Xms8m"), mine + ": " + options);
            assertTrue(options.contains(mine), mine + ": " + options);
        }
    }

    @Test
    void theCollectorFollowsTheJdkUnlessJavaOptsNameOne() throws Exception {
        jdkVersion("25.0.3");
        List<String> jdk25 = jvmOptions(Map.of());
        assertTrue(jdk25.containsAll(List.of("-XX:+UseShenandoahGC", "-XX:ShenandoahGCMode=generational",
                "-XX:+UseCompactObjectHeaders", "-XX:+UnlockExperimentalVMOptions", "-XX:ShenandoahUncommitDelay=1000",
                "-XX:ShenandoahGuaranteedYoungGCInterval=1000")),
                jdk25.toString());
        // the user's own setting comes later on the command line, so it wins
        List<String> mine = jvmOptions(Map.of("JAVA_OPTS", "-XX:ShenandoahUncommitDelay=60000"));
        int ours = mine.indexOf("-XX:ShenandoahUncommitDelay=1000");
        assertTrue(ours >= 0 && mine.indexOf("-XX:ShenandoahUncommitDelay=60000") > ours, mine.toString());
        List<String> z = jvmOptions(Map.of("JAVA_OPTS", "-XX:+UseZGC"));
        assertFalse(z.stream().anyMatch(o -> o.contains("Shenandoah") || o.contains("Unlock")), z.toString());
        jdkVersion("17.0.15");
        List<String> jdk17 = jvmOptions(Map.of());
        assertTrue(jdk17.containsAll(List.of("-XX:+UseG1GC", "-XX:MaxHeapFreeRatio=30")), jdk17.toString());
        assertFalse(jdk17.stream().anyMatch(o -> o.contains("Shenandoah") || o.contains("CompactObjectHeaders")), jdk17.toString());
    }

    @Test
    void jdk17MakesTheArchiveOnceThenMapsIt() throws Exception {
        jdkVersion("17.0.15");
        String archive = valueOf(jvmOptions(Map.of()), "-XX:ArchiveClassesAtExit=");
        assertTrue(archive != null && archive.startsWith(appDir.resolve("kv-cds-17-").toString()) && archive.endsWith(".jsa"),
                String.valueOf(archive));

        Files.writeString(Path.of(archive), "archive");   // what the first launch leaves at its exit
        List<String> second = jvmOptions(Map.of());
        assertEquals(archive, valueOf(second, "-XX:SharedArchiveFile="));
        assertEquals(null, valueOf(second, "-XX:ArchiveClassesAtExit="));
        assertTrue(second.contains("-Xlog:cds=off"), "the dump's warnings would go to stdout: " + second);
    }

    @Test
    void anArchiveOlderThanAJarIsRemade() throws Exception {
        jdkVersion("17.0.2");
        String archive = valueOf(jvmOptions(Map.of()), "-XX:ArchiveClassesAtExit=");
        Path file = Files.writeString(Path.of(archive), "archive");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Files.setLastModifiedTime(appDir.resolve("lib/main/dep.jar"), FileTime.fromMillis(System.currentTimeMillis()));

        List<String> options = jvmOptions(Map.of());
        assertFalse(Files.exists(file), "the stale archive is deleted");
        assertEquals(archive, valueOf(options, "-XX:ArchiveClassesAtExit="));
    }

    @Test
    void jdk19AndLaterLetTheJvmKeepTheArchiveCurrent() throws Exception {
        jdkVersion("25.0.3");
        List<String> options = jvmOptions(Map.of());
        assertTrue(options.contains("-XX:+AutoCreateSharedArchive"), options.toString());
        String archive = valueOf(options, "-XX:SharedArchiveFile=");
        assertTrue(archive != null && archive.startsWith(appDir.resolve("kv-cds-25-").toString()), String.valueOf(archive));
    }

    @Test
    void eachJdkHomeHasItsOwnArchive() throws Exception {
        jdkVersion("21.0.1");
        String first = valueOf(jvmOptions(Map.of()), "-XX:SharedArchiveFile=");
        Path other = Files.createDirectories(root.resolve("jdk-other/bin"));
        Files.copy(jdk.resolve("bin/java"), other.resolve("java"));
        jdk = other.getParent();
        jdkVersion("21.0.1");
        String second = valueOf(jvmOptions(Map.of()), "-XX:SharedArchiveFile=");
        assertTrue(first != null && second != null && !first.equals(second), "two JDK homes, one archive: " + first);
    }

    @Test
    void staysOutOfTheWayOfAnAotCacheOrAnArchiveChosenInJavaOpts() throws Exception {
        jdkVersion("25.0.3");
        for (String opts : List.of("-XX:AOTCache=kv.aot", "-XX:AOTCacheOutput=kv.aot", "-Xmx1g -XX:SharedArchiveFile=mine.jsa",
                "-Xshare:off")) {
            List<String> options = jvmOptions(Map.of("JAVA_OPTS", opts));
            List<String> added = new ArrayList<>(options);
            assertTrue(added.removeAll(List.of(opts.split(" "))), opts);
            assertEquals(List.of(), archiveOptions(added), opts);
        }
        assertEquals(List.of(), archiveOptions(jvmOptions(Map.of("KV_CDS_ARCHIVE", "none"))));
    }

    @Test
    void kvCdsArchiveNamesTheFile() throws Exception {
        jdkVersion("25.0.3");
        Path mine = root.resolve("elsewhere.jsa");
        assertEquals(mine.toString(), valueOf(jvmOptions(Map.of("KV_CDS_ARCHIVE", mine.toString())), "-XX:SharedArchiveFile="));
    }

    /**
     * With JAVA_HOME set (the bench, the usual install) the script reaches java on bash's builtins
     * alone: each fork and exec of a helper program is start-up time in front of the JVM's. A PATH
     * holding nothing but java proves it.
     */
    @Test
    void reachesJavaWithoutRunningAnyOtherProgram() throws Exception {
        jdkVersion("25.0.3");
        String onlyJava = jdk.resolve("bin").toString();
        List<String> aot = jvmOptions(Map.of("PATH", onlyJava, "JAVA_OPTS", "-XX:AOTCache=kv.aot"), "--maxmemory", "300mb");
        assertTrue(aot.containsAll(List.of("-XX:AOTCache=kv.aot", "-Xmx464m", "-Xms8m", "-XX:+UseShenandoahGC")), aot.toString());

        String archive = valueOf(jvmOptions(Map.of("PATH", onlyJava)), "-XX:SharedArchiveFile=");
        assertTrue(archive != null && archive.startsWith(appDir.resolve("kv-cds-25-").toString()), String.valueOf(archive));
        Files.writeString(Path.of(archive), "archive");   // in place and newer than every jar
        assertEquals(archive, valueOf(jvmOptions(Map.of("PATH", onlyJava)), "-XX:SharedArchiveFile="));
    }

    /** java found on the PATH, directly or through a link (as /usr/bin/java is), is the same JDK as JAVA_HOME's. */
    @Test
    void javaOnThePathIsResolvedToItsJdk() throws Exception {
        jdkVersion("21.0.1");
        String viaHome = valueOf(jvmOptions(Map.of()), "-XX:SharedArchiveFile=");
        Map<String, String> direct = new java.util.HashMap<>(Map.of("PATH", jdk.resolve("bin").toString()));
        direct.put("JAVA_HOME", "");
        assertEquals(viaHome, valueOf(jvmOptions(direct), "-XX:SharedArchiveFile="));

        Path links = Files.createDirectories(root.resolve("usr-bin"));
        Files.createSymbolicLink(links.resolve("java"), jdk.resolve("bin/java"));
        Map<String, String> linked = new java.util.HashMap<>(Map.of("PATH", links + ":" + System.getenv("PATH")));
        linked.put("JAVA_HOME", "");
        assertEquals(viaHome, valueOf(jvmOptions(linked), "-XX:SharedArchiveFile="));
    }

    @Test
    void jdksWithoutDynamicArchivesGetNone() throws Exception {
        jdkVersion("11.0.22");
        assertEquals(List.of(), archiveOptions(jvmOptions(Map.of())));
        Files.delete(jdk.resolve("release"));
        assertEquals(List.of(), archiveOptions(jvmOptions(Map.of())));
    }

    /** The JVM trims its C heap where the JDK has the switch (17.0.9+, 21.0.1+, 22+; experimental before 23); JAVA_OPTS wins. */
    @Test
    void theNativeHeapIsTrimmedWhereTheJdkCan() throws Exception {
        for (String version : List.of("25.0.3", "23", "21.0.1", "17.0.15", "17.0.9")) {
            jdkVersion(version);
            List<String> opts = jvmOptions(Map.of());
            int trim = opts.indexOf("-XX:TrimNativeHeapInterval=5000");
            assertTrue(trim >= 0, version + ": " + opts);
            boolean experimental = !version.startsWith("25") && !version.startsWith("23");
            assertEquals(experimental, opts.subList(0, trim).contains("-XX:+UnlockExperimentalVMOptions"), version + ": " + opts);
        }
        for (String version : List.of("17.0.8", "17", "21.0.0", "19.0.2", "11.0.22")) {
            jdkVersion(version);
            List<String> opts = jvmOptions(Map.of());
            assertFalse(opts.stream().anyMatch(o -> o.contains("TrimNativeHeap")), version + ": " + opts);
        }
        jdkVersion("25.0.3");
        List<String> mine = jvmOptions(Map.of("JAVA_OPTS", "-XX:TrimNativeHeapInterval=0"));
        assertTrue(mine.indexOf("-XX:TrimNativeHeapInterval=0") > mine.indexOf("-XX:TrimNativeHeapInterval=5000"), mine.toString());
    }

    /** glibc's malloc is asked for transparent huge pages, unless GLIBC_TUNABLES already decides it. */
    @Test
    void mallocGetsHugePagesUnlessTheTunablesSayOtherwise() throws Exception {
        jdkVersion("25.0.3");
        Files.writeString(jdk.resolve("bin/java"), "#!/bin/sh\nprintf 'GLIBC_TUNABLES=%s\\n' \"${GLIBC_TUNABLES-unset}\"\n"
                + "for a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        String onlyJava = jdk.resolve("bin").toString();
        assertEquals("glibc.malloc.hugetlb=1", valueOf(jvmOptions(Map.of("PATH", onlyJava, "GLIBC_TUNABLES", "")), "GLIBC_TUNABLES="));
        assertEquals("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1",
                valueOf(jvmOptions(Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")), "GLIBC_TUNABLES="));
        assertEquals("glibc.malloc.hugetlb=0",
                valueOf(jvmOptions(Map.of("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0")), "GLIBC_TUNABLES="));
    }
}
