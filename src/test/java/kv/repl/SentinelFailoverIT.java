package kv.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.KvProcess;
import kv.ReferenceRedis;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentineled;

/**
 * Issue 20's failover acceptance: three real redis-sentinels (quorum 2) watch a KV master with two
 * KV replicas; the master is killed with SIGKILL under a writer that waits for one replica's
 * acknowledgement (WAIT 1). A replica must be promoted within 15 s, no acknowledged write may be
 * missing, the other replica must follow the new master, the old master must come back as a
 * replica, and a Sentinel-aware client (Jedis) must keep working. The same scenario runs with
 * redis-server nodes, so the harness itself is known to be right.
 */
class SentinelFailoverIT {
    private static final String MASTER_SET = "mymaster";
    private static final long PROMOTION_LIMIT_MS = 15_000;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> started = new ArrayList<>();

    /** A data node (KV or redis-server) that can be killed and started again on its port. */
    private interface Node extends AutoCloseable {
        int port();

        void kill9() throws Exception;
    }

    @FunctionalInterface
    private interface NodeKind {
        Node start(Path dir, int port, String... args) throws Exception;
    }

    private static final NodeKind KV = (dir, port, args) -> {
        KvProcess kv = KvProcess.start(dir, port, args);
        return new Node() {
            public int port() { return kv.port; }
            public void kill9() throws Exception { kv.kill9(); }
            public void close() throws Exception { kv.close(); }
        };
    };

    private static final NodeKind REDIS = (dir, port, args) -> {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        awaitTrue(() -> ping(port), 20_000, "redis-server on " + port + " answers PING");
        return new Node() {
            public int port() { return port; }
            public void kill9() throws Exception {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            public void close() throws Exception { kill9(); }
        };
    };

    @Test
    void realSentinelsFailOverKvNodes() throws Exception {
        failover(KV);
    }

    @Test
    void theSameScenarioWithRedisNodes() throws Exception {
        failover(REDIS);
    }

    private void failover(NodeKind kind) throws Exception {
        String version = ReferenceRedis.localVersion();
        Assumptions.assumeTrue(version != null, "no redis-server on PATH: the Sentinels are real redis-sentinels");
        try {
            run(kind);
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
        }
    }

    private void run(NodeKind kind) throws Exception {
        int masterPort = KvProcess.freePort();
        Node master = started(kind.start(dir("master"), masterPort));
        Node replica1 = started(kind.start(dir("replica1"), KvProcess.freePort(), "--replicaof", "127.0.0.1",
                Integer.toString(masterPort)));
        Node replica2 = started(kind.start(dir("replica2"), KvProcess.freePort(), "--replicaof", "127.0.0.1",
                Integer.toString(masterPort)));
        awaitTrue(() -> info(masterPort, "replication").contains("connected_slaves:2")
                && countOf(info(masterPort, "replication"), "state=online") == 2, 30_000, "both replicas online");

        List<Integer> sentinels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sentinels.add(startSentinel(masterPort, i));
        }
        for (int s : sentinels) {
            awaitTrue(() -> {
                Map<String, String> m = sentinelMaster(s);
                return "2".equals(m.get("num-slaves")) && "2".equals(m.get("num-other-sentinels"));
            }, 30_000, "sentinel " + s + " sees both replicas and the other sentinels");
        }

        Writer writer = new Writer(sentinels);
        Thread writing = new Thread(writer, "acked-writer");
        writing.start();
        try {
            awaitTrue(() -> writer.acked.size() >= 200, 30_000, "200 acknowledged writes before the kill");
            master.kill9();
            long killedAt = System.nanoTime();
            awaitTrue(() -> masterPortBySentinel(sentinels) != masterPort, PROMOTION_LIMIT_MS,
                    "a replica promoted within 15 s");
            long promotedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            int newMaster = masterPortBySentinel(sentinels);
            assertTrue(newMaster == replica1.port() || newMaster == replica2.port(), "promoted " + newMaster);
            int afterSwitch = writer.acked.size();
            awaitTrue(() -> writer.acked.size() >= afterSwitch + 200, 30_000, "writes acknowledged on the new master");
            writer.stop.set(true);
            writing.join(10_000);
            if (writer.failure.get() != null) {
                throw new AssertionError("writer failed", writer.failure.get());
            }

            try (Jedis j = new Jedis("127.0.0.1", newMaster)) {
                List<Integer> missing = new ArrayList<>();
                for (Map.Entry<Integer, Boolean> e : writer.acked.entrySet()) {
                    if (!Integer.toString(e.getKey()).equals(j.get("acked:" + e.getKey()))) {
                        missing.add(e.getKey());
                    }
                }
                assertEquals(List.of(), missing, "acknowledged writes missing on the new master");
            }
            int other = newMaster == replica1.port() ? replica2.port() : replica1.port();
            awaitTrue(() -> {
                String r = info(other, "replication");
                return r.contains("master_port:" + newMaster + "\r\n") && r.contains("master_link_status:up");
            }, 30_000, "the other replica follows the new master");

            Node restarted = started(kind.start(dir("master"), masterPort));
            awaitTrue(() -> {
                String r = info(restarted.port(), "replication");
                return r.contains("role:slave") && r.contains("master_port:" + newMaster + "\r\n")
                        && r.contains("master_link_status:up");
            }, 40_000, "the old master rejoins as a replica of the new one");

            Set<HostAndPort> sentinelAddresses = new java.util.HashSet<>();
            for (int s : sentinels) {
                sentinelAddresses.add(new HostAndPort("127.0.0.1", s));
            }
            try (JedisSentineled client = new JedisSentineled(MASTER_SET, DefaultJedisClientConfig.builder().build(),
                    sentinelAddresses, DefaultJedisClientConfig.builder().build())) {
                assertEquals(newMaster, client.getCurrentMaster().getPort());
                client.set("through-sentinel", "yes");
                assertEquals("yes", client.get("through-sentinel"));
            }
            System.out.printf("Sentinel failover (%s nodes): promoted after %d ms, %d acknowledged writes kept%n",
                    kind == KV ? "KV" : "redis", promotedMs, writer.acked.size());
        } finally {
            writer.stop.set(true);
            writing.join(10_000);
        }
    }

    /** SET acked:i i then WAIT 1 on the same connection, at the master the Sentinels name. */
    private static final class Writer implements Runnable {
        final Map<Integer, Boolean> acked = new ConcurrentHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final List<Integer> sentinels;

        Writer(List<Integer> sentinels) {
            this.sentinels = sentinels;
        }

        @Override
        public void run() {
            int i = 0;
            try {
                while (!stop.get()) {
                    int port = masterPortBySentinel(sentinels);
                    try (Jedis j = new Jedis("127.0.0.1", port, 2000)) {
                        while (!stop.get()) {
                            j.set("acked:" + i, Integer.toString(i));
                            if (j.waitReplicas(1, 1000) >= 1) {
                                acked.put(i, Boolean.TRUE);
                            }
                            i++;
                        }
                    } catch (RuntimeException e) {
                        i++; // the write may or may not have happened: never counted as acknowledged
                        Thread.sleep(100);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }
    }

    private <T extends AutoCloseable> T started(T node) {
        started.add(node);
        return node;
    }

    private Path dir(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name));
    }

    private int startSentinel(int masterPort, int index) throws Exception {
        int port = KvProcess.freePort();
        Path dir = dir("sentinel" + index);
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, String.join("\n",
                "port " + port,
                "bind 127.0.0.1",
                "daemonize no",
                "dir " + dir,
                "sentinel monitor " + MASTER_SET + " 127.0.0.1 " + masterPort + " 2",
                "sentinel down-after-milliseconds " + MASTER_SET + " 1500",
                "sentinel failover-timeout " + MASTER_SET + " 10000",
                "sentinel parallel-syncs " + MASTER_SET + " 1", ""));
        Process p = new ProcessBuilder("redis-server", conf.toString(), "--sentinel").redirectErrorStream(true)
                .redirectOutput(dir.resolve("sentinel.log").toFile()).start();
        started.add(() -> {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        });
        awaitTrue(() -> ping(port), 20_000, "sentinel on " + port + " answers PING");
        return port;
    }

    private static int masterPortBySentinel(List<Integer> sentinels) {
        for (int s : sentinels) {
            try (Jedis j = new Jedis("127.0.0.1", s, 1000)) {
                List<String> addr = j.sentinelGetMasterAddrByName(MASTER_SET);
                if (addr != null && addr.size() == 2) {
                    return Integer.parseInt(addr.get(1));
                }
            } catch (RuntimeException e) {
                // this sentinel is not answering: ask the next one
            }
        }
        return -1;
    }

    private static Map<String, String> sentinelMaster(int sentinel) {
        try (Jedis j = new Jedis("127.0.0.1", sentinel, 1000)) {
            return j.sentinelMaster(MASTER_SET).entrySet().stream()
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private static String info(int port, String section) {
        try (Jedis j = new Jedis("127.0.0.1", port, 1000)) {
            return j.info(section);
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static boolean ping(int port) {
        try (Jedis j = new Jedis("127.0.0.1", port, 1000)) {
            return "PONG".equals(j.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static int countOf(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static void awaitTrue(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
