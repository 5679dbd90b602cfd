package kv.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.KvProcess;
import kv.RespTestClient;

/**
 * Crash safety with real processes: KV is killed with SIGKILL while several clients write with
 * appendfsync always, or shut down cleanly, and every write it acknowledged is there after a
 * restart, TTLs included; damaged files at start-up give the precise error or the truncation rule.
 */
class AofProcessIT {
    private static final int WRITERS = 4;
    /** Each writer must have this many acknowledged ops before the end, so every type is written several times. */
    private static final int MIN_ACKS = 21;

    @TempDir
    Path tmp;

    /** One client writing every type; op {@code i} is acknowledged once its reply arrived. */
    private static final class Writer extends Thread {
        final int id;
        final int port;
        final AtomicBoolean stop;
        volatile int acked;
        volatile Throwable failure;

        Writer(int id, int port, AtomicBoolean stop) {
            this.id = id;
            this.port = port;
            this.stop = stop;
        }

        @Override
        public void run() {
            try (RespTestClient c = new RespTestClient(port)) {
                for (int i = 0; !stop.get(); i++) {
                    String reply = c.call(op(id, i));
                    if (reply.startsWith("-")) {
                        failure = new AssertionError("op " + i + ": " + reply);
                        return;
                    }
                    acked = i + 1;
                }
            } catch (IOException e) {
                // the server was killed under us: what was acknowledged before counts
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    static String[] op(int t, int i) {
        return switch (i % 7) {
            case 0 -> new String[] {"SET", "str:" + t + ":" + i, "v" + i};
            case 1 -> new String[] {"RPUSH", "list:" + t, "e" + i};
            case 2 -> new String[] {"HSET", "hash:" + t, "f" + i, "v" + i};
            case 3 -> new String[] {"SADD", "set:" + t, "m" + i};
            case 4 -> new String[] {"ZADD", "z:" + t, Integer.toString(i), "m" + i};
            case 5 -> new String[] {"XADD", "st:" + t, (i + 1) + "-1", "f", "v" + i};
            default -> new String[] {"SET", "ttl:" + t + ":" + i, "v", "PX", i % 2 == 0 ? "3600000" : "1"};
        };
    }

    /** Every acknowledged op of writer {@code t} is visible in the restarted server. */
    static void verify(RespTestClient c, int t, int acked) throws IOException {
        for (int i = 0; i < acked; i++) {
            String what = String.join(" ", op(t, i));
            switch (i % 7) {
                case 0 -> assertEquals("$" + ("v" + i).length() + "\r\nv" + i + "\r\n", c.call("GET", "str:" + t + ":" + i), what);
                case 1 -> assertNotEquals("$-1\r\n", c.call("LPOS", "list:" + t, "e" + i), what);
                case 2 -> assertEquals("$" + ("v" + i).length() + "\r\nv" + i + "\r\n", c.call("HGET", "hash:" + t, "f" + i), what);
                case 3 -> assertEquals(":1\r\n", c.call("SISMEMBER", "set:" + t, "m" + i), what);
                case 4 -> assertEquals("$" + Integer.toString(i).length() + "\r\n" + i + "\r\n", c.call("ZSCORE", "z:" + t, "m" + i), what);
                case 5 -> assertTrue(c.call("XRANGE", "st:" + t, (i + 1) + "-1", (i + 1) + "-1").startsWith("*1\r\n"), what);
                default -> {
                    String pttl = c.call("PTTL", "ttl:" + t + ":" + i);
                    if (i % 2 == 0) {
                        long ms = Long.parseLong(pttl.substring(1).trim());
                        assertTrue(ms > 0 && ms <= 3_600_000, what + " -> " + pttl);
                    } else {
                        assertEquals(":-2\r\n", pttl, what + " (expired long ago)");
                    }
                }
            }
        }
    }

    private int[] writeConcurrently(KvProcess kv, long millis, Runnable whileWriting) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Writer> writers = new ArrayList<>();
        for (int t = 0; t < WRITERS; t++) {
            Writer w = new Writer(t, kv.port, stop);
            writers.add(w);
            w.start();
        }
        Thread.sleep(millis / 2);
        whileWriting.run();
        writeAtLeast(writers, millis / 2);
        return stopAndCollect(writers, stop, null);
    }

    /**
     * Lets the writers run for {@code millis}, then until each has {@link #MIN_ACKS} acknowledgements: on a loaded
     * machine a fixed time may give a writer too few, and a server that stops answering still fails the test.
     */
    private static void writeAtLeast(List<Writer> writers, long millis) throws InterruptedException {
        Thread.sleep(millis);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (writers.stream().anyMatch(w -> w.acked < MIN_ACKS && w.failure == null && w.isAlive())) {
            if (System.nanoTime() > deadline) {
                break; // verifyAll reports the writer that fell short
            }
            Thread.sleep(20);
        }
    }

    private static int[] stopAndCollect(List<Writer> writers, AtomicBoolean stop, KvProcess killFirst) throws Exception {
        if (killFirst != null) {
            killFirst.kill9();
        }
        stop.set(true);
        int[] acked = new int[writers.size()];
        for (int t = 0; t < writers.size(); t++) {
            Writer w = writers.get(t);
            w.join(30_000);
            if (w.failure != null) {
                throw new AssertionError("writer " + t, w.failure);
            }
            acked[t] = w.acked;
        }
        return acked;
    }

    private static void verifyAll(KvProcess kv, int[] acked) throws Exception {
        try (RespTestClient c = kv.connect()) {
            for (int t = 0; t < acked.length; t++) {
                assertTrue(acked[t] >= MIN_ACKS, "writer " + t + " got only " + acked[t] + " acknowledgements");
                verify(c, t, acked[t]);
            }
        }
    }

    @Test
    void killNineUnderConcurrentWritesLosesNoAcknowledgedWrite() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        int[] acked;
        try (KvProcess kv = KvProcess.start(dir, "--appendonly", "yes", "--appendfsync", "always")) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Writer> writers = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                Writer w = new Writer(t, kv.port, stop);
                writers.add(w);
                w.start();
            }
            writeAtLeast(writers, 1500);
            // killed while the writers are still sending
            acked = stopAndCollect(writers, stop, kv);
        }
        try (KvProcess kv = KvProcess.start(dir, "--appendonly", "yes")) {
            verifyAll(kv, acked);
        }
    }

    /**
     * The mapped windows' filler a killed KV leaves behind is what redis-server's loader skips: the
     * directory goes back to redis-server 7.0 as it is, and redis-server's appends after the filler
     * load in KV again.
     */
    @Test
    void aKilledServersDirectoryLoadsInRedisServerAndBack() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        int[] acked;
        try (KvProcess kv = KvProcess.start(dir, "--appendonly", "yes", "--appendfsync", "always",
                "--aof-use-rdb-preamble", "no")) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Writer> writers = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                Writer w = new Writer(t, kv.port, stop);
                writers.add(w);
                w.start();
            }
            writeAtLeast(writers, 1500);
            acked = stopAndCollect(writers, stop, kv);
        }
        Path incr = dir.resolve("appendonlydir/appendonly.aof.1.incr.aof");
        assertTrue(Files.size(incr) > FillerTail.dataEnd(incr), "killed with the filler of a window after its data");
        try (kv.ReferenceRedis redis = kv.ReferenceRedis.startOrSkip("--dir", dir.toString(), "--appendonly", "yes");
                RespTestClient c = new RespTestClient(redis.port())) {
            for (int t = 0; t < acked.length; t++) {
                assertTrue(acked[t] >= MIN_ACKS, "writer " + t + " got only " + acked[t] + " acknowledgements");
                verify(c, t, acked[t]);
            }
            assertEquals("+OK\r\n", c.call("SET", "written-by", "redis"));
            c.call("SHUTDOWN");
        } catch (IOException e) {
            // SHUTDOWN closes the connection
        }
        try (KvProcess kv = KvProcess.start(dir, "--appendonly", "yes"); RespTestClient c = kv.connect()) {
            assertEquals("$5\r\nredis\r\n", c.call("GET", "written-by"));
            for (int t = 0; t < acked.length; t++) {
                verify(c, t, acked[t]);
            }
        }
    }

    @Test
    void cleanShutdownAfterARewriteDuringWritesKeepsEverything() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        int[] acked;
        try (KvProcess kv = KvProcess.start(dir, "--appendonly", "yes", "--appendfsync", "everysec")) {
            acked = writeConcurrently(kv, 1500, () -> {
                try (RespTestClient c = new RespTestClient(kv.port)) {
                    assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            try (RespTestClient c = kv.connect()) {
                c.send(RespTestClient.encode("SHUTDOWN"));
            }
            assertEquals(0, kv.awaitExit(), kv.output());
        }
        Path aofDir = dir.resolve("appendonlydir");
        assertEquals("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
                Files.readString(aofDir.resolve("appendonly.aof.manifest")));
        try (KvProcess kv = KvProcess.start(dir, "--appendonly", "yes")) {
            verifyAll(kv, acked);
        }
    }

    @Test
    void killNineDuringARewriteLosesNoAcknowledgedWriteAndTheOldManifestStillLoads() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        int[] acked;
        try (KvProcess kv = KvProcess.start(dir, "--appendonly", "yes", "--appendfsync", "always")) {
            try (RespTestClient c = kv.connect()) {
                // enough data that the base takes a while to write
                for (int batch = 0; batch < 200; batch++) {
                    String[] mset = new String[1 + 2 * 1000];
                    mset[0] = "MSET";
                    for (int i = 0; i < 1000; i++) {
                        mset[1 + 2 * i] = "bulk:" + batch + ":" + i;
                        mset[2 + 2 * i] = "x".repeat(64);
                    }
                    c.call(mset);
                }
            }
            AtomicBoolean stop = new AtomicBoolean();
            List<Writer> writers = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                Writer w = new Writer(t, kv.port, stop);
                writers.add(w);
                w.start();
            }
            writeAtLeast(writers, 300);
            try (RespTestClient c = kv.connect()) {
                assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
                Thread.sleep(50);
                assertTrue(c.call("INFO", "persistence").contains("aof_rewrite_in_progress:1"), "killed mid-rewrite");
            }
            acked = stopAndCollect(writers, stop, kv);
        }
        // the rewrite's base never got installed: the manifest names the old base and both incr files
        assertEquals("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
                + "file appendonly.aof.2.incr.aof seq 2 type i\n",
                Files.readString(dir.resolve("appendonlydir/appendonly.aof.manifest")));
        try (KvProcess kv = KvProcess.start(dir, "--appendonly", "yes")) {
            verifyAll(kv, acked);
            try (RespTestClient c = kv.connect()) {
                assertEquals("$64\r\n" + "x".repeat(64) + "\r\n", c.call("GET", "bulk:199:999"));
                assertTrue(c.call("DBSIZE").startsWith(":2"), "200000 bulk keys and the writers' keys");
            }
        }
    }

    private Path aofWith(String incr) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Path aofDir = Files.createDirectories(dir.resolve("appendonlydir"));
        Files.writeString(aofDir.resolve("appendonly.aof.manifest"),
                "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        Files.writeString(aofDir.resolve("appendonly.aof.1.base.aof"), "");
        Files.writeString(aofDir.resolve("appendonly.aof.1.incr.aof"), incr, StandardCharsets.ISO_8859_1);
        return dir;
    }

    private static final String SET_A = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";

    @Test
    void aTruncatedTailIsCutWithAWarningAndTheServerStarts() throws Exception {
        Path dir = aofWith(SET_A + "*3\r\n$3\r\nSET\r\n$1\r\nb");
        try (KvProcess kv = KvProcess.start(dir, "--appendonly", "yes"); RespTestClient c = kv.connect()) {
            assertEquals(":1\r\n", c.call("DBSIZE"));
            // the data port answers while Quarkus boots; what the engine logged meanwhile is
            // written once Quarkus has set up logging
            String log = kv.output();
            for (int i = 0; i < 600 && !log.contains("Truncating the AOF"); i++) {
                Thread.sleep(50);
                log = kv.output();
            }
            assertTrue(log.contains("Truncating the AOF") && log.contains("at offset 27"), log);
        }
        // cut at 27 (the process is killed at the end: the filler of its pre-sized window may follow)
        assertEquals(27, FillerTail.dataEnd(dir.resolve("appendonlydir/appendonly.aof.1.incr.aof")));
    }

    @Test
    void corruptionStopsStartUpNamingFileAndOffsetAndChangesNothing() throws Exception {
        String content = SET_A + "*3\r\n$3\r\nSET\r\n#1\r\nb\r\n$1\r\n1\r\n";
        Path dir = aofWith(content);
        try (KvProcess kv = KvProcess.launch(dir, "--appendonly", "yes")) {
            assertNotEquals(0, kv.awaitExit());
            String log = kv.output();
            assertTrue(log.contains("Bad file format reading the append only file " + dir.resolve("appendonlydir/appendonly.aof.1.incr.aof")
                    + " at offset 40 (expected '$' before argument 2, found '#')"), log);
        }
        assertEquals(content, Files.readString(dir.resolve("appendonlydir/appendonly.aof.1.incr.aof"), StandardCharsets.ISO_8859_1));
    }

    @Test
    void withoutAofLoadTruncatedATruncatedTailStopsStartUp() throws Exception {
        String content = SET_A + "*1\r\n$4\r\nPI";
        Path dir = aofWith(content);
        try (KvProcess kv = KvProcess.launch(dir, "--appendonly", "yes", "--aof-load-truncated", "no")) {
            assertNotEquals(0, kv.awaitExit());
            assertTrue(kv.output().contains("Unrecoverable error reading the append only file"), kv.output());
        }
        assertEquals(content, Files.readString(dir.resolve("appendonlydir/appendonly.aof.1.incr.aof"), StandardCharsets.ISO_8859_1));
    }

    @Test
    void aLegacySingleFileIsLoadedAndBecomesTheBase() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(dir.resolve("appendonly.aof"), SET_A, StandardCharsets.ISO_8859_1);
        try (KvProcess kv = KvProcess.start(dir, "--appendonly", "yes"); RespTestClient c = kv.connect()) {
            assertEquals("$1\r\n1\r\n", c.call("GET", "a"));
        }
        assertTrue(Files.notExists(dir.resolve("appendonly.aof")));
        assertEquals(SET_A, Files.readString(dir.resolve("appendonlydir/appendonly.aof.1.base.aof"), StandardCharsets.ISO_8859_1));
        assertEquals("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                Files.readString(dir.resolve("appendonlydir/appendonly.aof.manifest")));
    }
}
