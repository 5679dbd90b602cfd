package kv.repl;

import static io.restassured.RestAssured.given;
import static kv.repl.ReplicaOfRedisTest.awaitInSync;
import static kv.repl.ReplicaOfRedisTest.awaitTrue;
import static kv.repl.ReplicaOfRedisTest.info;
import static kv.repl.ReplicaOfRedisTest.stat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import kv.ReferenceRedis;
import kv.RespTestClient;
import kv.server.RespServer;
import redis.clients.jedis.Jedis;

/**
 * What a client of a KV replica sees (replies recorded from redis-server 7.0.15 as a replica):
 * READONLY and MASTERDOWN, INFO replication and ROLE while the link is down, the readiness probe
 * and redis_master_link_up, keys past their TTL, the master client in CLIENT LIST, and Sentinel's
 * failover transaction.
 */
@QuarkusTest
class ReplicaBehaviourTest {
    @Inject
    RespServer kv;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @AfterEach
    void backToMaster() throws Exception {
        try (RespTestClient c = new RespTestClient(kv.port())) {
            c.call("REPLICAOF", "NO", "ONE");
            c.call("CONFIG", "SET", "replica-serve-stale-data", "yes", "repl-timeout", "60", "masterauth", "",
                    "replica-announce-ip", "");
            c.call("FLUSHALL");
        }
    }

    /** A port where nothing listens: the link stays down. */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String base() {
        return management.getProtocol() + "://" + management.getHost() + ":" + management.getPort();
    }

    private static final String FORCE_UNBLOCKED =
            "-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)\r\n";

    /** As redis-server 7.0.15: REPLICAOF another master ends every blocking wait (WAIT too) and closes those clients. */
    @Test
    void followingAnotherMasterUnblocksBlockedClients() throws Exception {
        try (RespTestClient c = new RespTestClient(kv.port()); RespTestClient pop = new RespTestClient(kv.port());
                RespTestClient read = new RespTestClient(kv.port()); RespTestClient wait = new RespTestClient(kv.port())) {
            c.call("CONFIG", "RESETSTAT");
            pop.send(RespTestClient.encode("BLPOP", "q", "0"));
            read.send(RespTestClient.encode("XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
            wait.send(RespTestClient.encode("WAIT", "1", "0"));
            awaitTrue(() -> c.call("INFO", "clients").contains("blocked_clients:3\r\n"));
            int first = closedPort();
            assertEquals("+OK\r\n", c.call("REPLICAOF", "127.0.0.1", Integer.toString(first)));
            for (RespTestClient blocked : List.of(pop, read, wait)) {
                assertEquals(FORCE_UNBLOCKED, blocked.readReply());
                assertTrue(blocked.isClosedByServer());
            }
            assertTrue(c.call("INFO", "errorstats").contains("errorstat_UNBLOCKED:count=3\r\n"));

            // on a replica: the same master again keeps the wait, another one ends it, NO ONE keeps it
            try (RespTestClient reader = new RespTestClient(kv.port())) {
                reader.send(RespTestClient.encode("XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
                awaitTrue(() -> c.call("INFO", "clients").contains("blocked_clients:1\r\n"));
                assertEquals("+OK Already connected to specified master\r\n",
                        c.call("REPLICAOF", "127.0.0.1", Integer.toString(first)));
                assertTrue(c.call("INFO", "clients").contains("blocked_clients:1\r\n"));
                assertEquals("+OK\r\n", c.call("REPLICAOF", "127.0.0.1", Integer.toString(closedPort())));
                assertEquals(FORCE_UNBLOCKED, reader.readReply());
            }
            try (RespTestClient reader = new RespTestClient(kv.port())) {
                reader.send(RespTestClient.encode("XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
                awaitTrue(() -> c.call("INFO", "clients").contains("blocked_clients:1\r\n"));
                assertEquals("+OK\r\n", c.call("REPLICAOF", "NO", "ONE"));
                assertTrue(c.call("INFO", "clients").contains("blocked_clients:1\r\n"));
            }
        }
    }

    /** FAILOVER's write pause is its own: CLIENT UNPAUSE lifts only CLIENT PAUSE's (Redis keeps a pause per purpose). */
    @Test
    void clientUnpauseDoesNotLiftTheFailoverPause() throws Exception {
        try (RespTestClient c = new RespTestClient(kv.port()); RespTestClient replica = new RespTestClient(kv.port());
                RespTestClient writer = new RespTestClient(kv.port())) {
            // a replica that never acknowledges: the failover keeps waiting for it, writes paused
            assertEquals("+OK\r\n", replica.call("REPLCONF", "listening-port", "1"));
            replica.send(RespTestClient.encode("PSYNC", "?", "-1"));
            awaitTrue(() -> c.call("INFO", "replication").contains("slave0:"));
            assertEquals("+OK\r\n", c.call("FAILOVER"));
            assertTrue(c.call("INFO", "replication").contains("master_failover_state:waiting-for-sync"));
            assertEquals("+OK\r\n", c.call("CLIENT", "PAUSE", "100000", "WRITE"));
            String id = writer.call("CLIENT", "ID").substring(1).trim();
            // SET is held; the PING behind it stays in the query buffer while it is
            writer.send(RespTestClient.encode("SET", "paused", "1"));
            writer.send(RespTestClient.encode("PING"));
            awaitTrue(() -> !c.call("CLIENT", "LIST", "ID", id).contains(" qbuf=0 "));
            assertEquals("+OK\r\n", c.call("CLIENT", "UNPAUSE"));
            assertEquals("$-1\r\n", c.call("GET", "paused"), "the failover still holds the write");
            assertEquals("+OK\r\n", c.call("FAILOVER", "ABORT"));
            assertEquals("+OK\r\n", writer.readReply());
            assertEquals("+PONG\r\n", writer.readReply());
            assertEquals("$1\r\n1\r\n", c.call("GET", "paused"));
        }
    }

    @Test
    void linkDownStaleDataReadOnlyAndMasterDown() throws Exception {
        int port = closedPort();
        try (RespTestClient c = new RespTestClient(kv.port())) {
            c.call("SET", "before", "1");
            assertEquals("+OK\r\n", c.call("REPLICAOF", "127.0.0.1", Integer.toString(port)));
            String info = c.call("INFO", "replication");
            List<String> names = new ArrayList<>();
            for (String line : info.split("\r\n")) {
                if (line.contains(":")) {
                    names.add(line.substring(0, line.indexOf(':')));
                }
            }
            assertEquals(List.of("role", "master_host", "master_port", "master_link_status", "master_last_io_seconds_ago",
                    "master_sync_in_progress", "slave_read_repl_offset", "slave_repl_offset", "master_link_down_since_seconds",
                    "slave_priority", "slave_read_only", "replica_announced", "connected_slaves", "master_failover_state",
                    "master_replid", "master_replid2", "master_repl_offset", "second_repl_offset", "repl_backlog_active",
                    "repl_backlog_size", "repl_backlog_first_byte_offset", "repl_backlog_histlen"), names);
            assertTrue(info.contains("role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:" + port
                    + "\r\nmaster_link_status:down\r\nmaster_last_io_seconds_ago:-1\r\nmaster_sync_in_progress:0\r\n"), info);
            assertTrue(info.contains("master_link_down_since_seconds:-1\r\nslave_priority:100\r\nslave_read_only:1\r\n"
                    + "replica_announced:1\r\n"), info);
            assertEquals(info(c, "master_repl_offset"), info(c, "slave_repl_offset"));
            String role = c.call("ROLE");
            assertTrue(role.startsWith("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:" + port + "\r\n$"), role);
            assertTrue(role.endsWith("\r\n:-1\r\n"), role);
            assertTrue(c.call("HELLO", "3").contains("$4\r\nrole\r\n$7\r\nreplica\r\n"));
            c.call("HELLO", "2");

            // stale data is served by default; writes are refused
            assertEquals("$1\r\n1\r\n", c.call("GET", "before"));
            assertEquals("-READONLY You can't write against a read only replica.\r\n", c.call("SET", "x", "1"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "replica-read-only", "no"));
            assertEquals("+OK\r\n", c.call("SET", "x", "1"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "replica-read-only", "yes"));

            // replica-serve-stale-data no: MASTERDOWN for commands without the stale flag (PING too)
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "replica-serve-stale-data", "no"));
            String masterDown = "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n";
            assertEquals(masterDown, c.call("GET", "before"));
            assertEquals(masterDown, c.call("PING"));
            assertEquals("-READONLY You can't write against a read only replica.\r\n", c.call("SET", "x", "1"));
            assertTrue(c.call("INFO", "server").startsWith("$"));

            // not ready while the link is down; redis_master_link_up 0
            assertFalse(kv.readiness().ready());
            // the main HTTP server does not listen: RestAssured's port must be the management one
            io.restassured.RestAssured.port = management.getPort();
            given().baseUri(base()).get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'serving-commands' }.data.master_link", equalTo("down"));
            String metrics = given().baseUri(base()).get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.contains("redis_master_link_up 0.0"), metrics);

            assertEquals("+OK\r\n", c.call("REPLICAOF", "NO", "ONE"));
            assertTrue(kv.readiness().ready());
            assertEquals("+OK\r\n", c.call("SET", "x", "2"));
        }
    }

    @Test
    void sentinelFailoverTransactionQueuesEveryCommandAndRuns() throws Exception {
        int port = closedPort();
        try (RespTestClient c = new RespTestClient(kv.port()); RespTestClient other = new RespTestClient(kv.port())) {
            assertEquals("+PONG\r\n", other.call("PING"));
            // Sentinel's reconfiguration of an instance into a replica of the new master
            assertEquals("+OK\r\n", c.call("MULTI"));
            assertEquals("+QUEUED\r\n", c.call("REPLICAOF", "127.0.0.1", Integer.toString(port)));
            assertEquals("+QUEUED\r\n", c.call("CONFIG", "REWRITE"));
            assertEquals("+QUEUED\r\n", c.call("CLIENT", "KILL", "TYPE", "normal"));
            assertEquals("+QUEUED\r\n", c.call("CLIENT", "KILL", "TYPE", "pubsub"));
            String exec = c.call("EXEC");
            assertTrue(exec.startsWith("*4\r\n+OK\r\n-ERR The server is running without a config file\r\n:"), exec);
            assertTrue(exec.endsWith("\r\n:0\r\n"), exec);
            assertTrue(other.isClosedByServer());
            assertEquals("slave", info(c, "role"));
            // and the promotion of the chosen replica
            assertEquals("+OK\r\n", c.call("MULTI"));
            assertEquals("+QUEUED\r\n", c.call("SLAVEOF", "NO", "ONE"));
            assertEquals("+QUEUED\r\n", c.call("CONFIG", "REWRITE"));
            assertEquals("+QUEUED\r\n", c.call("CLIENT", "KILL", "TYPE", "normal"));
            assertEquals("+QUEUED\r\n", c.call("CLIENT", "KILL", "TYPE", "pubsub"));
            assertTrue(c.call("EXEC").startsWith("*4\r\n+OK\r\n"));
            assertEquals("master", info(c, "role"));
        }
    }

    /** Reads one RESP array of bulk strings (what a replica sends its master). */
    private static List<String> readCommand(java.io.BufferedReader in) throws Exception {
        String head = in.readLine();
        if (head == null) {
            return null;
        }
        List<String> args = new ArrayList<>();
        for (int i = Integer.parseInt(head.substring(1)); i > 0; i--) {
            in.readLine();
            args.add(in.readLine());
        }
        return args;
    }

    /**
     * A scripted master: the handshake as Redis' replica sends it, a transfer that stalls after 10
     * of 100 bytes (INFO's master_sync_* fields, ROLE "sync"), then repl-timeout ends the link and
     * the next attempt asks PSYNC ? -1 (the cached master was discarded by +FULLRESYNC).
     */
    @Test
    void handshakeStalledTransferAndReplTimeout() throws Exception {
        try (ServerSocket fake = new ServerSocket(0); RespTestClient c = new RespTestClient(kv.port())) {
            c.call("CONFIG", "SET", "masterauth", "pw", "replica-announce-ip", "10.9.8.7");
            assertEquals("+OK\r\n", c.call("REPLICAOF", "127.0.0.1", Integer.toString(fake.getLocalPort())));
            String replid = "a".repeat(40);
            try (java.net.Socket s = fake.accept()) {
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                        java.nio.charset.StandardCharsets.ISO_8859_1));
                java.io.OutputStream out = s.getOutputStream();
                assertEquals(List.of("PING"), readCommand(in));
                out.write("+PONG\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals(List.of("AUTH", "pw"), readCommand(in));
                assertEquals(List.of("REPLCONF", "listening-port", Integer.toString(kv.port())), readCommand(in));
                assertEquals(List.of("REPLCONF", "ip-address", "10.9.8.7"), readCommand(in));
                assertEquals(List.of("REPLCONF", "capa", "eof", "capa", "psync2"), readCommand(in));
                c.call("CONFIG", "SET", "masterauth", "", "replica-announce-ip", "");
                out.write("+OK\r\n+OK\r\n+OK\r\n+OK\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                List<String> psync = readCommand(in);
                assertEquals("PSYNC", psync.get(0));
                assertEquals(Long.toString(Long.parseLong(info(c, "master_repl_offset")) + 1), psync.get(2));
                out.write(("+FULLRESYNC " + replid + " 0\r\n\n$100\r\nREDIS0010\u00fa").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                out.flush();
                awaitTrue(() -> info(c, "master_sync_read_bytes").equals("10"));
                String info = c.call("INFO", "replication");
                assertTrue(info.contains("master_link_status:down\r\nmaster_last_io_seconds_ago:-1\r\nmaster_sync_in_progress:1\r\n"),
                        info);
                assertTrue(info.contains("\r\nmaster_sync_total_bytes:100\r\nmaster_sync_read_bytes:10\r\n"
                        + "master_sync_left_bytes:90\r\nmaster_sync_perc:10.00\r\nmaster_sync_last_io_seconds_ago:"), info);
                assertTrue(c.call("ROLE").endsWith("$4\r\nsync\r\n:-1\r\n"));
                // no more bytes: repl-timeout ends the transfer
                c.call("CONFIG", "SET", "repl-timeout", "1");
                assertEquals(-1, s.getInputStream().read());
            }
            assertEquals("0", info(c, "master_sync_in_progress"));
            try (java.net.Socket s = fake.accept()) {
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                        java.nio.charset.StandardCharsets.ISO_8859_1));
                java.io.OutputStream out = s.getOutputStream();
                assertEquals(List.of("PING"), readCommand(in));
                out.write("+PONG\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals("REPLCONF", readCommand(in).get(0));
                out.write("+OK\r\n+OK\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals("REPLCONF", readCommand(in).get(0));
                assertEquals(List.of("PSYNC", "?", "-1"), readCommand(in));
            }
        }
    }

    @Test
    void replicaofArgumentErrors() throws Exception {
        try (RespTestClient c = new RespTestClient(kv.port())) {
            assertEquals("-ERR Invalid master port\r\n", c.call("REPLICAOF", "127.0.0.1", "abc"));
            assertEquals("-ERR Invalid master port\r\n", c.call("REPLICAOF", "127.0.0.1", "-1"));
            assertEquals("-ERR Invalid master port\r\n", c.call("REPLICAOF", "127.0.0.1", "70000"));
            assertEquals("-ERR Invalid master port\r\n", c.call("REPLICAOF", "no", "two"));
            assertEquals("-ERR wrong number of arguments for 'replicaof' command\r\n", c.call("REPLICAOF", "a"));
            assertEquals("+OK\r\n", c.call("REPLICAOF", "NO", "ONE"));
            assertEquals("master", info(c, "role"));
        }
    }

    @Test
    void expiredKeysReadAsMissingButOnlyTheMastersDelRemovesThem() throws Exception {
        try (ReferenceRedis redis = ReferenceRedis.startOrSkip("--repl-diskless-sync-delay", "0");
                Jedis master = new Jedis("127.0.0.1", redis.port()); RespTestClient replica = new RespTestClient(kv.port())) {
            master.sendCommand(() -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "SET-ACTIVE-EXPIRE", "0");
            master.set("stays", "1");
            replica.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port()));
            awaitInSync(master, replica);
            master.psetex("short", 100, "v");
            awaitInSync(master, replica);
            // past its TTL on the replica's clock: missing for readers, still stored
            awaitTrue(() -> replica.call("GET", "short").equals("$-1\r\n"));
            assertEquals(":0\r\n", replica.call("EXISTS", "short"));
            assertEquals(":2\r\n", replica.call("DBSIZE"));
            long offset = stat(master.info("replication"), "master_repl_offset");
            assertEquals(Long.toString(offset), info(replica, "master_repl_offset"));
            // the master's own access expires it and streams the DEL
            master.get("short");
            awaitInSync(master, replica);
            assertEquals(":1\r\n", replica.call("DBSIZE"));
            assertTrue(stat(master.info("replication"), "master_repl_offset") > offset);

            String clients = replica.call("CLIENT", "LIST", "TYPE", "master");
            assertTrue(clients.contains(" flags=M "), clients);
            assertTrue(clients.contains("addr=127.0.0.1:" + redis.port() + " "), clients);
        }
    }
}
