package kv.deploy;

import static kv.deploy.RedisMasterChecks.at;
import static kv.deploy.RedisMasterChecks.find;
import static kv.deploy.RedisMasterChecks.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubernetes/ rendered by `kubectl kustomize`, every object validated strictly against the
 * Kubernetes schemas (src/test/deploy/validate.mjs), then issue 8's specifics.
 */
class KustomizeManifestsTest {

    private static List<JsonObject> objects;

    @BeforeAll
    static void render() {
        objects = DeployTools.validate(DeployTools.kustomize(DeployTools.ROOT.resolve("kubernetes")));
    }

    @Test
    void rendersExactlyTheExpectedObjects() {
        List<String> names = RedisMasterChecks.names(objects).stream()
                .map(n -> n.replaceAll("^ConfigMap/redis-config-[a-z0-9]+$", "ConfigMap/redis-config-<hash>"))
                .sorted().toList();
        assertEquals(List.of("ConfigMap/redis-config-<hash>", "PodDisruptionBudget/redis-master",
                "Service/redis-headless", "Service/redis-master", "StatefulSet/redis-master"), names,
                "no Secret (a real one must not be overwritten), no ServiceMonitor (CRD may be absent)");
    }

    @Test
    void redisMasterAsIssue8Asks(@TempDir Path tmp) throws Exception {
        String kvConf = RedisMasterChecks.checkAll(objects, "ghcr.io/your-org/kv:latest");
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
        Path tmp = Files.createDirectories(DeployTools.ROOT.resolve("target/deploy-tools/overlay-image"));
        Files.writeString(tmp.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s
                images:
                  - name: ghcr.io/your-org/kv
                    newName: registry.example.com/team/kv
                    newTag: 1.2.3
                """.formatted(tmp.relativize(DeployTools.ROOT.resolve("kubernetes"))));
        List<JsonObject> overlay = DeployTools.validate(DeployTools.kustomize(tmp));
        assertEquals("registry.example.com/team/kv:1.2.3",
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
