package kv.deploy;

import static kv.deploy.RedisMasterChecks.at;
import static kv.deploy.RedisMasterChecks.find;
import static kv.deploy.RedisMasterChecks.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubernetes/ rendered by `kubectl kustomize`, every object validated strictly against the
 * Kubernetes schemas (src/test/deploy/validate.mjs), then issue 8's specifics. kubernetes/
 * is rendered from a copy with the image.env an operator writes (the real one is not committed).
 */
class KustomizeManifestsTest {

    static final String IMAGE = "ghcr.io/acme/kv:1.2.3";

    private static List<JsonObject> objects;

    /** kubernetes/ copied to target/deploy-tools/NAME, with image.env holding {@code image}, or none when null. */
    static Path copy(String name, String image) throws IOException {
        Path src = DeployTools.ROOT.resolve("kubernetes");
        Path dst = DeployTools.ROOT.resolve("target/deploy-tools").resolve(name);
        if (Files.exists(dst)) {
            try (Stream<Path> s = Files.walk(dst)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path to = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else if (!p.getFileName().toString().equals("image.env")) {
                    Files.copy(p, to);
                }
            }
        }
        if (image != null) {
            Files.writeString(dst.resolve("image.env"), "image=" + image + "\n");
        }
        return dst;
    }

    @BeforeAll
    static void render() throws IOException {
        objects = DeployTools.validate(DeployTools.kustomize(copy("kustomize-copy", IMAGE)));
    }

    @Test
    void withoutAnImageTheRenderFailsNamingTheFile() throws IOException {
        DeployTools.Result r = DeployTools.run(List.of(DeployTools.kubectl(), "kustomize",
                copy("kustomize-no-image", null).toString()), null);
        assertTrue(r.exit() != 0, "rendered without an image:\n" + r.out());
        assertTrue(r.err().contains("image.env"), r.err());
        assertTrue(Files.readString(DeployTools.ROOT.resolve("kubernetes/kustomization.yaml"))
                .contains("image=ghcr.io/<owner>/<repo>:<tag>"), "kustomization.yaml explains the file");
    }

    @Test
    void theImageNameIsNotAPlaceholder() {
        String image = str(find(objects, "StatefulSet", "redis-master"), "spec.template.spec.containers.0.image");
        assertEquals(IMAGE, image);
        assertFalse(objects.stream().anyMatch(o -> o.getJsonObject("metadata").getString("name").equals("kv-image")),
                "the image ConfigMap is local to kustomize, not applied");
    }

    @Test
    void managementPortOnlyOnTheMetricsService() {
        JsonObject metrics = find(objects, "Service", "redis-metrics");
        JsonObject port = RedisMasterChecks.byName(at(metrics, "spec.ports").asJsonArray(), "http-metrics");
        assertEquals("management", port.getString("targetPort"));
        assertEquals("9121", metrics.getJsonObject("metadata").getJsonObject("annotations").getString("prometheus.io/port"));
        JsonObject meta = find(objects, "Service", "redis-master").getJsonObject("metadata");
        assertFalse(meta.containsKey("annotations") && meta.getJsonObject("annotations").keySet().stream()
                .anyMatch(k -> k.startsWith("prometheus.io/")), "no prometheus.io annotations on redis-master (no metrics port there)");
    }

    @Test
    void rendersExactlyTheExpectedObjects() {
        List<String> names = RedisMasterChecks.names(objects).stream()
                .map(n -> n.replaceAll("^ConfigMap/redis-config-[a-z0-9]+$", "ConfigMap/redis-config-<hash>"))
                .sorted().toList();
        assertEquals(List.of("ConfigMap/redis-config-<hash>", "PodDisruptionBudget/redis-master",
                "Service/redis-headless", "Service/redis-master", "Service/redis-metrics", "StatefulSet/redis-master"), names,
                "no Secret (a real one must not be overwritten), no ServiceMonitor (CRD may be absent)");
    }

    @Test
    void redisMasterAsIssue8Asks(@TempDir Path tmp) throws Exception {
        String kvConf = RedisMasterChecks.checkAll(objects, IMAGE, "2Gi");
        RedisMasterChecks.checkKvConf(kvConf, tmp);
    }

    @Test
    void configMapIsTheCommittedKvConf() throws Exception {
        JsonObject sts = find(objects, "StatefulSet", "redis-master");
        String cmName = str(RedisMasterChecks.byName(at(sts, "spec.template.spec.volumes").asJsonArray(), "config"),
                "configMap.name");
        String text = at(find(objects, "ConfigMap", cmName), "data").asJsonObject().getString("kv.conf");
        assertEquals(Files.readString(DeployTools.ROOT.resolve("kubernetes/kv.conf")), text);
        for (String directive : List.of("appendonly yes", "save \"\"", "maxmemory-policy allkeys-lru",
                "rename-command FLUSHDB \"\"", "rename-command FLUSHALL \"\"", "dir /data", "bind 0.0.0.0",
                "protected-mode no", "port 6379")) {
            assertTrue(text.lines().anyMatch(directive::equals), "kv.conf has `" + directive + "`");
        }
    }

    @Test
    void exampleSecretIsValidAndHoldsOnlyAPlaceholder() throws Exception {
        List<JsonObject> secret = DeployTools.validate(
                Files.readString(DeployTools.ROOT.resolve("kubernetes/secret.example.yaml")));
        JsonObject s = find(secret, "Secret", "redis");
        assertEquals("CHANGE-ME", str(s, "stringData.redis-password"));
    }

    @Test
    void imageCanBeChangedWithKustomizeImages() throws Exception {
        // an overlay, as the README tells operators to write one (kustomize wants a relative base)
        Path base = copy("kustomize-base", IMAGE);
        Path tmp = Files.createDirectories(DeployTools.ROOT.resolve("target/deploy-tools/overlay-image"));
        Files.writeString(tmp.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s
                images:
                  - name: ghcr.io/acme/kv
                    newName: registry.example.com/team/kv
                    newTag: 1.2.4
                """.formatted(tmp.relativize(base)));
        List<JsonObject> overlay = DeployTools.validate(DeployTools.kustomize(tmp));
        assertEquals("registry.example.com/team/kv:1.2.4",
                str(find(overlay, "StatefulSet", "redis-master"), "spec.template.spec.containers.0.image"));
    }

    @Test
    void validatorRejectsUnknownFieldsAndBadValues() {
        String bad = """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: x}
                spec:
                  serviceName: x
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          image: i
                          securityContext: {readOnlyRootFilesytem: true}
                """;
        String err = DeployTools.validateFails(bad);
        assertTrue(err.contains("readOnlyRootFilesytem: unknown field"), err);
        err = DeployTools.validateFails(bad.replace("image: i", "image: i\n      resources: {limits: {cpu: lots}}")
                .replace("securityContext: {readOnlyRootFilesytem: true}", ""));
        assertTrue(err.contains("quantity"), err);
        err = DeployTools.validateFails("apiVersion: v1\nkind: Frobnicator\nmetadata: {name: y}\n");
        assertTrue(err.contains("no schema known"), err);
    }
}
