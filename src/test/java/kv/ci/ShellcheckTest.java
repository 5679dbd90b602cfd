package kv.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * shellcheck over every shell script of the repository: bin/*, .ci/run, bench/*.sh,
 * src/main/docker/*.sh, helm/kv/files/*.sh, src/test/deploy/*.sh (a file counts as a shell script when its first line is an sh/bash
 * shebang). shellcheck missing fails the test: .ci/run and the workflows install it.
 */
class ShellcheckTest {

    static List<Path> scripts() throws IOException {
        List<Path> candidates = new ArrayList<>();
        candidates.addAll(Tools.list("bin", "*"));
        candidates.addAll(Tools.list(".ci", "run"));
        candidates.addAll(Tools.list("bench", "*.sh"));
        candidates.addAll(Tools.list("src/main/docker", "*"));
        candidates.addAll(Tools.list("helm/kv/files", "*.sh"));
        candidates.addAll(Tools.list("src/test/deploy", "*.sh"));
        List<Path> scripts = new ArrayList<>();
        for (Path p : candidates) {
            String first = firstLine(p);
            if (first.matches("#!\\s*(/usr/bin/env\\s+)?(/bin/|/usr/bin/)?(ba)?sh\\b.*")) {
                scripts.add(p);
            }
        }
        return scripts;
    }

    private static String firstLine(Path p) throws IOException {
        byte[] head;
        try (var in = Files.newInputStream(p)) {
            head = in.readNBytes(200);
        }
        String s = new String(head, StandardCharsets.ISO_8859_1);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Test
    void everyShellScriptIsShellcheckClean() throws Exception {
        Tools.require("shellcheck", "apt-get install -y shellcheck (.ci/run does it)");
        List<Path> scripts = scripts();
        List<String> names = new ArrayList<>();
        for (Path p : scripts) {
            names.add(Tools.ROOT.relativize(p).toString());
        }
        for (String expected : List.of("bin/kv-server", "bin/kv-cli", ".ci/run", "src/main/docker/kv-entrypoint.sh",
                "src/main/docker/redis-server", "src/main/docker/redis-cli", "helm/kv/files/start-node.sh")) {
            assertTrue(names.contains(expected), "expected " + expected + " among the scripts " + names);
        }
        List<String> command = new ArrayList<>(List.of("shellcheck", "--format=gcc", "--external-sources"));
        command.addAll(names);
        Tools.Run r = Tools.run(command, 120);
        assertEquals(0, r.status(), "shellcheck found problems in " + names + ":\n" + r.output());
    }

    @Test
    void theEntrypointIsPosixSh() throws Exception {
        // The native-micro image has no bash guarantee beyond /bin/sh: keep the entrypoint POSIX.
        Path entrypoint = Tools.ROOT.resolve("src/main/docker/kv-entrypoint.sh");
        assertEquals("#!/bin/sh", firstLine(entrypoint));
        assertTrue(Files.isExecutable(entrypoint), "kv-entrypoint.sh must be executable");
        assertTrue(Files.isExecutable(Tools.ROOT.resolve("bin/kv-cli")), "bin/kv-cli must be executable");
        assertFalse(Files.readString(entrypoint).contains("[["), "no bash tests in a /bin/sh script");
    }
}
