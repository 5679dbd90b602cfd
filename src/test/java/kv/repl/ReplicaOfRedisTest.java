package kv.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import kv.ReferenceRedis;
import kv.RespTestClient;
import kv.server.RespServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * KV as the replica of a real redis-server 7.0 master (issue 20, acceptance 2, 3 and 5): full sync
 * of every data type, the stream of mixed writes, link cuts that continue with PSYNC, promotion,
 * READONLY, and a restarted master that forces a new full sync. Datasets are compared with DEBUG
 * DIGEST (Redis' digest, which KV implements), waiting on offsets rather than time.
 */
@QuarkusTest
class ReplicaOfRedisTest {
    private static final long DEADLINE_MS = 60_000;

    @Inject
    RespServer kv;

    @AfterEach
    void backToMaster() throws Exception {
        try (RespTestClient c = new RespTestClient(kv.port())) {
            c.call("REPLICAOF", "NO", "ONE");
            c.call("CONFIG", "SET", "masterauth", "", "repl-diskless-load", "disabled");
            c.call("FLUSHALL");
            c.call("FUNCTION", "FLUSH");
        }
    }

    @Test
    void fullSyncOfEveryTypeThenTenThousandMixedWrites() throws Exception {
        try (ReferenceRedis redis = ReferenceRedis.startOrSkip("--repl-diskless-sync-delay", "0"); Jedis master = new Jedis("127.0.0.1", redis.port());
                RespTestClient replica = new RespTestClient(kv.port())) {
            populateEveryType(master);
            long readBefore = stat(replica.call("INFO", "stats"), "total_net_repl_input_bytes");
            assertEquals("+OK\r\n", replica.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port())));
            assertEquals("+OK Already connected to specified master\r\n",
                    replica.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port())));
            awaitInSync(master, replica);
            assertEquals(digest(master), kvDigest(replica));
            assertEquals(master.functionList().size(), 1);
            assertEquals("$5\r\nhello\r\n", replica.call("FCALL_RO", "kvrepl_hello", "0"));
            assertTrue(replica.call("INFO", "replication").contains("role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:"
                    + redis.port() + "\r\nmaster_link_status:up\r\n"));
            mixedWrites(master, new Random(20), 10_000);
            awaitSameData(master, replica);
            // KV counts every byte of the link; redis leaves out the handshake and the lines before the payload
            awaitTrue(() -> {
                long read = stat(replica.call("INFO", "stats"), "total_net_repl_input_bytes") - readBefore;
                long sent = stat(master.info("stats"), "total_net_repl_output_bytes");
                return sent > 100_000 && read >= sent && read - sent <= 300;
            });
            assertTrue(replica.call("ROLE").startsWith("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:" + redis.port()
                    + "\r\n$9\r\nconnected\r\n:"));
        }
    }

    @Test
    void clientKillTypeMasterContinuesWithPsyncUnderWrites() throws Exception {
        // a backlog that covers what the replica may lag behind on a busy machine
        try (ReferenceRedis redis = ReferenceRedis.startOrSkip("--repl-backlog-size", "64mb", "--repl-diskless-sync-delay", "0"); Jedis master = new Jedis("127.0.0.1", redis.port());
                RespTestClient replica = new RespTestClient(kv.port())) {
            populateEveryType(master);
            replica.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port()));
            awaitInSync(master, replica);
            long fullBefore = stat(master.info("stats"), "sync_full");
            long partialBefore = stat(master.info("stats"), "sync_partial_ok");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                try (Jedis w = new Jedis("127.0.0.1", redis.port())) {
                    Random random = new Random(3);
                    while (!stop.get()) {
                        mixedWrites(w, random, 100);
                        written.addAndGet(100);
                        // a steady writer rather than a flood: about 20,000 writes a second at most
                        TimeUnit.MILLISECONDS.sleep(5);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            writer.start();
            try {
                for (int kill = 0; kill < 3; kill++) {
                    long target = written.get() + 300;
                    awaitTrue(() -> written.get() >= target);
                    assertEquals(":1\r\n", replica.call("CLIENT", "KILL", "TYPE", "master"));
                    long partial = partialBefore + kill + 1;
                    awaitTrue(() -> stat(master.info("stats"), "sync_partial_ok") >= partial
                            && info(replica, "master_link_status").equals("up"));
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            awaitSameData(master, replica);
            assertEquals(fullBefore, stat(master.info("stats"), "sync_full"));
            assertEquals(partialBefore + 3, stat(master.info("stats"), "sync_partial_ok"));
        }
    }

    @Test
    void readOnlyReplicaPromotedByReplicaofNoOneAndFullSyncAfterMasterRestart() throws Exception {
        try (ReferenceRedis redis = ReferenceRedis.startOrSkip("--repl-diskless-sync", "no"); RespTestClient replica = new RespTestClient(kv.port())) {
            try (Jedis master = new Jedis("127.0.0.1", redis.port())) {
                populateEveryType(master);
                replica.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port()));
                awaitInSync(master, replica);
                assertEquals("-READONLY You can't write against a read only replica.\r\n", replica.call("SET", "x", "1"));
                assertEquals("+OK\r\n", replica.call("MULTI"));
                assertEquals("-READONLY You can't write against a read only replica.\r\n", replica.call("SET", "x", "1"));
                assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", replica.call("EXEC"));
                assertEquals(stat(master.info("replication"), "master_repl_offset"),
                        Long.parseLong(info(replica, "slave_repl_offset")));
            }
            long fullBefore;
            try (Jedis master = new Jedis("127.0.0.1", redis.port())) {
                fullBefore = stat(master.info("stats"), "sync_full");
                assertEquals(1, fullBefore);
            }
            // a restarted master (no persistence: empty, with a new replication id) makes the replica sync in full
            redis.restart();
            try (Jedis master = new Jedis("127.0.0.1", redis.port())) {
                master.set("after-restart", "1");
                awaitTrue(() -> stat(master.info("stats"), "sync_full") == 1 && info(replica, "master_link_status").equals("up")
                        && info(replica, "master_replid").equals(infoField(master.info("replication"), "master_replid")));
                awaitSameData(master, replica);
                assertEquals("$1\r\n1\r\n", replica.call("GET", "after-restart"));
                assertEquals(":1\r\n", replica.call("DBSIZE"));
                String masterId = infoField(master.info("replication"), "master_replid");
                long offset = stat(master.info("replication"), "master_repl_offset");
                assertEquals("+OK\r\n", replica.call("REPLICAOF", "NO", "ONE"));
                assertNotEquals(masterId, info(replica, "master_replid"));
                assertEquals(masterId, info(replica, "master_replid2"));
                assertEquals(Long.toString(offset + 1), info(replica, "second_repl_offset"));
                assertEquals("master", info(replica, "role"));
                assertEquals("+OK\r\n", replica.call("SET", "x", "1"));
                assertEquals("$1\r\n1\r\n", replica.call("GET", "after-restart"));
                // a master now, with the backlog it had as a replica: its own writes extend the stream
                long ownOffset = Long.parseLong(info(replica, "master_repl_offset"));
                assertTrue(ownOffset > offset);
                assertEquals("*3\r\n$6\r\nmaster\r\n:" + ownOffset + "\r\n*0\r\n", replica.call("ROLE"));
            }
        }
    }

    @Test
    void authenticatesWithMasterauthAndLoadsFromTheSocket() throws Exception {
        try (ReferenceRedis redis = ReferenceRedis.startOrSkip("--requirepass", "s3cret", "--repl-diskless-sync-delay", "0");
                Jedis master = new Jedis("127.0.0.1", redis.port()); RespTestClient replica = new RespTestClient(kv.port())) {
            master.auth("s3cret");
            populateEveryType(master);
            assertEquals("+OK\r\n", replica.call("CONFIG", "SET", "masterauth", "s3cret", "repl-diskless-load", "on-empty-db"));
            replica.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port()));
            awaitInSync(master, replica);
            mixedWrites(master, new Random(5), 2000);
            awaitSameData(master, replica);
        }
    }

    @Test
    void followsAPromotedSiblingWithAPartialSync() throws Exception {
        try (ReferenceRedis a = ReferenceRedis.startOrSkip("--repl-diskless-sync-delay", "0");
                Jedis masterA = new Jedis("127.0.0.1", a.port()); RespTestClient replica = new RespTestClient(kv.port())) {
            try (ReferenceRedis b = ReferenceRedis.startOrSkip("--replicaof", "127.0.0.1", Integer.toString(a.port()));
                    Jedis sibling = new Jedis("127.0.0.1", b.port())) {
                populateEveryType(masterA);
                replica.call("REPLICAOF", "127.0.0.1", Integer.toString(a.port()));
                mixedWrites(masterA, new Random(9), 2000);
                awaitInSync(masterA, replica);
                awaitTrue(() -> "up".equals(infoField(sibling.info("replication"), "master_link_status"))
                        && stat(sibling.info("replication"), "slave_repl_offset") == stat(masterA.info("replication"), "master_repl_offset"));
                // the failover: the sibling becomes the master, KV follows it and continues (PSYNC2, replid2)
                sibling.replicaofNoOne();
                assertEquals("+OK\r\n", replica.call("REPLICAOF", "127.0.0.1", Integer.toString(b.port())));
                awaitInSync(sibling, replica);
                assertEquals(1, stat(sibling.info("stats"), "sync_partial_ok"));
                assertEquals(0, stat(sibling.info("stats"), "sync_full"));
                assertEquals(infoField(sibling.info("replication"), "master_replid"), info(replica, "master_replid"));
                mixedWrites(sibling, new Random(10), 2000);
                awaitSameData(sibling, replica);
            }
        }
    }

    // ---- data ----

    /** Every type in several databases, small and large encodings, TTLs and a function library. */
    static void populateEveryType(Jedis m) {
        m.functionLoad("#!lua name=kvrepl\nredis.register_function{function_name='kvrepl_hello', "
                + "callback=function(keys, args) return 'hello' end, flags={'no-writes'}}");
        for (int db = 0; db < 3; db++) {
            m.select(db);
            Pipeline p = m.pipelined();
            for (int i = 0; i < 300; i++) {
                p.set("s:" + i, "value-" + i);
                p.set("n:" + i, Integer.toString(i * 7));
            }
            for (int i = 0; i < 20; i++) {
                p.rpush("l:small:" + i, "a", "b", "c");
                p.hset("h:small:" + i, "f", "v" + i);
                p.sadd("set:int:" + i, "1", "2", "3");
                p.sadd("set:str:" + i, "x", "y" + i);
                p.zadd("z:small:" + i, i, "m" + i);
                p.pfadd("hll:" + i, "a" + i, "b", "c");
                p.setex("ttl:" + i, 100_000 + i, "expiring");
                p.hset("h:ttl:" + i, "f", "v");
                p.expire("h:ttl:" + i, 50_000);
            }
            for (int i = 0; i < 2000; i++) {
                p.rpush("l:big", "element-" + i);
                p.hset("h:big", "field-" + i, "v" + i);
                p.sadd("set:big", "member-" + i);
                p.sadd("set:bigint", Integer.toString(i));
                p.zadd("z:big", i * 0.5, "member-" + i);
            }
            for (int i = 0; i < 200; i++) {
                p.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "stream", "*", "n", Integer.toString(i));
            }
            p.sendCommand(redis.clients.jedis.Protocol.Command.XGROUP, "CREATE", "stream", "g1", "0");
            p.sendCommand(redis.clients.jedis.Protocol.Command.XREADGROUP, "GROUP", "g1", "c1", "COUNT", "10", "STREAMS", "stream", ">");
            p.sync();
        }
        m.select(0);
    }

    /** {@code n} random writes: strings, counters, lists, hashes, sets, zsets, TTLs, MULTI/EXEC, EVAL, other dbs. */
    static void mixedWrites(Jedis m, Random random, int n) {
        Pipeline p = m.pipelined();
        for (int i = 0; i < n; i++) {
            String k = "k" + random.nextInt(500);
            switch (random.nextInt(14)) {
                case 0 -> p.set(k, "v" + random.nextInt(1000));
                case 1 -> p.incr("counter:" + random.nextInt(50));
                case 2 -> p.rpush("list:" + random.nextInt(50), "e" + i);
                case 3 -> p.lpop("list:" + random.nextInt(50));
                case 4 -> p.hset("hash:" + random.nextInt(50), "f" + random.nextInt(100), "v" + i);
                case 5 -> p.sadd("set:" + random.nextInt(50), "m" + random.nextInt(200));
                case 6 -> p.zincrby("zset:" + random.nextInt(50), random.nextInt(10), "m" + random.nextInt(100));
                case 7 -> p.pexpire("k" + random.nextInt(500), 1 + random.nextInt(2000));
                case 8 -> p.set("short:" + random.nextInt(100), "v", redis.clients.jedis.params.SetParams.setParams().px(1 + random.nextInt(500)));
                case 9 -> p.del("k" + random.nextInt(500));
                case 10 -> p.eval("redis.call('incrby', KEYS[1], ARGV[1]) return redis.call('set', KEYS[2], ARGV[1])", 2,
                        "counter:" + random.nextInt(50), "lua:" + random.nextInt(50), Integer.toString(random.nextInt(10)));
                case 11 -> p.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "stream:" + random.nextInt(5), "*", "i", Integer.toString(i));
                case 12 -> {
                    p.sendCommand(redis.clients.jedis.Protocol.Command.MULTI, new String[0]);
                    p.sendCommand(redis.clients.jedis.Protocol.Command.INCR, "tx:" + random.nextInt(20));
                    p.sendCommand(redis.clients.jedis.Protocol.Command.HINCRBY, "txh", "f" + random.nextInt(5), "1");
                    p.sendCommand(redis.clients.jedis.Protocol.Command.EXEC, new String[0]);
                }
                default -> {
                    int db = 1 + random.nextInt(2);
                    p.select(db);
                    p.set("db" + db + ":" + random.nextInt(100), "v" + i);
                    p.select(0);
                }
            }
        }
        p.sync();
    }

    // ---- waiting and comparing ----

    /** The link is up and the replica has applied everything the master streamed so far. */
    static void awaitInSync(Jedis master, RespTestClient replica) throws Exception {
        awaitTrue(() -> info(replica, "master_link_status").equals("up")
                && Long.parseLong(info(replica, "slave_repl_offset")) == stat(master.info("replication"), "master_repl_offset"));
    }

    /**
     * Polls until both digests are equal at the same offset: the master may delete expired keys
     * (and stream their DELs) between the two reads, so a moving master is read again.
     */
    static void awaitSameData(Jedis master, RespTestClient replica) throws Exception {
        String[] last = new String[2];
        awaitTrue(() -> {
            long offset = stat(master.info("replication"), "master_repl_offset");
            String m = digest(master);
            if (stat(master.info("replication"), "master_repl_offset") != offset) {
                return false;
            }
            awaitTrue(() -> Long.parseLong(info(replica, "slave_repl_offset")) >= offset);
            String r = kvDigest(replica);
            last[0] = m;
            last[1] = r;
            return m.equals(r);
        });
        assertEquals(last[0], last[1]);
    }

    static String digest(Jedis j) {
        return new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "DIGEST"));
    }

    static String kvDigest(RespTestClient c) throws java.io.IOException {
        String reply = c.call("DEBUG", "DIGEST");
        return reply.substring(1, reply.length() - 2);
    }

    static String info(RespTestClient c, String field) throws java.io.IOException {
        return infoField(c.call("INFO", "replication"), field);
    }

    static String infoField(String info, String field) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return "";
    }

    static long stat(String info, String field) {
        return Long.parseLong(infoField(info, field));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void awaitTrue(Check check) throws Exception {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (!check.ok()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not reached within " + DEADLINE_MS + " ms");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
