package kv.repl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import kv.RespTestClient;
import kv.server.RespServer;

/**
 * The master side's wire protocol as a replica sees it, byte by byte: +FULLRESYNC, the $EOF
 * framing with the replication aux fields in the RDB, the stream held until the first ACK, SELECT
 * first, +CONTINUE with the backlog's bytes, one snapshot for the replicas that asked during
 * repl-diskless-sync-delay, and WAIT unblocked by an ACK.
 */
@QuarkusTest
class ReplicaProtocolTest {
    @Inject
    RespServer server;

    private RespTestClient kv;

    @BeforeEach
    void connect() throws IOException {
        kv = new RespTestClient(server.port());
        kv.call("FLUSHALL");
        kv.call("CONFIG", "SET", "repl-diskless-sync-delay", "0");
    }

    @AfterEach
    void restore() throws IOException {
        kv.call("CONFIG", "SET", "repl-diskless-sync-delay", "5");
        kv.call("CONFIG", "SET", "repl-diskless-sync-max-replicas", "0");
        kv.call("CONFIG", "SET", "repl-diskless-sync", "yes");
        kv.call("FLUSHALL");
        kv.close();
    }

    @Test
    void disklessFullSyncThenStreamAfterFirstAck() throws Exception {
        kv.call("SET", "before", "1");
        try (FakeReplica r = new FakeReplica(server.port())) {
            r.handshake(true);
            r.send("PSYNC", "?", "-1");
            String[] resync = r.line().split(" ");
            assertEquals("+FULLRESYNC", resync[0]);
            String replid = resync[1];
            long offset = Long.parseLong(resync[2]);
            byte[] rdb = r.eofFramedPayload();
            assertTrue(new String(rdb, 0, 9, StandardCharsets.US_ASCII).equals("REDIS0010"));
            String text = new String(rdb, StandardCharsets.ISO_8859_1);
            // aux fields as Redis writes them in a replication RDB
            assertTrue(text.contains("\u000erepl-stream-db"), text);
            assertTrue(text.contains("\u0007repl-id(" + replid), text);
            assertTrue(text.contains("\u000brepl-offset"), text);
            assertTrue(text.contains("before"), text);

            kv.call("SELECT", "2");
            kv.call("SET", "after", "2");
            kv.call("SELECT", "0");
            // nothing is streamed until the replica says it loaded the RDB
            assertEquals(0, r.available(300));
            r.send("REPLCONF", "ACK", Long.toString(offset));
            byte[] expected = concat(RespTestClient.encode("SELECT", "2"), RespTestClient.encode("SET", "after", "2"));
            assertArrayEquals(expected, r.read(expected.length));
            assertEquals(offset + expected.length, stat(kv.call("INFO", "replication"), "master_repl_offset"));
        }
    }

    @Test
    void psyncContinuesFromTheBacklog() throws Exception {
        // the master's periodic PING would land in the stream between the two replicas at times
        kv.call("CONFIG", "SET", "repl-ping-replica-period", "3600");
        try {
            psyncContinues();
        } finally {
            kv.call("CONFIG", "SET", "repl-ping-replica-period", "10");
        }
    }

    private void psyncContinues() throws Exception {
        String replid;
        long offset;
        try (FakeReplica r = new FakeReplica(server.port())) {
            r.handshake(true);
            r.send("PSYNC", "?", "-1");
            String[] resync = r.line().split(" ");
            replid = resync[1];
            offset = Long.parseLong(resync[2]);
            r.eofFramedPayload();
            r.send("REPLCONF", "ACK", Long.toString(offset));
        }
        kv.call("SET", "missed", "1");
        try (FakeReplica r = new FakeReplica(server.port())) {
            r.handshake(true);
            r.send("PSYNC", replid, Long.toString(offset + 1));
            assertEquals("+CONTINUE " + replid, r.line());
            byte[] expected = concat(RespTestClient.encode("SELECT", "0"), RespTestClient.encode("SET", "missed", "1"));
            assertArrayEquals(expected, r.read(expected.length));
            // an ACK gets no reply, and WAIT counts it
            r.send("REPLCONF", "ACK", Long.toString(offset + expected.length));
            kv.call("SET", "waited", "1");
            kv.send(RespTestClient.encode("WAIT", "1", "0"));
            byte[] next = concat(RespTestClient.encode("SET", "waited", "1"),
                    RespTestClient.encode("REPLCONF", "GETACK", "*"));
            assertArrayEquals(next, r.read(next.length));
            r.send("REPLCONF", "ACK", Long.toString(offset + expected.length + next.length));
            assertEquals(":1\r\n", kv.readReply());
        }
        try (FakeReplica r = new FakeReplica(server.port())) {
            // without capa psync2 the reply carries no id
            r.handshake(false);
            r.send("PSYNC", replid, Long.toString(stat(kv.call("INFO", "replication"), "master_repl_offset") + 1));
            assertEquals("+CONTINUE", r.line());
        }
    }

    @Test
    void oneSnapshotServesTheReplicasOfTheDelay() throws Exception {
        kv.call("CONFIG", "SET", "repl-diskless-sync-delay", "60");
        kv.call("CONFIG", "SET", "repl-diskless-sync-max-replicas", "2");
        long full = stat(kv.call("INFO", "stats"), "sync_full");
        try (FakeReplica a = new FakeReplica(server.port()); FakeReplica b = new FakeReplica(server.port())) {
            a.handshake(true);
            a.send("PSYNC", "?", "-1");
            // the first waits for the second (max-replicas), not for the 60 s delay
            assertTrue(kv.call("INFO", "replication").contains("state=wait_bgsave"));
            b.handshake(true);
            b.send("PSYNC", "?", "-1");
            String first = a.line();
            while (first.isEmpty()) {
                first = a.line(); // keep-alive newlines while it waited
            }
            assertTrue(first.startsWith("+FULLRESYNC "), first);
            assertEquals(first, b.line());
            assertArrayEquals(a.eofFramedPayload(), b.eofFramedPayload());
            assertEquals(full + 2, stat(kv.call("INFO", "stats"), "sync_full"));
        }
    }

    @Test
    void diskBackedSyncSendsALengthPrefixedFile() throws Exception {
        kv.call("CONFIG", "SET", "repl-diskless-sync", "no");
        kv.call("SET", "k", "v");
        try (FakeReplica r = new FakeReplica(server.port())) {
            r.handshake(true);
            r.send("PSYNC", "?", "-1");
            String reply = r.line();
            long deadline = System.currentTimeMillis() + 30_000;
            while (reply.isEmpty() && System.currentTimeMillis() < deadline) {
                reply = r.line(); // keep-alive newlines while another test's dump ends first
            }
            assertTrue(reply.startsWith("+FULLRESYNC "), reply);
            String header = r.line();
            while (header.isEmpty()) {
                header = r.line(); // keep-alive newlines while the file is written
            }
            assertTrue(header.startsWith("$"), header);
            byte[] rdb = r.read(Integer.parseInt(header.substring(1)));
            assertEquals("REDIS0010", new String(rdb, 0, 9, StandardCharsets.US_ASCII));
            // disk-backed: the stream follows at once
            kv.call("SET", "k", "w");
            byte[] expected = concat(RespTestClient.encode("SELECT", "0"), RespTestClient.encode("SET", "k", "w"));
            assertArrayEquals(expected, r.read(expected.length));
        }
    }

    @Test
    void aReplicaThatDoesNotReadIsDroppedAtItsOutputLimit() throws Exception {
        assertEquals("+OK\r\n", kv.call("CONFIG", "SET", "client-output-buffer-limit", "replica 1mb 0 0"));
        try (FakeReplica r = new FakeReplica(server.port())) {
            r.handshake(true);
            r.send("PSYNC", "?", "-1");
            r.line();
            r.eofFramedPayload();
            r.send("REPLCONF", "ACK", "0");
            awaitReplicas(1);
            // the replica reads nothing more: once the kernel's buffers are full, KV's queue passes the limit
            String big = "x".repeat(1 << 20);
            long deadline = System.currentTimeMillis() + 30_000;
            while (stat(kv.call("INFO", "replication"), "connected_slaves") > 0) {
                assertTrue(System.currentTimeMillis() < deadline, "the replica was not dropped");
                kv.call("SET", "big", big);
            }
        } finally {
            kv.call("CONFIG", "SET", "client-output-buffer-limit", "replica 268435456 67108864 60");
        }
    }

    @Test
    void aSilentReplicaIsDroppedAfterReplTimeoutAndTheBacklogAfterItsTtl() throws Exception {
        try (FakeReplica r = new FakeReplica(server.port())) {
            r.handshake(true);
            r.send("PSYNC", "?", "-1");
            r.line();
            r.eofFramedPayload();
            r.send("REPLCONF", "ACK", "0");
            awaitReplicas(1);
            String replid = info("master_replid");
            kv.call("CONFIG", "SET", "repl-backlog-ttl", "1");
            kv.call("CONFIG", "SET", "repl-timeout", "1");
            // no more ACKs: dropped once its last one is older than repl-timeout
            awaitReplicas(0);
            assertTrue(r.closedByServer());
            long deadline = System.currentTimeMillis() + 20_000;
            while (!info("repl_backlog_active").equals("0")) {
                assertTrue(System.currentTimeMillis() < deadline, "backlog not freed");
                Thread.sleep(20);
            }
            // a freed backlog means a new history: a new id
            assertTrue(!info("master_replid").equals(replid));
        } finally {
            kv.call("CONFIG", "SET", "repl-timeout", "60");
            kv.call("CONFIG", "SET", "repl-backlog-ttl", "3600");
        }
    }

    @Test
    void usedMemoryCountsTheBacklogAsTheStreamFillsIt() throws Exception {
        awaitReplicas(0);
        freeBacklog();
        long before = stat(kv.call("INFO", "memory"), "used_memory");
        try (FakeReplica r = new FakeReplica(server.port())) {
            long offset = syncedOnline(r);
            long size = stat(kv.call("INFO", "replication"), "repl_backlog_size");
            // as in Redis, the backlog's memory follows the history it holds, up to repl-backlog-size
            String value = "v".repeat(100_000);
            kv.call("SET", "backlog-filler", value);
            offset = readStream(r, offset);
            long partial = stat(kv.call("INFO", "memory"), "mem_replication_backlog");
            assertTrue(partial >= value.length() && partial < size / 2, "backlog after 100 KB: " + partial);
            for (int i = 0; i < 12; i++) {
                kv.call("SET", "backlog-filler", value);
            }
            kv.call("DEL", "backlog-filler");
            readStream(r, offset);
            String memory = kv.call("INFO", "memory");
            assertEquals(size, stat(memory, "mem_replication_backlog"));
            long rise = stat(memory, "used_memory") - before;
            assertTrue(rise >= size && rise < size + 64 * 1024, "used_memory rose by " + rise + " with a backlog of " + size);
        }
    }

    /** A replica that does not read holds the stream in its output: Redis counts that as replica memory. */
    @Test
    void replicaOutputCountsAsReplicationBuffers() throws Exception {
        awaitReplicas(0);
        try (FakeReplica r = new FakeReplica(server.port())) {
            long offset = syncedOnline(r);
            String value = "w".repeat(1 << 20);
            for (int i = 0; i < 24; i++) { // more than the kernel's socket buffers take
                kv.call("SET", "unread", value);
            }
            String memory = awaitMemory(m -> stat(m, "mem_clients_slaves") > 0);
            assertEquals(stat(memory, "mem_replication_backlog") + stat(memory, "mem_clients_slaves"),
                    stat(memory, "mem_total_replication_buffers"));
            kv.call("DEL", "unread");
            readStream(r, offset);
            awaitMemory(m -> stat(m, "mem_clients_slaves") == 0);
        }
    }

    /** INFO memory once {@code ready} holds of it (the cron sums client memory), within 10 s. */
    private String awaitMemory(java.util.function.Predicate<String> ready) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        String memory = kv.call("INFO", "memory");
        while (!ready.test(memory)) {
            assertTrue(System.currentTimeMillis() < deadline, memory);
            Thread.sleep(20);
            memory = kv.call("INFO", "memory");
        }
        return memory;
    }

    /** A full sync of {@code r} (its payload skipped) acknowledged, until INFO lists it; returns its offset. */
    private long syncedOnline(FakeReplica r) throws Exception {
        r.handshake(true);
        r.send("PSYNC", "?", "-1");
        long offset = Long.parseLong(r.line().split(" ")[2]);
        r.eofFramedPayload();
        r.send("REPLCONF", "ACK", Long.toString(offset));
        awaitReplicas(1);
        return offset;
    }

    /** Reads what the master streamed from {@code offset} up to its offset now; returns that offset. */
    private long readStream(FakeReplica r, long offset) throws IOException {
        long now = stat(kv.call("INFO", "replication"), "master_repl_offset");
        r.read((int) (now - offset));
        return now;
    }

    /** Lets the backlog go (repl-backlog-ttl with no replica), so the next replica creates a new one. */
    private void freeBacklog() throws Exception {
        kv.call("CONFIG", "SET", "repl-backlog-ttl", "1");
        try {
            long deadline = System.currentTimeMillis() + 20_000;
            while (!info("repl_backlog_active").equals("0")) {
                assertTrue(System.currentTimeMillis() < deadline, "backlog not freed");
                Thread.sleep(20);
            }
        } finally {
            kv.call("CONFIG", "SET", "repl-backlog-ttl", "3600");
        }
        assertEquals(0, stat(kv.call("INFO", "memory"), "mem_replication_backlog"));
    }

    private String info(String field) throws IOException {
        Matcher m = Pattern.compile("(?m)^" + field + ":(\\S+)").matcher(kv.call("INFO", "replication"));
        assertTrue(m.find(), field);
        return m.group(1);
    }

    private void awaitReplicas(int n) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (stat(kv.call("INFO", "replication"), "connected_slaves") != n) {
            assertTrue(System.currentTimeMillis() < deadline);
            Thread.sleep(20);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static long stat(String info, String field) {
        Matcher m = Pattern.compile("(?m)^" + field + ":(-?\\d+)").matcher(info);
        assertTrue(m.find(), field + " in " + info);
        return Long.parseLong(m.group(1));
    }

    /** A replica speaking the protocol by hand over a socket. */
    private static final class FakeReplica implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        FakeReplica(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        void send(String... args) throws IOException {
            out.write(RespTestClient.encode(args));
            out.flush();
        }

        void handshake(boolean psync2) throws IOException {
            send("REPLCONF", "listening-port", "4321");
            assertEquals("+OK", line());
            if (psync2) {
                send("REPLCONF", "capa", "eof", "capa", "psync2");
            } else {
                send("REPLCONF", "capa", "eof");
            }
            assertEquals("+OK", line());
        }

        /** One line without its CRLF (a bare LF ends a keep-alive newline). */
        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("closed");
                }
                b.write(c);
            }
            String s = b.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        byte[] read(int n) throws IOException {
            return in.readNBytes(n);
        }

        /** $EOF:<mark> then the payload up to the same 40 bytes. */
        byte[] eofFramedPayload() throws IOException {
            String header = line();
            while (header.isEmpty()) {
                header = line();
            }
            assertTrue(header.startsWith("$EOF:") && header.length() == 45, header);
            byte[] mark = header.substring(5).getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed before the EOF mark");
                }
                payload.write(c);
                byte[] p = payload.toByteArray();
                if (p.length >= 40 && Arrays.equals(p, p.length - 40, p.length, mark, 0, 40)) {
                    return Arrays.copyOf(p, p.length - 40);
                }
            }
        }

        /** Bytes that arrive within {@code ms}. */
        int available(int ms) throws IOException {
            socket.setSoTimeout(ms);
            try {
                int c = in.read();
                return c < 0 ? 0 : 1 + in.available();
            } catch (java.net.SocketTimeoutException e) {
                return 0;
            } finally {
                socket.setSoTimeout(20_000);
            }
        }

        /** Reads until the server closes the connection (the stream may still bring bytes). */
        boolean closedByServer() throws IOException {
            try {
                while (in.read() >= 0) {
                    // stream bytes sent before the close
                }
                return true;
            } catch (java.net.SocketException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
