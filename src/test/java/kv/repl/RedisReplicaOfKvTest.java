package kv.repl;

import static kv.repl.ReplicaOfRedisTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import kv.ReferenceRedis;
import kv.RespTestClient;
import kv.server.RespServer;

/**
 * KV as the master of a real redis-server 7.0 replica: full sync of every data type (diskless and
 * disk-backed), 10,000 mixed writes streamed, a cut link that continues with +CONTINUE, WAIT.
 * Datasets are compared with DEBUG DIGEST once both sides are at the same offset.
 */
@QuarkusTest
class RedisReplicaOfKvTest {
    private static final long DEADLINE_MS = 60_000;

    @Inject
    RespServer server;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private RespTestClient kv;
    private final List<java.nio.file.Path> replicaDirs = new ArrayList<>();

    @BeforeEach
    void connect() throws IOException {
        kv = new RespTestClient(server.port());
        assertEquals("+OK\r\n", kv.call("FLUSHALL"));
        kv.call("FUNCTION", "FLUSH");
        assertEquals("+OK\r\n", kv.call("CONFIG", "SET", "repl-diskless-sync-delay", "0"));
    }

    @AfterEach
    void restore() throws IOException {
        kv.call("CONFIG", "SET", "repl-diskless-sync", "yes");
        kv.call("CONFIG", "SET", "repl-diskless-sync-delay", "5");
        kv.call("FUNCTION", "FLUSH");
        kv.call("FLUSHALL");
        kv.close();
        for (java.nio.file.Path dir : replicaDirs) {
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void disklessFullSyncThenStream() throws Exception {
        kv.call("CONFIG", "SET", "repl-diskless-sync", "yes");
        fullSyncThenStream();
    }

    @Test
    void diskBackedFullSyncThenStream() throws Exception {
        kv.call("CONFIG", "SET", "repl-diskless-sync", "no");
        fullSyncThenStream();
    }

    private void fullSyncThenStream() throws Exception {
        populateEveryType(kv);
        long fullBefore = stat(kv.call("INFO", "stats"), "sync_full");
        long sentBefore = stat(kv.call("INFO", "stats"), "total_net_repl_output_bytes");
        try (ReferenceRedis replica = startReplica();
                RespTestClient r = new RespTestClient(replica.port())) {
            awaitInSync(r);
            // what KV sent its replica is what redis read from its master, plus the lines redis
            // reads before the payload (+FULLRESYNC, the bulk header) and does not count
            awaitTrue(() -> {
                long sent = stat(kv.call("INFO", "stats"), "total_net_repl_output_bytes") - sentBefore;
                long read = stat(r.call("INFO", "stats"), "total_net_repl_input_bytes");
                return read > 1000 && sent >= read && sent - read <= 200;
            });
            assertEquals(fullBefore + 1, stat(kv.call("INFO", "stats"), "sync_full"));
            assertEquals(kv.call("FUNCTION", "LIST", "WITHCODE"), r.call("FUNCTION", "LIST", "WITHCODE"));
            String info = kv.call("INFO", "replication");
            assertTrue(info.contains("connected_slaves:1\r\n"), info);
            assertTrue(Pattern.compile("slave0:ip=127\\.0\\.0\\.1,port=" + replica.port() + ",state=online,offset=\\d+,lag=\\d+")
                    .matcher(info).find(), info);
            assertTrue(kv.call("CLIENT", "LIST", "TYPE", "replica").contains(" flags=S "));

            mixedWrites(kv, new Random(20), 10_000);
            awaitInSync(r);
            awaitReplicaMeters(replica.port());
            assertEquals(":1\r\n", kv.call("WAIT", "1", "5000"));
        }
    }

    /** A replication dump shows as rdb_bgsave_in_progress while it runs, as a Redis replication BGSAVE does. */
    @Test
    void replicationDumpIsABgsaveInProgress() throws Exception {
        kv.call("CONFIG", "SET", "repl-diskless-sync", "yes");
        Random random = new Random(6);
        char[] value = new char[1 << 20];
        for (int i = 0; i < 32; i++) { // 32 MB that do not compress: more than the sockets' buffers hold
            for (int j = 0; j < value.length; j++) {
                value[j] = (char) ('a' + random.nextInt(26));
            }
            kv.call("SET", "big:" + i, new String(value));
        }
        assertTrue(kv.call("INFO", "persistence").contains("rdb_bgsave_in_progress:0\r\n"));
        try (RespTestClient replica = new RespTestClient(server.port())) {
            assertEquals("+OK\r\n", replica.call("REPLCONF", "listening-port", "1"));
            // a replica that reads nothing: the diskless dump waits for its socket and stays in progress
            replica.send(RespTestClient.encode("PSYNC", "?", "-1"));
            long deadline = System.currentTimeMillis() + DEADLINE_MS;
            while (!kv.call("INFO", "persistence").contains("rdb_bgsave_in_progress:1\r\n")) {
                assertTrue(System.currentTimeMillis() < deadline, "no dump in progress");
                Thread.sleep(20);
            }
        }
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (!kv.call("INFO", "persistence").contains("rdb_bgsave_in_progress:0\r\n")) {
            assertTrue(System.currentTimeMillis() < deadline, "the dump did not end with its replica");
            Thread.sleep(20);
        }
        // the aborted dump gives the server's one dump slot back: a BGSAVE (or the next disk-backed sync) can run
        String reply = kv.call("BGSAVE");
        while (!reply.startsWith("+Background saving started")) {
            assertTrue(System.currentTimeMillis() < deadline, "the aborted replication dump still holds the dump slot: " + reply);
            Thread.sleep(20);
            reply = kv.call("BGSAVE");
        }
    }

    @Test
    void cutLinkContinuesPartially() throws Exception {
        populateEveryType(kv);
        try (ReferenceRedis replica = startReplica();
                RespTestClient r = new RespTestClient(replica.port())) {
            awaitInSync(r);
            String stats = kv.call("INFO", "stats");
            long full = stat(stats, "sync_full");
            long partial = stat(stats, "sync_partial_ok");
            Random random = new Random(3);
            mixedWrites(kv, random, 2_000);
            assertEquals(":1\r\n", r.call("CLIENT", "KILL", "TYPE", "master"));
            mixedWrites(kv, random, 2_000);
            awaitInSync(r);
            stats = kv.call("INFO", "stats");
            assertEquals(full, stat(stats, "sync_full"));
            assertEquals(partial + 1, stat(stats, "sync_partial_ok"));
            assertEquals(":1\r\n", kv.call("WAIT", "1", "5000"));
        }
    }

    @Test
    void roleListsTheOnlineReplica() throws Exception {
        try (ReferenceRedis replica = startReplica();
                RespTestClient r = new RespTestClient(replica.port())) {
            awaitInSync(r);
            String role = kv.call("ROLE");
            assertTrue(role.startsWith("*3\r\n$6\r\nmaster\r\n:"), role);
            assertTrue(role.contains("*1\r\n*3\r\n$9\r\n127.0.0.1\r\n$" + Integer.toString(replica.port()).length() + "\r\n"
                    + replica.port() + "\r\n"), role);
            // replicas are not counted as connected clients
            String clients = kv.call("INFO", "clients");
            long listed = kv.call("CLIENT", "LIST").lines().filter(l -> l.contains("id=")).count();
            assertEquals(listed - 1, stat(clients, "connected_clients"));
            assertEquals(":1\r\n", kv.call("CLIENT", "KILL", "TYPE", "replica"));
        }
    }

    /**
     * A fresh redis-server replicating KV, in its own directory: a replica saves the RDB it receives,
     * and one started later from that file would continue with PSYNC instead of a full sync.
     */
    private ReferenceRedis startReplica() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kv-replica");
        replicaDirs.add(dir);
        return ReferenceRedis.startOrSkip("--replicaof", "127.0.0.1", Integer.toString(server.port()), "--dir", dir.toString());
    }

    // ---- data ----

    static void populateEveryType(RespTestClient c) throws IOException {
        for (int db = 0; db < 3; db++) {
            c.call("SELECT", Integer.toString(db));
            c.call("SET", "int", "12345");
            c.call("SET", "short", "abc");
            c.call("SET", "long", "x".repeat(300));
            c.call("SET", "ttl", "v", "EX", "100000");
            c.call("RPUSH", "smalllist", "a", "b", "1");
            c.call("HSET", "smallhash", "f", "v", "n", "1");
            c.call("SADD", "intset", "1", "2", "3");
            c.call("SADD", "smallset", "a", "b");
            c.call("ZADD", "smallzset", "1", "a", "2.5", "b");
            c.call("PFADD", "hll", "a", "b", "c");
            c.call("XADD", "stream", "1-1", "f", "v");
            c.call("XADD", "stream", "2-1", "f", "w");
            c.call("XGROUP", "CREATE", "stream", "g", "0");
            c.call("XREADGROUP", "GROUP", "g", "consumer", "COUNT", "1", "STREAMS", "stream", ">");
            for (int i = 0; i < 300; i++) {
                String s = Integer.toString(i);
                c.call("RPUSH", "biglist", "element-" + s);
                c.call("HSET", "bighash", "field-" + s, "value-" + s);
                c.call("SADD", "bigset", "member-" + s);
                c.call("SADD", "bigintset", s);
                c.call("ZADD", "bigzset", s, "member-" + s);
                c.call("PFADD", "bighll", "e" + s);
            }
            c.call("PEXPIRE", "biglist", "9000000");
        }
        c.call("SELECT", "0");
        c.call("FUNCTION", "LOAD", "#!lua name=replib\nredis.register_function('one', function() return 1 end)");
    }

    /** {@code n} writes of every kind, pipelined, in several dbs, with MULTI/EXEC blocks and scripts. */
    static void mixedWrites(RespTestClient c, Random random, int n) throws IOException {
        List<String[]> batch = new ArrayList<>();
        int queued = 0;
        for (int i = 0; i < n; i++) {
            String k = "k" + random.nextInt(500);
            String v = Integer.toString(random.nextInt(1_000_000));
            switch (random.nextInt(20)) {
                case 0 -> batch.add(new String[] {"SELECT", Integer.toString(random.nextInt(4))});
                case 1 -> batch.add(new String[] {"SET", k, v});
                case 2 -> batch.add(new String[] {"INCRBY", "n" + k, v});
                case 3 -> batch.add(new String[] {"LPUSH", "l" + k, v});
                case 4 -> batch.add(new String[] {"HSET", "h" + k, "f" + random.nextInt(50), v});
                case 5 -> batch.add(new String[] {"SADD", "s" + k, v});
                case 6 -> batch.add(new String[] {"ZADD", "z" + k, Integer.toString(random.nextInt(100)), v});
                case 7 -> batch.add(new String[] {"XADD", "x" + k, "*", "f", v});
                case 8 -> batch.add(new String[] {"EXPIRE", k, Integer.toString(100 + random.nextInt(10000))});
                case 9 -> batch.add(new String[] {"SETEX", "e" + k, "5000", v});
                case 10 -> batch.add(new String[] {"DEL", k});
                case 11 -> batch.add(new String[] {"INCRBYFLOAT", "f" + k, "1.5"});
                case 12 -> batch.add(new String[] {"EVAL", "redis.call('set', KEYS[1], ARGV[1]); return redis.call('incr', KEYS[2])",
                        "2", "script" + k, "counter" + k, v});
                case 13 -> {
                    batch.add(new String[] {"MULTI"});
                    batch.add(new String[] {"SET", "m" + k, v});
                    batch.add(new String[] {"LPUSH", "ml" + k, v});
                    batch.add(new String[] {"EXPIRE", "m" + k, "3000"});
                    batch.add(new String[] {"EXEC"});
                }
                case 14 -> batch.add(new String[] {"SET", "px" + k, v, "PX", Integer.toString(1 + random.nextInt(200))});
                case 15 -> batch.add(new String[] {"LPOP", "l" + k});
                case 16 -> batch.add(new String[] {"HINCRBY", "h" + k, "count", "1"});
                case 17 -> batch.add(new String[] {"ZINCRBY", "z" + k, "1.25", v});
                case 18 -> batch.add(new String[] {"FCALL", "one", "0"});
                default -> batch.add(new String[] {"APPEND", "a" + k, v});
            }
            if (batch.size() >= 200 || i == n - 1) {
                queued += batch.size();
                for (String[] cmd : batch) {
                    c.send(RespTestClient.encode(cmd));
                }
                for (int j = 0; j < batch.size(); j++) {
                    c.readReply();
                }
                batch.clear();
            }
        }
        assertTrue(queued >= n);
        c.call("SELECT", "0");
    }

    // ---- sync checks ----

    /** Polls until the replica's link is up, it has processed the master's whole stream, and the digests agree. */
    private void awaitInSync(RespTestClient replica) throws Exception {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            String info = replica.call("INFO", "replication");
            long masterOffset = stat(kv.call("INFO", "replication"), "master_repl_offset");
            if (info.contains("master_link_status:up") && stat(info, "slave_repl_offset") == masterOffset) {
                String ours = kv.call("DEBUG", "DIGEST");
                String theirs = replica.call("DEBUG", "DIGEST");
                if (ours.equals(theirs) && stat(kv.call("INFO", "replication"), "master_repl_offset") == masterOffset) {
                    return;
                }
                last = "digest " + ours.trim() + " vs " + theirs.trim();
            } else {
                last = info;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("replica not in sync: " + last);
    }

    /** The per-replica meters appear (they are refreshed each second) with redis_exporter's labels. */
    private void awaitReplicaMeters(int replicaPort) throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (registry.find("redis_connected_slave_offset_bytes").tag("slave_port", Integer.toString(replicaPort))
                .tag("slave_ip", "127.0.0.1").tag("slave_state", "online").gauge() == null
                || registry.get("redis_master_repl_offset").gauge().value() == 0) {
            assertTrue(System.currentTimeMillis() < deadline, "no replica meters");
            Thread.sleep(50);
        }
        assertEquals(1.0, registry.get("redis_connected_slaves").gauge().value());
        assertTrue(registry.get("redis_master_repl_offset").gauge().value() > 0);
        assertTrue(registry.find("redis_connected_slave_lag_seconds").tag("slave_port", Integer.toString(replicaPort))
                .gauge() != null);
        assertEquals(1048576.0, registry.get("redis_replication_backlog_bytes").gauge().value());
    }

    static long stat(String info, String field) {
        Matcher m = Pattern.compile("(?m)^" + field + ":(-?\\d+)").matcher(info);
        assertTrue(m.find(), field + " in " + info);
        return Long.parseLong(m.group(1));
    }
}
