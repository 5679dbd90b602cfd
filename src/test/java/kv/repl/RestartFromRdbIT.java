package kv.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.KvProcess;
import kv.ReferenceRedis;
import redis.clients.jedis.Jedis;

/**
 * A server restarted from its own RDB resumes its place in the replication history, as redis-server
 * 7.0.15 does (checked with two real servers): a replica PSYNCs with the file's repl-id and
 * repl-offset and continues in the file's repl-stream-db; a master keeps the file's id as replid2 up
 * to the file's offset, so its replicas continue. No full sync either way.
 */
class RestartFromRdbIT {
    @TempDir
    Path tmp;

    @Test
    void aReplicaRestartedFromItsRdbContinuesWithPsync() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("replica"));
        // no PING in the stream while the replica is away: the offsets stay exactly where the test puts them
        try (ReferenceRedis redis = ReferenceRedis.startOrSkip("--repl-diskless-sync-delay", "0",
                "--repl-ping-replica-period", "3600");
                Jedis m = new Jedis("127.0.0.1", redis.port(), 5000)) {
            m.set("a", "1");
            int port = KvProcess.freePort();
            try (KvProcess kv = KvProcess.start(dir, port, "--replicaof", "127.0.0.1", Integer.toString(redis.port()));
                    Jedis k = new Jedis("127.0.0.1", port, 5000)) {
                await(() -> k.info("replication").contains("master_link_status:up"), "the replica is up");
                m.select(3);
                m.set("b", "2"); // the stream now has db 3 selected, and stays there
                awaitSameOffset(m, k);
                assertEquals("OK", k.save());
                kv.kill9();
            }
            m.set("c", "3"); // streamed without a SELECT: the restarted replica must apply it in db 3
            long full = stat(m.info("stats"), "sync_full");
            long partial = stat(m.info("stats"), "sync_partial_ok");
            try (KvProcess kv = KvProcess.start(dir, port, "--replicaof", "127.0.0.1", Integer.toString(redis.port()));
                    Jedis k = new Jedis("127.0.0.1", port, 5000)) {
                await(() -> k.info("replication").contains("master_link_status:up"), "the restarted replica is up");
                assertEquals(partial + 1, stat(m.info("stats"), "sync_partial_ok"));
                assertEquals(full, stat(m.info("stats"), "sync_full"));
                awaitSameOffset(m, k);
                k.select(3);
                assertEquals("3", k.get("c"));
                assertEquals("2", k.get("b"));
                k.select(0);
                assertEquals("1", k.get("a"));
            }
        }
    }

    @Test
    void aMasterRestartedFromItsRdbLetsItsReplicaContinue() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("master"));
        int port = KvProcess.freePort();
        String[] args = {"--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "3600"};
        String id;
        long offset;
        try (KvProcess kv = KvProcess.start(dir, port, args); Jedis k = new Jedis("127.0.0.1", port, 5000)) {
            k.set("a", "1");
            try (ReferenceRedis redis = ReferenceRedis.startOrSkip("--replicaof", "127.0.0.1", Integer.toString(port));
                    Jedis r = new Jedis("127.0.0.1", redis.port(), 5000)) {
                await(() -> r.info("replication").contains("master_link_status:up"), "the redis replica is up");
                k.set("b", "2");
                awaitSameOffset(k, r);
                assertEquals("OK", k.save());
                String info = k.info("replication");
                id = field(info, "master_replid");
                offset = stat(info, "master_repl_offset");
                kv.kill9();
                try (KvProcess again = KvProcess.start(dir, port, args); Jedis k2 = new Jedis("127.0.0.1", port, 5000)) {
                    await(() -> k2.info("replication").contains("state=online"), "the replica is back online");
                    String stats = k2.info("stats");
                    assertEquals(1, stat(stats, "sync_partial_ok"), stats);
                    assertEquals(0, stat(stats, "sync_full"), stats);
                    String after = k2.info("replication");
                    assertEquals(id, field(after, "master_replid2"));
                    assertEquals(offset + 1, stat(after, "second_repl_offset"));
                    k2.set("c", "3");
                    await(() -> "3".equals(r.get("c")), "the restarted master's writes reach the replica");
                    assertEquals("2", r.get("b"));
                }
            }
        }
    }

    private static void awaitSameOffset(Jedis master, Jedis replica) throws InterruptedException {
        await(() -> stat(master.info("replication"), "master_repl_offset")
                == stat(replica.info("replication"), "slave_repl_offset"), "the replica has the whole stream");
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        throw new AssertionError(name + " not in " + info);
    }

    private static long stat(String info, String name) {
        return Long.parseLong(field(info, name));
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
