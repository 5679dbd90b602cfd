package kv.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helm/kv/files/start-node.sh, the decision a node pod of the Sentinel layout takes before KV
 * and redis-sentinel start, run by /bin/sh with a fake {@code redis-cli} on the PATH. The fake
 * answers from files named HOST_PORT_COMMAND (no file: the host does not answer, as a pod that
 * is not up) and logs every call of the last run with the REDISCLI_AUTH it saw.
 */
class StartNodeScriptTest {

    static final Path SCRIPT = DeployTools.ROOT.resolve("helm/kv/files/start-node.sh");
    static final String DOMAIN = "redis-headless.apps.svc.cluster.local";

    @TempDir
    Path dir;

    Path answers;
    Path calls;

    record Outcome(int status, String kvConf, String sentinelConf, String stderr) {
        String replicaof() {
            return kvConf.lines().filter(l -> l.startsWith("replicaof ")).findFirst().orElse(null);
        }

        String monitor() {
            return sentinelConf.lines().filter(l -> l.startsWith("sentinel monitor ")).findFirst().orElse(null);
        }
    }

    @BeforeEach
    void fakeRedisCli() throws Exception {
        answers = Files.createDirectories(dir.resolve("answers"));
        calls = dir.resolve("calls");
        installFakeRedisCli(Files.createDirectories(dir.resolve("bin")));
    }

    /**
     * Writes the fake redis-cli into {@code bin}: it answers from $FAKE_ANSWERS/HOST_PORT_COMMAND
     * and appends "HOST:PORT ARGS auth=REDISCLI_AUTH" to $FAKE_CALLS.
     */
    static void installFakeRedisCli(Path bin) throws Exception {
        Path cli = bin.resolve("redis-cli");
        Files.writeString(cli, """
                #!/bin/sh
                host= port=
                while [ $# -gt 0 ]; do
                    case $1 in
                        -h) host=$2; shift 2 ;;
                        -p) port=$2; shift 2 ;;
                        --raw) shift ;;
                        *) break ;;
                    esac
                done
                echo "$host:$port $* auth=${REDISCLI_AUTH-none}" >> "$FAKE_CALLS"
                f="$FAKE_ANSWERS/${host}_${port}_$1"
                if [ ! -f "$f" ]; then
                    echo "Could not connect to Redis at $host:$port: Name or service not known" >&2
                    exit 1
                fi
                cat "$f"
                """);
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static String node(int i) {
        return "redis-node-" + i + "." + DOMAIN;
    }

    void sentinelSays(int pod, String reply) throws Exception {
        Files.writeString(answers.resolve(node(pod) + "_26379_SENTINEL"), reply);
    }

    void roleOf(int pod, String role) throws Exception {
        Files.writeString(answers.resolve(node(pod) + "_6379_ROLE"), role + "\n0\n");
    }

    Outcome start(int ordinal, Map<String, String> extra) throws Exception {
        Path kv = dir.resolve("kv.conf");
        Path sentinel = dir.resolve("sentinel.conf");
        Files.deleteIfExists(kv);
        Files.deleteIfExists(sentinel);
        Files.deleteIfExists(calls);
        ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString()).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("REDIS") || k.startsWith("SENTINEL"));
        env.put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        env.put("FAKE_ANSWERS", answers.toString());
        env.put("FAKE_CALLS", calls.toString());
        env.putAll(Map.of("STATEFULSET", "redis-node", "HEADLESS_DOMAIN", DOMAIN, "NODE_COUNT", "3",
                "POD_NAME", "redis-node-" + ordinal, "POD_IP", "10.0.0." + (10 + ordinal),
                "MASTER_SET", "mymaster", "QUORUM", "2", "BASE_KV_CONF", "/etc/kv/replica.conf",
                "KV_CONF", kv.toString(), "SENTINEL_CONF", sentinel.toString()));
        env.put("ASK_TIMEOUT", "5");
        env.putAll(extra);
        Process p = pb.start();
        p.getOutputStream().close();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "start-node.sh did not finish");
        return new Outcome(p.exitValue(), Files.exists(kv) ? Files.readString(kv) : "",
                Files.exists(sentinel) ? Files.readString(sentinel) : "", err);
    }

    Outcome start(int ordinal) throws Exception {
        return start(ordinal, Map.of());
    }

    List<String> calls() throws Exception {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void firstStartOfAllPodsInParallelMakesPodZeroTheMaster() throws Exception {
        // nothing answers: no Sentinel is up yet and no peer is a master
        Outcome zero = start(0);
        assertEquals(0, zero.status(), zero.stderr());
        assertEquals(null, zero.replicaof(), zero.kvConf());
        assertTrue(zero.kvConf().lines().toList().containsAll(List.of("include /etc/kv/replica.conf",
                "replica-announce-ip " + node(0), "replica-announce-port 6379")), zero.kvConf());
        assertEquals("sentinel monitor mymaster " + node(0) + " 6379 2", zero.monitor());
        assertTrue(zero.stderr().contains("pod 0 starts as the master"), zero.stderr());

        Outcome two = start(2);
        assertEquals(0, two.status(), two.stderr());
        assertEquals("replicaof " + node(0) + " 6379", two.replicaof());
        assertEquals("sentinel monitor mymaster " + node(0) + " 6379 2", two.monitor());
        // each peer's Sentinel and KV were asked, never the pod itself
        List<String> asked = calls();
        assertTrue(asked.stream().anyMatch(c -> c.startsWith(node(0) + ":26379 SENTINEL get-master-addr-by-name mymaster")), asked.toString());
        assertTrue(asked.stream().anyMatch(c -> c.startsWith(node(1) + ":6379 ROLE")), asked.toString());
        assertFalse(asked.stream().anyMatch(c -> c.startsWith(node(2) + ":")), "pod 2 asked itself: " + asked);
    }

    @Test
    void restartedPodZeroFollowsTheMasterTheSentinelsName() throws Exception {
        // the split-brain case: pod 0 restarts after a failover made pod 1 the master
        sentinelSays(1, node(1) + "\n6379\n");
        sentinelSays(2, node(1) + "\n6379\n");
        roleOf(1, "master");
        Outcome o = start(0);
        assertEquals(0, o.status(), o.stderr());
        assertEquals("replicaof " + node(1) + " 6379", o.replicaof());
        assertEquals("sentinel monitor mymaster " + node(1) + " 6379 2", o.monitor());
        assertFalse(calls().stream().anyMatch(c -> c.contains(" ROLE")), "the Sentinels' answer is enough");
    }

    @Test
    void theSentinelsNamingThisPodKeepItMaster() throws Exception {
        // a quick restart (shorter than down-after-milliseconds): no failover happened
        sentinelSays(0, node(1) + "\n6379\n");
        Outcome byName = start(1);
        assertEquals(null, byName.replicaof(), byName.kvConf());
        assertEquals("sentinel monitor mymaster " + node(1) + " 6379 2", byName.monitor());
        // Sentinel may know the master by its IP (a replica announced without a name)
        sentinelSays(0, "10.0.0.11\n6379\n");
        Outcome byIp = start(1);
        assertEquals(null, byIp.replicaof(), byIp.kvConf());
        assertEquals("sentinel monitor mymaster " + node(1) + " 6379 2", byIp.monitor());
    }

    @Test
    void withoutSentinelsAPeerThatIsMasterWinsOverPodZero() throws Exception {
        // Sentinels lost their state (all restarted) but pod 2 still is the master
        roleOf(1, "slave");
        roleOf(2, "master");
        Outcome o = start(0);
        assertEquals("replicaof " + node(2) + " 6379", o.replicaof());
        assertEquals("sentinel monitor mymaster " + node(2) + " 6379 2", o.monitor());
        assertTrue(o.stderr().contains(node(2) + " 6379 says it is a master"), o.stderr());
    }

    @Test
    void theMajorityOfSentinelsWinsAndBrokenAnswersAreIgnored() throws Exception {
        // mid-failover: one Sentinel still names the old master, two the new one
        Files.writeString(answers.resolve(node(0) + "_26379_SENTINEL"), node(1) + "\n6379\n");
        Files.writeString(answers.resolve("redis-node-3." + DOMAIN + "_26379_SENTINEL"), node(2) + "\n6379\n");
        Files.writeString(answers.resolve("redis-node-4." + DOMAIN + "_26379_SENTINEL"), node(2) + "\n6379\n");
        Outcome o = start(1, Map.of("NODE_COUNT", "5"));
        assertEquals("replicaof " + node(2) + " 6379", o.replicaof());

        // an error reply, an empty (nil) reply and a malformed one count as no answer
        Files.writeString(answers.resolve(node(0) + "_26379_SENTINEL"), "NOAUTH Authentication required.\n");
        Files.writeString(answers.resolve("redis-node-3." + DOMAIN + "_26379_SENTINEL"), "\n");
        Files.writeString(answers.resolve("redis-node-4." + DOMAIN + "_26379_SENTINEL"), "host with space\n6379\n");
        Outcome none = start(1, Map.of("NODE_COUNT", "5"));
        assertEquals("replicaof " + node(0) + " 6379", none.replicaof(), none.stderr());
        assertTrue(none.stderr().contains("following pod 0"), none.stderr());
    }

    @Test
    void passwordsTravelInTheEnvironmentAndAreQuotedInTheConfig() throws Exception {
        sentinelSays(1, node(1) + "\n6379\n");
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_PASSWORD", "da\"ta \\pw");
        env.put("SENTINEL_PASSWORD", "sen tinel");
        env.put("DOWN_AFTER_MILLISECONDS", "1500");
        env.put("FAILOVER_TIMEOUT", "10000");
        env.put("PARALLEL_SYNCS", "2");
        Outcome o = start(0, env);
        assertEquals(0, o.status(), o.stderr());
        List<String> conf = o.sentinelConf().lines().toList();
        assertTrue(conf.containsAll(List.of("sentinel auth-pass mymaster \"da\\\"ta \\\\pw\"", "requirepass \"sen tinel\"",
                "sentinel sentinel-pass \"sen tinel\"", "sentinel down-after-milliseconds mymaster 1500",
                "sentinel failover-timeout mymaster 10000", "sentinel parallel-syncs mymaster 2",
                "sentinel resolve-hostnames yes", "sentinel announce-hostnames yes", "sentinel announce-ip " + node(0),
                "port 26379")), o.sentinelConf());
        for (String call : calls()) {
            assertFalse(call.substring(0, call.indexOf(" auth=")).contains("pw"), "password on a command line: " + call);
            String auth = call.substring(call.indexOf(" auth=") + 6);
            assertEquals(call.contains(":26379 ") ? "sen tinel" : "da\"ta \\pw", auth, call);
        }
        assertFalse(o.kvConf().contains("pw"), "the data password is not written into kv.conf (KV gets --masterauth)");
    }

    @Test
    void theSentinelIdIsStablePerPod() throws Exception {
        String first = myid(start(0));
        String again = myid(start(0));
        String other = myid(start(1));
        assertTrue(first.matches("[0-9a-f]{40}"), first);
        assertEquals(first, again, "the same pod keeps its Sentinel id across restarts");
        assertFalse(first.equals(other));
    }

    private static String myid(Outcome o) {
        return o.sentinelConf().lines().filter(l -> l.startsWith("sentinel myid ")).findFirst().orElseThrow().substring(14);
    }

    @Test
    void aMissingSettingStopsThePod() throws Exception {
        Outcome o = start(0, Map.of("MASTER_SET", ""));
        assertTrue(o.status() != 0, "started without MASTER_SET");
        assertTrue(o.stderr().contains("MASTER_SET"), o.stderr());
    }
}
