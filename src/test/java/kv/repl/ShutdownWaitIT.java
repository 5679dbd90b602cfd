package kv.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.KvProcess;
import kv.RespTestClient;

/**
 * SHUTDOWN waits for lagging replicas as redis-server 7.0.15 does (replies and INFO field recorded
 * from it): writes pause, the caller blocks until every replica has acknowledged the whole stream or
 * shutdown-timeout passes; SHUTDOWN ABORT cancels with an error to the caller; NOW does not wait.
 * The replica here is a test socket that acknowledges only when told to.
 */
class ShutdownWaitIT {
    private static final String FAILED = "-ERR Errors trying to SHUTDOWN. Check logs.\r\n";

    @TempDir
    Path tmp;

    /** Attaches a replica that acknowledges nothing by itself, and streams a write it has not acknowledged. */
    private static RespTestClient laggingReplica(KvProcess kv, RespTestClient admin) throws Exception {
        RespTestClient replica = kv.connect();
        assertEquals("+OK\r\n", replica.call("REPLCONF", "listening-port", "1"));
        replica.send(RespTestClient.encode("PSYNC", "?", "-1"));
        await(() -> admin.call("INFO", "replication").contains("slave0:"));
        assertEquals("+OK\r\n", admin.call("SET", "k", "v"));
        return replica;
    }

    @Test
    void shutdownWaitsForTheReplicaAndAbortCancels() throws Exception {
        try (KvProcess kv = KvProcess.start(tmp, "--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "3600",
                "--shutdown-timeout", "3600");
                RespTestClient admin = kv.connect(); RespTestClient caller = kv.connect(); RespTestClient writer = kv.connect()) {
            assertFalse(admin.call("INFO", "server").contains("shutdown_in_milliseconds"));
            RespTestClient replica = laggingReplica(kv, admin);
            caller.send(RespTestClient.encode("SHUTDOWN", "NOSAVE"));
            await(() -> admin.call("INFO", "server").contains("shutdown_in_milliseconds:"));
            String id = writer.call("CLIENT", "ID").substring(1).trim();
            writer.send(RespTestClient.encode("SET", "during", "1")); // held: writes are paused
            writer.send(RespTestClient.encode("PING"));
            await(() -> !admin.call("CLIENT", "LIST", "ID", id).contains(" qbuf=0 "));
            assertEquals("$-1\r\n", admin.call("GET", "during"), "reads run, writes wait");
            assertEquals("-ERR syntax error\r\n", admin.call("SHUTDOWN", "NOSAVE", "ABORT"));
            assertEquals("+OK\r\n", admin.call("SHUTDOWN", "ABORT"));
            assertEquals(FAILED, caller.readReply());
            assertEquals("+OK\r\n", writer.readReply());
            assertEquals("+PONG\r\n", writer.readReply());
            assertEquals("-ERR No shutdown in progress.\r\n", admin.call("SHUTDOWN", "ABORT"));
            assertFalse(admin.call("INFO", "server").contains("shutdown_in_milliseconds"));

            // again; this time the replica acknowledges everything (the GETACK included) and the server exits
            caller.send(RespTestClient.encode("SHUTDOWN", "NOSAVE"));
            await(() -> admin.call("INFO", "server").contains("shutdown_in_milliseconds:"));
            String offset = ReplicaOfRedisTest.info(admin, "master_repl_offset");
            replica.send(RespTestClient.encode("REPLCONF", "ACK", offset));
            assertEquals(0, kv.awaitExit());
            assertTrue(kv.output().contains("1 of 1 replicas are in sync when shutting down."), kv.output());
        }
    }

    @Test
    void nowDoesNotWaitAndTheTimeoutEndsTheWait() throws Exception {
        try (KvProcess kv = KvProcess.start(tmp, "--repl-diskless-sync-delay", "0", "--shutdown-timeout", "3600");
                RespTestClient admin = kv.connect()) {
            laggingReplica(kv, admin);
            admin.send(RespTestClient.encode("SHUTDOWN", "NOSAVE", "NOW"));
            assertEquals(0, kv.awaitExit());
            assertTrue(kv.output().contains("0 of 1 replicas are in sync when shutting down."), kv.output());
        }
        try (KvProcess kv = KvProcess.start(tmp, "--repl-diskless-sync-delay", "0", "--shutdown-timeout", "1");
                RespTestClient admin = kv.connect()) {
            laggingReplica(kv, admin);
            admin.send(RespTestClient.encode("SHUTDOWN", "NOSAVE"));
            assertEquals(0, kv.awaitExit());
            String log = kv.output();
            assertTrue(log.contains("Waiting for replicas before shutting down."), log);
            assertTrue(log.contains("0 of 1 replicas are in sync when shutting down."), log);
        }
    }

    /** SIGTERM (what Kubernetes sends) waits for a lagging replica as SHUTDOWN does, and shutdown-timeout bounds it. */
    @Test
    void sigtermWaitsForTheReplicaAsShutdownDoes() throws Exception {
        try (KvProcess kv = KvProcess.start(tmp, "--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "3600",
                "--shutdown-timeout", "3600");
                RespTestClient admin = kv.connect()) {
            RespTestClient replica = laggingReplica(kv, admin);
            awaitBooted(kv);
            kv.process.destroy();
            await(() -> kv.output().contains("Waiting for replicas before shutting down."));
            assertFalse(kv.process.waitFor(300, TimeUnit.MILLISECONDS), "exited without waiting for the replica");
            // the stream now ends with the GETACK the wait sent; the server still answers meanwhile
            String offset = ReplicaOfRedisTest.info(admin, "master_repl_offset");
            replica.send(RespTestClient.encode("REPLCONF", "ACK", offset));
            kv.awaitExit();
            assertTrue(kv.output().contains("1 of 1 replicas are in sync when shutting down."), kv.output());
        }
        try (KvProcess kv = KvProcess.start(tmp, "--repl-diskless-sync-delay", "0", "--shutdown-timeout", "1");
                RespTestClient admin = kv.connect()) {
            laggingReplica(kv, admin);
            awaitBooted(kv);
            kv.process.destroy();
            kv.awaitExit();
            assertTrue(kv.output().contains("0 of 1 replicas are in sync when shutting down."), kv.output());
        }
    }

    /**
     * SIGTERM reaches KV's shutdown once Quarkus has booted (the RESP port answers earlier); its
     * log is written from then on too.
     */
    private static void awaitBooted(KvProcess kv) throws Exception {
        await(() -> kv.output().contains("ready to accept connections"));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached in time");
            }
            Thread.sleep(20);
        }
    }
}
