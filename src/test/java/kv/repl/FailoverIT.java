package kv.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.KvProcess;
import kv.ReferenceRedis;
import redis.clients.jedis.Jedis;

/**
 * FAILOVER (Redis 6.2's coordinated switch) both ways between KV and a real redis-server: the old
 * master pauses writes until the target has the whole stream, hands over with PSYNC … FAILOVER and
 * continues as the new master's replica with a partial resync; no write is lost.
 */
class FailoverIT {
    @TempDir
    Path tmp;

    @Test
    void kvMasterHandsOverToARedisReplica() throws Exception {
        try (KvProcess kv = KvProcess.start(tmp);
                Jedis k = new Jedis("127.0.0.1", kv.port, 5000)) {
            assertEquals("ERR FAILOVER requires connected replicas.", error(k, "FAILOVER"));
            assertEquals("ERR No failover in progress.", error(k, "FAILOVER", "ABORT"));
            k.configSet("repl-diskless-sync-delay", "0");
            for (int i = 0; i < 500; i++) {
                k.set("before:" + i, Integer.toString(i));
            }
            try (ReferenceRedis redis = ReferenceRedis.startOrSkip("--replicaof", "127.0.0.1", Integer.toString(kv.port));
                    Jedis r = new Jedis("127.0.0.1", redis.port(), 5000)) {
                await(() -> r.info("replication").contains("master_link_status:up")
                        && k.info("replication").contains("state=online"), "the redis replica is online");
                assertEquals("ERR FAILOVER target HOST and PORT is not a replica.",
                        error(k, "FAILOVER", "TO", "127.0.0.1", "1"));
                assertEquals("ERR FAILOVER with force option requires both a timeout and target HOST and IP.",
                        error(k, "FAILOVER", "FORCE"));
                k.set("last-before", "x");
                assertEquals("OK", status(k, "FAILOVER", "TO", "127.0.0.1", Integer.toString(redis.port()),
                        "TIMEOUT", "5000"));
                await(() -> r.info("replication").contains("role:master")
                        && k.info("replication").contains("role:slave")
                        && k.info("replication").contains("master_link_status:up"), "roles swapped");
                await(() -> k.info("replication").contains("master_failover_state:no-failover"), "failover over");
                assertEquals("x", r.get("last-before"));
                assertEquals("499", r.get("before:499"));
                String stats = r.info("stats");
                assertTrue(stats.contains("sync_partial_ok:1"), "the old master continued partially: " + stats);
                r.set("after", "1");
                await(() -> "1".equals(k.get("after")), "the new master's writes reach KV");
            }
        }
    }

    @Test
    void aRedisMasterHandsOverToAKvReplica() throws Exception {
        try (ReferenceRedis redis = ReferenceRedis.startOrSkip("--repl-diskless-sync-delay", "0");
                Jedis r = new Jedis("127.0.0.1", redis.port(), 5000)) {
            for (int i = 0; i < 500; i++) {
                r.set("before:" + i, Integer.toString(i));
            }
            try (KvProcess kv = KvProcess.start(tmp, "--replicaof", "127.0.0.1", Integer.toString(redis.port()));
                    Jedis k = new Jedis("127.0.0.1", kv.port, 5000)) {
                await(() -> k.info("replication").contains("master_link_status:up")
                        && r.info("replication").contains("state=online"), "the KV replica is online");
                assertEquals("ERR FAILOVER is not valid when server is a replica.", error(k, "FAILOVER"));
                assertEquals("ERR PSYNC FAILOVER replid must match my replid.",
                        error(k, "PSYNC", "0000000000000000000000000000000000000000", "1", "FAILOVER"));
                r.set("last-before", "x");
                assertEquals("OK", status(r, "FAILOVER"));
                await(() -> k.info("replication").contains("role:master")
                        && r.info("replication").contains("role:slave")
                        && r.info("replication").contains("master_link_status:up"), "roles swapped");
                assertEquals("x", k.get("last-before"));
                assertEquals("499", k.get("before:499"));
                assertTrue(k.info("stats").contains("sync_partial_ok:1"), "redis continued partially from KV");
                k.set("after", "1");
                await(() -> "1".equals(r.get("after")), "KV's writes reach the old master");
            }
        }
    }

    private static String status(Jedis j, String... argv) {
        Object reply = j.sendCommand(() -> argv[0].getBytes(), java.util.Arrays.copyOfRange(argv, 1, argv.length));
        return new String((byte[]) reply, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String error(Jedis j, String... argv) {
        try {
            Object reply = j.sendCommand(() -> argv[0].getBytes(), java.util.Arrays.copyOfRange(argv, 1, argv.length));
            return "no error: " + reply;
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            return e.getMessage();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
