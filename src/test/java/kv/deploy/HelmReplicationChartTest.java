package kv.deploy;

import static kv.deploy.HelmChartTest.REPO;
import static kv.deploy.HelmChartTest.render;
import static kv.deploy.HelmChartTest.renderRaw;
import static kv.deploy.RedisMasterChecks.at;
import static kv.deploy.RedisMasterChecks.byName;
import static kv.deploy.RedisMasterChecks.find;
import static kv.deploy.RedisMasterChecks.num;
import static kv.deploy.RedisMasterChecks.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helm/kv with Bitnami's replication values: architecture=replication (a replica StatefulSet
 * following the master pod) and sentinel.enabled (node pods running KV and the real
 * redis-sentinel, the start-node.sh decision, the master proxy behind Service redis). Every
 * render goes through the strict validator (HelmChartTest.render); the standalone default must
 * stay byte for byte what it was before these layouts existed.
 */
class HelmReplicationChartTest {

    static final String DOMAIN = "redis-headless.apps.svc.cluster.local";

    static final String[] REPLICATION = {"--set", "architecture=replication", "--set", "replica.replicaCount=2"};

    static final String[] SENTINEL = {"--set", "architecture=replication", "--set", "sentinel.enabled=true",
        "--set", "sentinel.quorum=2", "--set", "replica.replicaCount=3", "--set", "replica.podManagementPolicy=Parallel"};

    static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    static JsonObject podSpec(List<JsonObject> objects, String kind, String name) {
        return at(find(objects, kind, name), "spec.template.spec").asJsonObject();
    }

    static JsonObject container(JsonObject podSpec, String key, String name) {
        return byName(podSpec.getJsonArray(key), name);
    }

    static List<String> strings(JsonValue array) {
        return array.asJsonArray().getValuesAs(JsonString::getString);
    }

    static Map<String, String> labels(JsonObject o, String path) {
        Map<String, String> m = new HashMap<>();
        at(o, path).asJsonObject().forEach((k, v) -> m.put(k, ((JsonString) v).getString()));
        return m;
    }

    /** Whether the selector matches the pod template's labels. */
    static boolean selects(Map<String, String> selector, JsonObject workload) {
        Map<String, String> pod = labels(workload, "spec.template.metadata.labels");
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(pod.get(e.getKey())));
    }

    static List<String> sortedNames(List<JsonObject> objects) {
        return RedisMasterChecks.names(objects).stream().sorted().toList();
    }

    @Test
    void theDefaultRenderIsUnchanged() throws Exception {
        // the render of helm/kv before architecture=replication and sentinel existed
        String golden = Files.readString(DeployTools.ROOT.resolve("src/test/deploy/golden/helm-default.yaml"));
        assertEquals(golden, DeployTools.helmTemplate("redis", "--set", "image.repository=" + REPO));
    }

    @Test
    void replicationAddsReplicasFollowingTheMasterPod(@TempDir Path tmp) throws Exception {
        List<JsonObject> objects = render(with(REPLICATION, "--set", "replica.persistence.size=4Gi",
                "--set", "replica.resources.limits.memory=1Gi", "--set-string", "replica.configuration=maxmemory 256mb"));
        assertEquals(List.of("ConfigMap/redis-configuration", "PodDisruptionBudget/redis-master", "PodDisruptionBudget/redis-replicas",
                "Service/redis-headless", "Service/redis-master", "Service/redis-replicas", "StatefulSet/redis-master",
                "StatefulSet/redis-replicas"), sortedNames(objects));
        JsonObject master = find(objects, "StatefulSet", "redis-master");
        JsonObject replicas = find(objects, "StatefulSet", "redis-replicas");
        assertEquals(2, num(replicas, "spec.replicas"));
        assertEquals("replica", labels(replicas, "spec.template.metadata.labels").get("app.kubernetes.io/component"));

        // --replicaof names the master pod by the DNS name its StatefulSet and headless Service give it
        JsonObject c = container(podSpec(objects, "StatefulSet", "redis-replicas"), "containers", "redis-replicas");
        List<String> args = strings(c.get("args"));
        String masterPod = str(master, "metadata.name") + "-0." + str(master, "spec.serviceName") + ".apps.svc.cluster.local";
        int i = args.indexOf("--replicaof");
        assertTrue(i > 0, args.toString());
        assertEquals(List.of(masterPod, "6379"), args.subList(i + 1, i + 3));
        assertEquals("redis-master-0." + DOMAIN, masterPod);
        assertEquals("/etc/kv/replica.conf", args.get(0));
        int a = args.indexOf("--masterauth");
        assertEquals("$(REDIS_PASSWORD)", args.get(a + 1), "masterauth is the password from the Secret: " + args);
        assertEquals("redis", str(byName(c.getJsonArray("env"), "REDIS_PASSWORD"), "valueFrom.secretKeyRef.name"));
        assertEquals("/q/health/ready", str(c, "readinessProbe.httpGet.path"), "ready = link up (KV's readiness)");
        assertEquals("1Gi", str(c, "resources.limits.memory"));
        assertEquals("4Gi", str(replicas, "spec.volumeClaimTemplates.0.spec.resources.requests.storage"));
        assertEquals("8Gi", str(master, "spec.volumeClaimTemplates.0.spec.resources.requests.storage"));

        // the headless Service governs both StatefulSets; redis-master and redis-replicas split them
        JsonObject headless = find(objects, "Service", "redis-headless");
        assertEquals("None", str(headless, "spec.clusterIP"));
        assertEquals("redis-headless", str(replicas, "spec.serviceName"));
        assertTrue(selects(labels(headless, "spec.selector"), master) && selects(labels(headless, "spec.selector"), replicas));
        Map<String, String> toMaster = labels(find(objects, "Service", "redis-master"), "spec.selector");
        Map<String, String> toReplicas = labels(find(objects, "Service", "redis-replicas"), "spec.selector");
        assertTrue(selects(toMaster, master) && !selects(toMaster, replicas), "redis-master reaches the master only");
        assertTrue(selects(toReplicas, replicas) && !selects(toReplicas, master), "redis-replicas reaches the replicas only");
        assertFalse(selects(labels(replicas, "spec.selector.matchLabels"), master), "the StatefulSets do not adopt each other's pods");

        // replica.conf as KV loads it; the master keeps kv.conf and can follow a new master when told to
        String conf = at(find(objects, "ConfigMap", "redis-configuration"), "data").asJsonObject().getString("replica.conf");
        assertEquals(256L * 1024 * 1024, RedisMasterChecks.loadLikeThePod(conf, tmp).maxMemory());
        List<String> masterArgs = strings(at(master, "spec.template.spec.containers.0.args"));
        assertEquals(List.of("/etc/kv/kv.conf", "--requirepass", "$(REDIS_PASSWORD)", "--masterauth", "$(REDIS_PASSWORD)"), masterArgs);
    }

    @Test
    void replicationWithoutAuthHasNoMasterauth() {
        List<JsonObject> objects = render(with(REPLICATION, "--set", "auth.enabled=false"));
        List<String> args = strings(at(find(objects, "StatefulSet", "redis-replicas"), "spec.template.spec.containers.0.args"));
        assertEquals(List.of("/etc/kv/replica.conf", "--replicaof", "redis-master-0." + DOMAIN, "6379"), args);
    }

    @Test
    void sentinelLayoutRendersNodesTheMasterProxyAndNoRedisMaster() {
        List<JsonObject> objects = render(SENTINEL);
        assertEquals(List.of("ConfigMap/redis-configuration", "ConfigMap/redis-master-proxy", "ConfigMap/redis-scripts",
                "Deployment/redis-master-proxy", "PodDisruptionBudget/redis-node", "Service/redis", "Service/redis-headless",
                "StatefulSet/redis-node"), sortedNames(objects));
        JsonObject node = find(objects, "StatefulSet", "redis-node");
        assertEquals(3, num(node, "spec.replicas"));
        assertEquals("Parallel", str(node, "spec.podManagementPolicy"));
        JsonObject spec = podSpec(objects, "StatefulSet", "redis-node");

        JsonObject kv = container(spec, "containers", "redis-node");
        assertEquals(List.of("/run/kv/kv.conf", "--requirepass", "$(REDIS_PASSWORD)", "--masterauth", "$(REDIS_PASSWORD)"),
                strings(kv.get("args")));
        JsonObject sentinel = container(spec, "containers", "sentinel");
        assertEquals("docker.io/library/redis:7.2", sentinel.getString("image"));
        assertEquals(List.of("redis-sentinel", "/run/sentinel/sentinel.conf"), strings(sentinel.get("command")));
        assertEquals(26379, byName(sentinel.getJsonArray("ports"), "sentinel").getInt("containerPort"));
        JsonObject init = container(spec, "initContainers", "start-node");
        assertEquals("docker.io/library/redis:7.2", init.getString("image"), "the script runs with the Sentinel image's sh and redis-cli");
        assertEquals(List.of("sh", "/opt/kv/start-node.sh"), strings(init.get("command")));

        // the files the init container writes are the ones KV and Sentinel read
        assertEquals("/run/kv", byName(kv.getJsonArray("volumeMounts"), "node-conf").getString("mountPath"));
        assertEquals("/run/sentinel", byName(sentinel.getJsonArray("volumeMounts"), "sentinel-conf").getString("mountPath"));
        assertEquals("/run/kv", byName(init.getJsonArray("volumeMounts"), "node-conf").getString("mountPath"));
        assertEquals("/run/sentinel", byName(init.getJsonArray("volumeMounts"), "sentinel-conf").getString("mountPath"));
        assertEquals("/etc/kv/replica.conf", str(byName(init.getJsonArray("env"), "BASE_KV_CONF"), "value"));
        assertTrue(at(find(objects, "ConfigMap", "redis-configuration"), "data").asJsonObject().containsKey("replica.conf"));
        assertEquals("redis-headless", str(node, "spec.serviceName"));
        assertEquals(DOMAIN, str(byName(init.getJsonArray("env"), "HEADLESS_DOMAIN"), "value"));
        assertEquals("redis-node", str(byName(init.getJsonArray("env"), "STATEFULSET"), "value"));

        // headless: both ports, every node, also before they are ready
        JsonObject headless = find(objects, "Service", "redis-headless");
        assertTrue(headless.getJsonObject("spec").getBoolean("publishNotReadyAddresses"));
        assertTrue(selects(labels(headless, "spec.selector"), node));
        assertEquals("sentinel", byName(at(headless, "spec.ports").asJsonArray(), "tcp-sentinel").getString("targetPort"));

        // Service redis: the proxy pods, never the nodes directly
        JsonObject proxy = find(objects, "Deployment", "redis-master-proxy");
        Map<String, String> redis = labels(find(objects, "Service", "redis"), "spec.selector");
        assertTrue(selects(redis, proxy) && !selects(redis, node));
        assertFalse(selects(labels(headless, "spec.selector"), proxy), "the headless Service lists KV pods only");
        assertEquals(List.of("tcp-redis", "tcp-sentinel"), at(find(objects, "Service", "redis"), "spec.ports").asJsonArray()
                .stream().map(p -> p.asJsonObject().getString("name")).toList());
    }

    @Test
    void theProxyChecksEveryNodeForRoleMaster() {
        List<JsonObject> objects = render(with(SENTINEL, "--set", "auth.existingSecret=app-redis"));
        String cfg = at(find(objects, "ConfigMap", "redis-master-proxy"), "data").asJsonObject().getString("haproxy.cfg");
        List<String> lines = cfg.lines().map(String::strip).toList();
        for (int i = 0; i < 3; i++) {
            assertTrue(lines.contains("server redis-node-" + i + " redis-node-" + i + "." + DOMAIN + ":6379"), cfg);
            assertTrue(lines.contains("server sentinel-" + i + " redis-node-" + i + "." + DOMAIN + ":26379"), cfg);
        }
        // the node says it is master, and its own Sentinel names it (not a demoted master awaiting reconfiguration)
        assertTrue(lines.contains("tcp-check expect string role:master"), cfg);
        assertTrue(lines.contains("tcp-check send SENTINEL\\ get-master-addr-by-name\\ mymaster\\r\\n"), cfg);
        assertTrue(lines.contains("tcp-check expect string-lf \"%[srv_name].\""), cfg);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("default-server ") && l.contains("on-marked-down shutdown-sessions")),
                "a demoted node's sessions are closed: " + cfg);
        assertTrue(lines.contains("tcp-check send-binary \"${REDIS_AUTH_HEX}\""), cfg);
        JsonObject haproxy = at(find(objects, "Deployment", "redis-master-proxy"), "spec.template.spec.containers.0").asJsonObject();
        assertEquals("docker.io/library/haproxy:2.8", haproxy.getString("image"));
        assertEquals("app-redis", str(byName(haproxy.getJsonArray("env"), "REDIS_PASSWORD"), "valueFrom.secretKeyRef.name"));
        assertTrue(strings(haproxy.get("command")).get(2).contains("export REDIS_AUTH_HEX && exec haproxy"));

        // without auth: no AUTH step, no shell
        List<JsonObject> open = render(with(SENTINEL, "--set", "auth.enabled=false"));
        String openCfg = at(find(open, "ConfigMap", "redis-master-proxy"), "data").asJsonObject().getString("haproxy.cfg");
        assertFalse(openCfg.contains("AUTH_HEX"), openCfg);
        assertFalse(at(find(open, "Deployment", "redis-master-proxy"), "spec.template.spec.containers.0").asJsonObject()
                .containsKey("command"));
    }

    /** The rendered script, run with the rendered init container's environment: the Sentinel config it writes. */
    @Test
    void theRenderedStartScriptWritesTheSentinelConfig(@TempDir Path tmp) throws Exception {
        List<JsonObject> objects = render(with(SENTINEL, "--set", "sentinel.masterSet=orders",
                "--set", "sentinel.downAfterMilliseconds=1500", "--set", "sentinel.failoverTimeout=10000"));
        String script = at(find(objects, "ConfigMap", "redis-scripts"), "data").asJsonObject().getString("start-node.sh");
        assertEquals(Files.readString(DeployTools.ROOT.resolve("helm/kv/files/start-node.sh")), script);

        Path bin = Files.createDirectories(tmp.resolve("bin"));
        StartNodeScriptTest.installFakeRedisCli(bin);
        Path scriptFile = Files.writeString(tmp.resolve("start-node.sh"), script);
        JsonObject init = container(podSpec(objects, "StatefulSet", "redis-node"), "initContainers", "start-node");
        ProcessBuilder pb = new ProcessBuilder("sh", scriptFile.toString()).directory(tmp.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("REDIS") || k.startsWith("SENTINEL"));
        for (JsonValue v : init.getJsonArray("env")) {
            JsonObject e = v.asJsonObject();
            String name = e.getString("name");
            // fieldRef and secretKeyRef values are set below, as the kubelet would
            env.put(name, e.containsKey("value") ? e.getString("value") : "");
        }
        env.put("POD_NAME", "redis-node-0");
        env.put("POD_IP", "10.0.0.10");
        env.put("REDIS_PASSWORD", "pw");
        env.put("SENTINEL_PASSWORD", "pw");
        env.put("KV_CONF", tmp.resolve("kv.conf").toString());
        env.put("SENTINEL_CONF", tmp.resolve("sentinel.conf").toString());
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("FAKE_ANSWERS", Files.createDirectories(tmp.resolve("answers")).toString());
        env.put("FAKE_CALLS", tmp.resolve("calls").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);

        List<String> sentinelConf = Files.readAllLines(tmp.resolve("sentinel.conf"));
        assertTrue(sentinelConf.containsAll(List.of("sentinel monitor orders redis-node-0." + DOMAIN + " 6379 2",
                "sentinel down-after-milliseconds orders 1500", "sentinel failover-timeout orders 10000",
                "sentinel parallel-syncs orders 1", "sentinel auth-pass orders \"pw\"", "requirepass \"pw\"")), sentinelConf.toString());
        assertTrue(Files.readAllLines(tmp.resolve("kv.conf")).contains("include /etc/kv/replica.conf"));
    }

    @Test
    void sentinelPasswordsFollowAuthValues() {
        JsonObject spec = podSpec(render(with(SENTINEL, "--set", "auth.sentinel=false")), "StatefulSet", "redis-node");
        JsonObject init = container(spec, "initContainers", "start-node");
        assertTrue(init.getJsonArray("env").stream().anyMatch(e -> e.asJsonObject().getString("name").equals("REDIS_PASSWORD")),
                "Sentinel authenticates to KV (sentinel auth-pass)");
        assertFalse(init.getJsonArray("env").stream().anyMatch(e -> e.asJsonObject().getString("name").equals("SENTINEL_PASSWORD")));
        assertFalse(container(spec, "containers", "sentinel").containsKey("env"));

        JsonObject open = podSpec(render(with(SENTINEL, "--set", "auth.enabled=false")), "StatefulSet", "redis-node");
        assertFalse(container(open, "initContainers", "start-node").getJsonArray("env").stream()
                .anyMatch(e -> e.asJsonObject().getString("name").endsWith("PASSWORD")));
        assertEquals(List.of("/run/kv/kv.conf"), strings(container(open, "containers", "redis-node").get("args")));
    }

    @Test
    void schemaAcceptsTheBitnamiValuesAndRefusesWrongTypes() {
        // every Bitnami replication/Sentinel key at once
        render("--set", "architecture=replication", "--set", "replica.replicaCount=5", "--set", "sentinel.enabled=true",
                "--set", "sentinel.quorum=3", "--set", "sentinel.masterSet=cache", "--set", "sentinel.downAfterMilliseconds=5000",
                "--set", "sentinel.failoverTimeout=60000", "--set", "sentinel.parallelSyncs=2",
                "--set", "sentinel.image.registry=mirror.example.com", "--set", "sentinel.image.tag=7.2.5",
                "--set", "replica.persistence.size=1Gi", "--set", "replica.resources.requests.cpu=200m",
                "--set", "auth.password=x", "--set", "auth.sentinel=true", "--set", "clusterDomain=k8s.example");
        for (String bad : List.of("sentinel.quorum=two", "replica.replicaCount=many", "sentinel.enabled=maybe",
                "sentinel.downAfterMilliseconds=1.5s", "architecture=cluster", "replica.podManagementPolicy=Random",
                "auth.sentinel=1", "sentinel.masterSet=my master")) {
            DeployTools.Result r = renderRaw("--set", "image.repository=" + REPO, "--set", "architecture=replication",
                    "--set", bad);
            assertNotEquals(0, r.exit(), bad + " was accepted");
            assertTrue(r.err().contains("values don't meet the specifications of the schema"), bad + ": " + r.err());
        }
    }

    @Test
    void impossibleLayoutsAreRefusedWithTheReason() {
        DeployTools.Result standalone = renderRaw("--set", "image.repository=" + REPO, "--set", "sentinel.enabled=true");
        assertNotEquals(0, standalone.exit());
        assertTrue(standalone.err().contains("sentinel.enabled needs architecture=replication"), standalone.err());
        DeployTools.Result quorum = renderRaw(with(new String[] {"--set", "image.repository=" + REPO}, with(SENTINEL,
                "--set", "sentinel.quorum=4")));
        assertNotEquals(0, quorum.exit());
        assertTrue(quorum.err().contains("sentinel.quorum=4 is more than the 3 Sentinels"), quorum.err());
        DeployTools.Result owned = renderRaw(with(new String[] {"--set", "image.repository=" + REPO}, with(REPLICATION,
                "--set-string", "replica.configuration=replicaof elsewhere 6379")));
        assertNotEquals(0, owned.exit());
        assertTrue(owned.err().contains("`replicaof` in commonConfiguration/master.configuration/replica.configuration is set by the chart"),
                owned.err());
    }

    @Test
    void lintPassesForBothLayouts() {
        for (String[] layout : List.of(REPLICATION, SENTINEL)) {
            List<String> cmd = new ArrayList<>(List.of(DeployTools.helm(), "lint", "--strict",
                    DeployTools.ROOT.resolve("helm/kv").toString(), "--set", "image.repository=" + REPO));
            cmd.addAll(List.of(layout));
            String out = DeployTools.runOk(cmd, null);
            assertTrue(out.contains("0 chart(s) failed"), out);
        }
    }
}
