package kv.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kv.engine.CommandTable;
import kv.command.Commands;
import kv.config.ConfigSource;
import kv.config.ServerConfig;

/**
 * What issue 8 asks of the redis-master deployment, checked on rendered objects (the
 * kustomize output and the Helm chart's output must both pass).
 */
final class RedisMasterChecks {

    static final Map<String, String> SELECTOR = Map.of(
            "app.kubernetes.io/name", "redis",
            "app.kubernetes.io/instance", "redis",
            "app.kubernetes.io/component", "master");

    private RedisMasterChecks() {
    }

    // ---- navigation ---------------------------------------------------------------------

    static JsonObject find(List<JsonObject> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> o.getString("kind").equals(kind)
                        && o.getJsonObject("metadata").getString("name").equals(name))
                .findFirst()
                .orElseGet(() -> fail("no " + kind + " " + name + " among " + names(objects)));
    }

    static List<String> names(List<JsonObject> objects) {
        return objects.stream()
                .map(o -> o.getString("kind") + "/" + o.getJsonObject("metadata").getString("name"))
                .toList();
    }

    /** Follows a dotted path; a numeric segment indexes an array. Fails if absent. */
    static JsonValue at(JsonValue v, String path) {
        JsonValue cur = v;
        for (String seg : path.split("\\.")) {
            if (cur instanceof JsonObject o && o.containsKey(seg)) {
                cur = o.get(seg);
            } else if (cur instanceof JsonArray a && seg.matches("\\d+") && Integer.parseInt(seg) < a.size()) {
                cur = a.get(Integer.parseInt(seg));
            } else {
                return fail("missing " + path + " (at " + seg + ")");
            }
        }
        return cur;
    }

    static String str(JsonValue v, String path) {
        return ((JsonString) at(v, path)).getString();
    }

    static long num(JsonValue v, String path) {
        return ((JsonNumber) at(v, path)).longValue();
    }

    static boolean bool(JsonValue v, String path) {
        return at(v, path) == JsonValue.TRUE;
    }

    static JsonObject byName(JsonArray list, String name) {
        for (JsonValue v : list) {
            if (v.asJsonObject().getString("name").equals(name)) {
                return v.asJsonObject();
            }
        }
        return fail("no element named " + name + " in " + list);
    }

    static void assertContainsLabels(Map<String, String> expected, JsonValue labels, String what) {
        JsonObject l = labels.asJsonObject();
        expected.forEach((k, v) -> assertEquals(v, l.containsKey(k) ? l.getString(k) : null, what + " label " + k));
    }

    // ---- the checks ---------------------------------------------------------------------

    /** Checks StatefulSet, Services, PDB and ConfigMap; returns the kv.conf text. */
    static String checkAll(List<JsonObject> objects, String image, String storage) throws Exception {
        JsonObject sts = find(objects, "StatefulSet", "redis-master");
        JsonObject pod = at(sts, "spec.template").asJsonObject();
        JsonObject podSpec = pod.getJsonObject("spec");
        JsonObject c = at(podSpec, "containers.0").asJsonObject();
        assertEquals(1, podSpec.getJsonArray("containers").size(), "one container (no sidecar)");
        assertEquals("redis-master", c.getString("name"), "container name used by `kubectl set image`");

        // identity, labels, selectors
        assertEquals(1, num(sts, "spec.replicas"));
        assertContainsLabels(SELECTOR, at(sts, "metadata.labels"), "StatefulSet");
        assertContainsLabels(SELECTOR, at(sts, "spec.selector.matchLabels"), "StatefulSet selector");
        assertContainsLabels(SELECTOR, at(pod, "metadata.labels"), "pod template");
        assertSelects(at(sts, "spec.selector.matchLabels").asJsonObject(), pod, "StatefulSet selector");
        JsonObject headless = find(objects, "Service", str(sts, "spec.serviceName"));
        assertEquals("None", str(headless, "spec.clusterIP"), "governing Service is headless");
        assertSelects(at(headless, "spec.selector").asJsonObject(), pod, "headless Service");

        // image, command line, password
        assertEquals(image, c.getString("image"));
        List<String> args = c.getJsonArray("args").getValuesAs(JsonString::getString);
        assertEquals("/etc/kv/kv.conf", args.get(0), "config file first: " + args);
        int i = args.indexOf("--requirepass");
        assertTrue(i > 0 && "$(REDIS_PASSWORD)".equals(args.get(i + 1)), "--requirepass $(REDIS_PASSWORD) in " + args);
        JsonObject pw = byName(c.getJsonArray("env"), "REDIS_PASSWORD");
        assertEquals("redis", str(pw, "valueFrom.secretKeyRef.name"));
        assertEquals("redis-password", str(pw, "valueFrom.secretKeyRef.key"));
        // the entrypoint's one heap knob; JAVA_TOOL_OPTIONS would be overridden by the entrypoint's
        // command line and make every JVM in the pod (kv-cli too) print "Picked up JAVA_TOOL_OPTIONS"
        assertEquals("65", byName(c.getJsonArray("env"), "KVAPP_HEAP_PERCENT").getString("value"));
        c.getJsonArray("env").forEach(e -> assertFalse(e.asJsonObject().getString("name").equals("JAVA_TOOL_OPTIONS"),
                "no JAVA_TOOL_OPTIONS in the pod"));

        // ports and probes
        JsonArray ports = c.getJsonArray("ports");
        assertEquals(6379, num(byName(ports, "redis"), "containerPort"));
        assertEquals(9000, num(byName(ports, "management"), "containerPort"));
        for (JsonValue p : ports) {
            assertTrue(p.asJsonObject().getInt("containerPort") > 0, "no unset container port: " + p);
        }
        checkProbe(c, "startupProbe", "/q/health/started");
        checkProbe(c, "livenessProbe", "/q/health/live");
        checkProbe(c, "readinessProbe", "/q/health/ready");

        // resources
        assertEquals("100m", str(c, "resources.requests.cpu"));
        assertEquals("256Mi", str(c, "resources.requests.memory"));
        assertEquals("1000m", str(c, "resources.limits.cpu"));
        assertEquals("2Gi", str(c, "resources.limits.memory"));

        // security (the user at pod or container level)
        JsonObject podSec = podSpec.getJsonObject("securityContext");
        JsonObject cSec = c.getJsonObject("securityContext");
        assertEquals(1001, (cSec.containsKey("runAsUser") ? cSec : podSec).getInt("runAsUser"));
        assertTrue((cSec.containsKey("runAsNonRoot") ? cSec : podSec).getBoolean("runAsNonRoot"));
        assertEquals(1001, num(podSpec, "securityContext.fsGroup"));
        assertEquals("RuntimeDefault", str(podSpec, "securityContext.seccompProfile.type"));
        assertFalse(bool(c, "securityContext.allowPrivilegeEscalation"));
        assertTrue(bool(c, "securityContext.readOnlyRootFilesystem"));
        assertEquals(List.of("ALL"), at(c, "securityContext.capabilities.drop").asJsonArray()
                .getValuesAs(JsonString::getString));
        assertEquals("RuntimeDefault", str(c, "securityContext.seccompProfile.type"));
        assertTrue(num(podSpec, "terminationGracePeriodSeconds") >= 30, "grace period long enough to fsync");
        assertFalse(bool(podSpec, "automountServiceAccountToken"), "no API token in the pod");

        // volumes: /data from the claim template, /tmp writable, config read-only
        assertEquals(1, at(sts, "spec.volumeClaimTemplates").asJsonArray().size());
        JsonObject claim = at(sts, "spec.volumeClaimTemplates.0").asJsonObject();
        assertEquals("redis-data", str(claim, "metadata.name"));
        assertEquals(List.of("ReadWriteOnce"), at(claim, "spec.accessModes").asJsonArray()
                .getValuesAs(JsonString::getString));
        assertEquals(storage, str(claim, "spec.resources.requests.storage"));
        JsonArray mounts = c.getJsonArray("volumeMounts");
        assertEquals("/data", byName(mounts, "redis-data").getString("mountPath"));
        assertEquals("/tmp", byName(mounts, "tmp").getString("mountPath"));
        assertTrue(at(byName(podSpec.getJsonArray("volumes"), "tmp"), "emptyDir") instanceof JsonObject);
        JsonObject configMount = byName(mounts, "config");
        assertEquals("/etc/kv", configMount.getString("mountPath"));
        assertTrue(configMount.getBoolean("readOnly"));
        String cmName = str(byName(podSpec.getJsonArray("volumes"), "config"), "configMap.name");
        JsonObject cm = find(objects, "ConfigMap", cmName);

        // Service redis-master
        JsonObject svc = find(objects, "Service", "redis-master");
        assertEquals("ClusterIP", svc.getJsonObject("spec").getString("type", "ClusterIP"));
        // one port, named as Bitnami names it (clients look it up by name); the management port
        // (unauthenticated health and metrics) is not on the Service clients use
        assertEquals(1, at(svc, "spec.ports").asJsonArray().size(), "redis-master has the data port only");
        JsonObject redisPort = byName(at(svc, "spec.ports").asJsonArray(), "tcp-redis");
        assertEquals(6379, redisPort.getInt("port"));
        assertEquals("tcp-redis", str(headless, "spec.ports.0.name"));
        JsonValue target = redisPort.get("targetPort");
        assertTrue(target.equals(jakarta.json.Json.createValue(6379)) || target.equals(jakarta.json.Json.createValue("redis")),
                "targetPort reaches the redis container port: " + target);
        assertContainsLabels(SELECTOR, at(svc, "spec.selector"), "Service selector");
        assertSelects(at(svc, "spec.selector").asJsonObject(), pod, "Service redis-master");

        // PodDisruptionBudget
        JsonObject pdb = objects.stream().filter(o -> o.getString("kind").equals("PodDisruptionBudget"))
                .findFirst().orElseGet(() -> fail("no PodDisruptionBudget"));
        assertSelects(at(pdb, "spec.selector.matchLabels").asJsonObject(), pod, "PodDisruptionBudget");
        // as Bitnami: a drain may evict the one pod (0 would block every node drain and upgrade)
        assertEquals(1, num(pdb, "spec.maxUnavailable"), "PDB lets one pod go");
        assertFalse(at(pdb, "spec").asJsonObject().containsKey("minAvailable"));

        // probes: a pod loading a big dataset is covered by the startup probe (minutes), not
        // killed by liveness; readiness drops fast
        assertTrue(num(c, "startupProbe.periodSeconds") * num(c, "startupProbe.failureThreshold") >= 600,
                "startup probe allows 10 minutes to load");
        assertTrue(num(c, "readinessProbe.periodSeconds") * num(c, "readinessProbe.failureThreshold") <= 15,
                "readiness reacts within 15 s");

        return at(cm, "data").asJsonObject().getString("kv.conf");
    }

    private static void assertSelects(JsonObject selector, JsonObject podTemplate, String what) {
        JsonObject labels = at(podTemplate, "metadata.labels").asJsonObject();
        assertFalse(selector.isEmpty(), what + ": empty selector");
        selector.forEach((k, v) -> assertEquals(v, labels.get(k), what + " selects pods on " + k));
    }

    private static void checkProbe(JsonObject container, String probe, String path) {
        JsonObject get = at(container, probe + ".httpGet").asJsonObject();
        assertEquals(path, get.getString("path"), probe);
        JsonValue port = get.get("port");
        boolean ok = port.equals(jakarta.json.Json.createValue(9000))
                || port.equals(jakarta.json.Json.createValue("management"));
        assertTrue(ok, probe + " on the management port (9000), not " + port);
    }

    /**
     * kv.conf as the pod uses it: KV's own start-up path (ConfigSource.fromArgs with the file
     * and --requirepass, then the rename-command check against the command table), with
     * {@code dir /data} pointed at a temporary directory.
     */
    static ServerConfig loadLikeThePod(String kvConf, Path tmp) throws Exception {
        Matcher m = Pattern.compile("(?m)^dir /data$").matcher(kvConf);
        assertTrue(m.find(), "kv.conf sets dir /data:\n" + kvConf);
        Path file = tmp.resolve("kv.conf");
        Files.writeString(file, m.replaceAll("dir " + tmp.toAbsolutePath()));
        ServerConfig cfg = ServerConfig.load(ConfigSource.fromArgs(
                new String[] {file.toString(), "--requirepass", "not-the-real-one"}));
        CommandTable table = new CommandTable();
        Commands.registerAll(table);
        cfg.renamedCommands().forEach(table::rename);
        return cfg;
    }

    /** The directives issue 8 names, as KV reads them. */
    static void checkKvConf(String kvConf, Path tmp) throws Exception {
        ServerConfig cfg = loadLikeThePod(kvConf, tmp);
        assertEquals(6379, cfg.port());
        assertEquals(List.of("0.0.0.0"), cfg.bind());
        assertFalse(cfg.protectedMode());
        assertTrue(cfg.appendOnly(), "appendonly yes");
        assertTrue(cfg.saveParams().isEmpty(), "save \"\"");
        assertEquals("allkeys-lru", cfg.maxMemoryPolicy());
        assertEquals(Map.of("flushdb", "", "flushall", ""), cfg.renamedCommands());
        assertEquals("not-the-real-one", new String(cfg.requirePass(), java.nio.charset.StandardCharsets.ISO_8859_1));
        long heap = (long) (2L * 1024 * 1024 * 1024 * 0.60);
        assertTrue(cfg.maxMemory() > 0 && cfg.maxMemory() < heap,
                "maxmemory " + cfg.maxMemory() + " below the heap (60% of the 2Gi limit = " + heap + ")");
    }
}
