package kv.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Ties the GitHub workflows to the repository they run in: every script, file, Maven profile
 * and npm directory a workflow names exists, the tests run through .ci/run (the one entry point,
 * which prepares the node tooling the deployment tests need), and the README's test command is
 * that entry point. The container name `kubectl set image` uses is checked against the rendered
 * manifests in kv.deploy.ReleaseDeployContractTest.
 */
class WorkflowContractTest {

    static String read(String path) throws Exception {
        return Files.readString(Tools.ROOT.resolve(path));
    }

    static List<String> workflows() throws Exception {
        List<String> texts = new ArrayList<>();
        for (Path p : Tools.list(".github/workflows", "*.yml")) {
            texts.add(Files.readString(p));
        }
        assertTrue(texts.size() >= 2, "ci.yml and release.yml expected");
        return texts;
    }

    /** Repository paths named in a text; `${{ matrix.variant }}` expanded over the matrix values. */
    static Set<String> repoPaths(String text) {
        Set<String> out = new LinkedHashSet<>();
        List<String> variants = new ArrayList<>();
        Matcher v = Pattern.compile("variant: \\[([^\\]]+)\\]").matcher(text);
        if (v.find()) {
            for (String s : v.group(1).split(",")) {
                variants.add(s.strip());
            }
        }
        Matcher m = Pattern.compile("(?<![\\w/.-])(?:\\./)?((?:\\.ci|bin|src|helm|kubernetes)/[\\w./-]*(?:\\$\\{\\{ matrix\\.variant }})?[\\w./-]*)")
                .matcher(text);
        while (m.find()) {
            String p = m.group(1).replaceAll("[./]+$", "");
            if (p.contains("${{ matrix.variant }}")) {
                assertFalse(variants.isEmpty(), "matrix.variant used without a variant matrix: " + p);
                for (String variant : variants) {
                    out.add(p.replace("${{ matrix.variant }}", variant));
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void everyPathAWorkflowNamesExists() throws Exception {
        List<String> missing = new ArrayList<>();
        int seen = 0;
        for (String wf : workflows()) {
            for (String p : repoPaths(wf)) {
                seen++;
                if (!Files.exists(Tools.ROOT.resolve(p))) {
                    missing.add(p);
                }
            }
        }
        assertTrue(seen >= 8, "the path extraction found too little (" + seen + "): it must see the Dockerfiles, .ci/run, helm/kv...");
        assertEquals(List.of(), missing, "paths named in .github/workflows that do not exist");
    }

    @Test
    void pathExtractionSeesWhatTheReleaseUses() throws Exception {
        Set<String> paths = repoPaths(read(".github/workflows/release.yml"));
        for (String expected : List.of(".ci/run", "src/main/docker/Dockerfile.jvm", "src/main/docker/Dockerfile.native",
                "src/main/docker/Dockerfile.native-micro", "helm/kv/values.yaml", "helm/kv")) {
            assertTrue(paths.contains(expected), expected + " not among " + paths);
        }
        assertTrue(repoPaths("run: bin/no-such-script").contains("bin/no-such-script"), "a wrong path is seen");
    }

    @Test
    void testsRunThroughCiRunWhichPreparesTheNodeTooling() throws Exception {
        for (String wf : workflows()) {
            for (String line : wf.split("\n")) {
                String code = line.strip();
                assertFalse(!code.startsWith("#") && code.matches(".*mvnw\\b.*\\b(verify|test)\\b.*") && !code.contains("-DskipTests"),
                        "a workflow runs the tests without .ci/run (the deployment tests' npm ci would be missing): " + code);
            }
        }
        assertTrue(read(".github/workflows/ci.yml").contains("run: .ci/run"), "ci.yml runs .ci/run");
        String release = read(".github/workflows/release.yml");
        String app = release.substring(release.indexOf("  app:"), release.indexOf("  jvm:"));
        assertTrue(app.contains("run: .ci/run"), "release.yml's app job runs .ci/run");
        assertTrue(Files.isExecutable(Tools.ROOT.resolve(".ci/run")), ".ci/run must be executable");

        String run = read(".ci/run");
        Matcher dirs = Pattern.compile("for dir in ([^;]+); do").matcher(run);
        assertTrue(dirs.find(), ".ci/run installs node packages in a loop over directories");
        List<String> npmDirs = List.of(dirs.group(1).strip().split("\\s+"));
        try (var s = Files.list(Tools.ROOT.resolve("src/test"))) {
            for (Path d : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(d.resolve("package-lock.json"))) {
                    String rel = Tools.ROOT.relativize(d).toString();
                    assertTrue(npmDirs.contains(rel), ".ci/run must `npm ci` in " + rel + " (it has a package-lock.json)");
                }
            }
        }
        for (String d : npmDirs) {
            assertTrue(Files.isRegularFile(Tools.ROOT.resolve(d).resolve("package-lock.json")), d + "/package-lock.json");
        }
        assertTrue(run.contains("\n./mvnw -B verify\n"), ".ci/run runs ./mvnw -B verify");
    }

    @Test
    void readmeTestCommandIsTheCiEntryPoint() throws Exception {
        String readme = read("README.md");
        int section = readme.indexOf("## Run the server, run the tests");
        String block = readme.substring(section, readme.indexOf("##", section + 3));
        assertTrue(block.contains("\n.ci/run "), "README's test command is .ci/run:\n" + block);
        for (String installs : List.of("redis-server", "shellcheck", "npm ci")) {
            assertTrue(block.contains(installs), "README says that .ci/run installs " + installs + ":\n" + block);
        }
    }

    @Test
    void nativeBuildsNameAnExistingProfile() throws Exception {
        String pom = read("pom.xml");
        for (String wf : workflows()) {
            Matcher p = Pattern.compile("-P\\s*([\\w,-]+)").matcher(wf);
            while (p.find()) {
                for (String id : p.group(1).split(",")) {
                    assertTrue(pom.contains("<id>" + id + "</id>"), "profile " + id + " named by a workflow is not in pom.xml");
                }
            }
            Matcher d = Pattern.compile("mvnw [^\\n]*-D(native)\\b").matcher(wf);
            while (d.find()) {
                assertTrue(Pattern.compile("<activation>\\s*<property>\\s*<name>native</name>").matcher(pom).find(),
                        "-Dnative must activate a profile in pom.xml");
            }
        }
    }

    @Test
    void chartJobPatchesALineValuesYamlHas() throws Exception {
        String release = read(".github/workflows/release.yml");
        Matcher sed = Pattern.compile("sed -i \"s\\|\\^(.*?)\\$\\|").matcher(release);
        assertTrue(sed.find(), "the chart job sets image.repository with sed");
        String line = sed.group(1).replace("\\\"", "\"");
        assertTrue(read("helm/kv/values.yaml").lines().anyMatch(line::equals),
                "helm/kv/values.yaml has no line `" + line + "` for the release to fill in");
    }

    /** The `run: |` block of the step whose name starts with {@code stepName}, dedented. */
    static String runBlock(String workflow, String stepName) {
        List<String> lines = List.of(workflow.split("\n", -1));
        int step = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith("- name: " + stepName)) {
                step = i;
                break;
            }
        }
        assertTrue(step >= 0, "no step named " + stepName);
        int run = step + 1;
        while (!lines.get(run).strip().equals("run: |")) {
            run++;
        }
        int indent = lines.get(run + 1).length() - lines.get(run + 1).stripLeading().length();
        StringBuilder b = new StringBuilder();
        for (int i = run + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.isBlank() && l.length() - l.stripLeading().length() < indent) {
                break;
            }
            b.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return b.toString();
    }

    /** Runs a workflow script as GitHub runs it (bash -eo pipefail) with fake tools that log their arguments. */
    static List<String> runWithFakes(String script, Path work, Map<String, String> env, String... tools) throws Exception {
        Path bin = Files.createDirectories(work.resolve("fake-bin"));
        Path log = work.resolve("calls.log");
        for (String tool : tools) {
            Path t = bin.resolve(tool);
            Files.writeString(t, "#!/bin/sh\necho \"" + tool + " $*\" >> '" + log + "'\ncat > /dev/null\n");
            Files.setPosixFilePermissions(t, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path file = work.resolve("step.sh");
        Files.writeString(file, script);
        ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc", "-eo", "pipefail", file.toString())
                .directory(work.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "the step failed:\n" + out);
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void chartJobScriptPublishesTheChartNamingThisRepositorysImage(@org.junit.jupiter.api.io.TempDir Path work) throws Exception {
        String script = runBlock(read(".github/workflows/release.yml"), "Package helm/kv");
        Path chart = Files.createDirectories(work.resolve("helm/kv"));
        Files.copy(Tools.ROOT.resolve("helm/kv/values.yaml"), chart.resolve("values.yaml"));
        Path temp = Files.createDirectories(work.resolve("runner-temp"));
        List<String> calls = runWithFakes(script, work, Map.of("IMAGE", "ghcr.io/Acme-Org/KV", "GITHUB_REF_NAME", "v1.2.3",
                "RUNNER_TEMP", temp.toString(), "ACTOR", "someone", "TOKEN", "t0ken", "OWNER", "Acme-Org"), "helm");
        assertTrue(Files.readString(chart.resolve("values.yaml")).contains("\n  repository: acme-org/kv\n"),
                "image.repository set to the lower-cased repository");
        assertEquals(List.of("helm lint --strict helm/kv",
                "helm package helm/kv --version 1.2.3 --app-version 1.2.3 --destination " + temp,
                "helm registry login ghcr.io --username someone --password-stdin",
                "helm push " + temp + "/kv-1.2.3.tgz oci://ghcr.io/acme-org/charts"), calls);
    }

    @Test
    void deployJobScriptRollsTheRedisMasterContainer(@org.junit.jupiter.api.io.TempDir Path work) throws Exception {
        String script = runBlock(read(".github/workflows/release.yml"), "Roll out the new image");
        List<String> calls = runWithFakes(script, work, Map.of("IMAGE", "ghcr.io/Acme-Org/KV",
                "GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567", "DIGEST", "sha256:00"), "kubectl");
        assertEquals(List.of("kubectl set image statefulset/redis-master redis-master=ghcr.io/acme-org/kv:sha-0123456",
                "kubectl rollout status statefulset/redis-master --timeout=5m"), calls);
    }
}
