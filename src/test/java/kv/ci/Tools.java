package kv.ci;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Running the external tools the ci tests need; a missing tool fails the test with a message. */
final class Tools {
    private Tools() {}

    /** The repository root: surefire and failsafe run with the project directory as cwd. */
    static final Path ROOT = Path.of("").toAbsolutePath();

    record Run(int status, String output) {}

    static Path require(String tool, String howToInstall) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        fail(tool + " is not installed (not on PATH=" + System.getenv("PATH") + "): " + howToInstall);
        return null;
    }

    static Path requireNodeModule(String module) {
        require("node", "apt-get install -y nodejs npm (.ci/run does it)");
        Path dir = ROOT.resolve("src/test/ci-tools/node_modules").resolve(module);
        if (!Files.isDirectory(dir)) {
            fail("npm package '" + module + "' is not installed in src/test/ci-tools: run "
                    + "`npm ci --prefix src/test/ci-tools` (.ci/run and the workflows do it)");
        }
        return dir;
    }

    /** Runs the command with the root as cwd; output to a file so that the deadline holds even if it never closes it. */
    static Run run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("kv-ci-tool", ".out");
        try {
            Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command + " did not finish within " + timeoutSeconds + " s; output so far:\n" + Files.readString(out));
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Files directly in {@code dir} (relative to the root) whose names match the glob. */
    static List<Path> list(String dir, String glob) throws IOException {
        List<Path> out = new ArrayList<>();
        Path d = ROOT.resolve(dir);
        if (!Files.isDirectory(d)) {
            return out;
        }
        try (var s = Files.newDirectoryStream(d, glob)) {
            for (Path p : s) {
                if (Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        }
        out.sort(null);
        return out;
    }
}
