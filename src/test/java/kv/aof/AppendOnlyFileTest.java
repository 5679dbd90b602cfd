package kv.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.config.ConfigSource;
import kv.config.ServerConfig;
import kv.engine.EngineHarness;

/**
 * The running AOF without sockets: the event loop is a queue the test drains, so what happens
 * "at the end of a turn" is explicit.
 */
class AppendOnlyFileTest {
    @TempDir
    Path dir;

    private final ArrayDeque<Runnable> loop = new ArrayDeque<>();
    private EngineHarness h;
    private AppendOnlyFile aof;

    /** The incr files opened so far, in order (each can be made to fail). */
    private final List<FailingChannel> channels = new java.util.ArrayList<>();
    /** Small mapped windows, so a few commands already cross from one window to the next. */
    private static final int WINDOW = 64;

    private void start(String fsync) throws Exception {
        start(fsync, false);
    }

    /** {@code failing}: every incr file opened fails its writes (the pre-sizes: a full disk) from the start. */
    private void start(String fsync, boolean failing) throws Exception {
        h = new EngineHarness(ServerConfig.load(ConfigSource.fromString("dir " + dir + "\nappendfsync " + fsync
                + "\nenable-debug-command yes")));
        h.server.config().addListener("appendonly", v -> aof.applyAppendonly(v));
        java.util.concurrent.Executor queue = r -> {
            synchronized (loop) {
                loop.add(r);
                loop.notifyAll();
            }
        };
        h.runTimersOn(queue);
        synchronized (loop) {
            aof = new AppendOnlyFile(h.server, queue, file -> {
                FailingChannel ch = new FailingChannel(java.nio.channels.FileChannel.open(file,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.READ,
                        java.nio.file.StandardOpenOption.WRITE));
                if (failing) {
                    ch.failWrites = true;
                    ch.acceptBeforeFailure = 10; // part of a pre-size goes through, then the disk is full
                }
                channels.add(ch);
                return ch;
            }, WINDOW);
        }
        h.server.attach(AppendOnlyFile.class, aof);
        aof.openAfterLoad(AofStartup.plan(h.server.config()));
        // the first window is pre-sized on the fsync thread, which then posts a task to the loop
        synchronized (loop) {
            while (loop.isEmpty()) {
                loop.wait(100);
            }
        }
        settle();
    }

    /** Runs the loop (the dump's slices) and the cron until no rewrite runs or waits. */
    private void finishRewrite() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (aof.rewriteInProgress() || aof.rewriteScheduled()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the rewrite did not finish");
            }
            Runnable r;
            synchronized (loop) {
                r = loop.poll();
            }
            if (r != null) {
                r.run();
                continue;
            }
            aof.cron();
            Thread.sleep(1);
        }
    }

    /** Runs loop tasks (fsync completions arrive from the fsync thread) until {@code done} holds. */
    private void turnUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            Runnable r;
            synchronized (loop) {
                while (loop.isEmpty()) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("nothing more to run");
                    }
                    loop.wait(100);
                }
                r = loop.poll();
            }
            r.run();
        }
    }

    /**
     * What the current incr file holds, without the filler of its pre-sized windows (at its end,
     * and where a turn too big for the rest of a window skipped to the next).
     */
    private String incr() throws Exception {
        Path file = incrFile();
        return withoutFiller(Files.readString(file, StandardCharsets.ISO_8859_1).substring(0, (int) FillerTail.dataEnd(file)));
    }

    private static String withoutFiller(String aof) {
        return aof.replaceAll("(?m)^#+(\n|$)", "");
    }

    private Path incrFile() throws Exception {
        AofManifest m = AofManifest.parse(Files.readString(aofDir().resolve("appendonly.aof.manifest")), "m");
        return aofDir().resolve(m.lastIncr().name());
    }

    /** Runs the loop until the buffer is in the file (windows are pre-sized on the fsync thread) or writing failed. */
    private void settle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!loop.isEmpty() || aof.bufferLength() > 0 && aof.lastWriteOk()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the AOF buffer was not written");
            }
            Runnable r;
            synchronized (loop) {
                r = loop.poll();
            }
            if (r != null) {
                r.run();
            } else {
                aof.cron(); // a write postponed behind an everysec fsync waits for the cron
                Thread.sleep(1);
            }
        }
    }

    /** After the cause of a failure is gone: the cron retries until the buffer is written. */
    private void recover() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!aof.lastWriteOk() || aof.bufferLength() > 0 || !loop.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the AOF did not recover");
            }
            Runnable r;
            synchronized (loop) {
                r = loop.poll();
            }
            if (r != null) {
                r.run();
            } else {
                aof.cron();
                Thread.sleep(5);
            }
        }
    }

    private Path aofDir() {
        return dir.resolve("appendonlydir");
    }

    @Test
    void startCreatesRedisLayoutAndAppendsWithSelectWhenTheDbChanges() throws Exception {
        start("everysec");
        assertEquals("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                Files.readString(aofDir().resolve("appendonly.aof.manifest")));
        h.call("SET", "a", "1");
        h.call("GET", "a");
        h.call("SELECT", "2");
        h.call("SETEX", "b", "100", "x");
        h.call("DEL", "nothing");
        assertEquals("", incr());
        settle();
        String text = incr();
        assertTrue(text.startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                + "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*5\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\nx\r\n$4\r\nPXAT\r\n"), text);
        assertEquals(text.length(), aof.currentSize());
    }

    @Test
    void alwaysHoldsARepliesUntilOneFsyncCoversTheWholeTurn() throws Exception {
        start("always");
        assertEquals(-1, aof.positionToSync());
        h.call("SET", "a", "1");
        long first = aof.positionToSync();
        h.call("SET", "b", "2");
        long second = aof.positionToSync();
        assertTrue(first > 0 && second > first);
        boolean[] released = new boolean[2];
        aof.awaitSync(first, () -> released[0] = true);
        aof.awaitSync(second, () -> released[1] = true);
        assertFalse(released[0] || released[1]);
        turnUntil(() -> released[0] && released[1]);
        assertEquals(-1, aof.positionToSync());
        assertTrue(aof.durable(second));
    }

    /**
     * Group commit as redis-server does it: the task that writes a turn forces the file itself, on
     * the loop's thread, and the replies waiting for it are released in that same task (no hop
     * through another thread and back); the turn's commands share that one fsync.
     */
    @Test
    void alwaysForcesOnTheLoopAndReleasesTheTurnsRepliesInTheSameTask() throws Exception {
        start("always");
        for (int round = 0; round < 3; round++) {
            FailingChannel ch = current();
            int before = ch.forces;
            h.call("SET", "a" + round, "1");
            h.call("INCR", "n");
            boolean[] released = new boolean[2];
            aof.awaitSync(aof.positionToSync(), () -> released[0] = true);
            h.call("SET", "b" + round, "2");
            aof.awaitSync(aof.positionToSync(), () -> released[1] = true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!released[1]) {
                assertTrue(System.nanoTime() < deadline, "the turn's replies were not released");
                Runnable task;
                synchronized (loop) {
                    task = loop.poll();
                    if (task == null) {
                        loop.wait(10); // a window being pre-sized on the fsync thread
                        continue;
                    }
                }
                int forcesBefore = ch.forces;
                task.run();
                if (ch.forces > forcesBefore) {
                    assertTrue(released[0] && released[1], "released by the task that forced");
                    assertEquals(Thread.currentThread(), ch.lastForceThread);
                } else {
                    assertFalse(released[0] || released[1], "released before an fsync");
                }
            }
            assertEquals(before + 1, ch.forces, "one fsync for the turn's three commands");
            assertEquals(-1, aof.positionToSync());
            assertEquals(0, aof.pendingFsyncs());
        }
        assertTrue(incr().endsWith("$2\r\nb2\r\n$1\r\n2\r\n"), incr());
    }

    /**
     * A rewrite under always switches to a new incr file only once the old one is forced: the
     * fsyncs that follow cover only the new file. The forced turn's reply goes before the switch.
     */
    @Test
    void alwaysSwitchesIncrFilesOnlyOnceTheOldOneIsOnDisk() throws Exception {
        start("always");
        h.call("SET", "a", "1");
        boolean[] released = new boolean[1];
        aof.awaitSync(aof.positionToSync(), () -> released[0] = true);
        assertFalse(released[0]);
        assertEquals(AppendOnlyFile.RewriteStart.STARTED, aof.requestRewrite());
        assertTrue(released[0], "forced before the switch");
        assertEquals(2, channels.size());
        finishRewrite();
        h.call("SET", "b", "2");
        settle();
        assertTrue(incr().endsWith("$1\r\nb\r\n$1\r\n2\r\n"), incr());
    }

    /** A failed fsync under always ends the process, as Redis' exit(1): the held reply never goes. */
    @Test
    void alwaysHaltsOnAFailedFsyncWithoutReleasingTheReply() throws Exception {
        start("always");
        current().failForce = true;
        h.call("SET", "a", "1");
        boolean[] released = new boolean[1];
        aof.awaitSync(aof.positionToSync(), () -> released[0] = true);
        settle();
        assertEquals(1, h.haltedWith);
        assertFalse(released[0]);
    }

    @Test
    void everysecReleasesRepliesOnceTheTurnIsWrittenWithoutWaitingForAnFsync() throws Exception {
        start("everysec");
        h.call("SET", "a", "1");
        long p = aof.positionToSync();
        boolean[] released = new boolean[1];
        aof.awaitSync(p, () -> released[0] = true);
        assertFalse(released[0]);
        Runnable endOfTurn;
        synchronized (loop) {
            endOfTurn = loop.poll();
        }
        endOfTurn.run();
        assertTrue(released[0]);
        assertTrue(incr().contains("SET"));
    }

    @Test
    void rewriteWritesANewBaseAndIncrAndDropsTheOldFilesAfterTheManifest() throws Exception {
        start("everysec");
        h.call("RPUSH", "l", "a", "b");
        h.call("SET", "gone", "x");
        h.call("DEL", "gone");
        settle();
        h.call("CONFIG", "SET", "aof-use-rdb-preamble", "no");
        assertEquals(AppendOnlyFile.RewriteStart.STARTED, aof.requestRewrite());
        finishRewrite();
        assertEquals("file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
                Files.readString(aofDir().resolve("appendonly.aof.manifest")));
        try (var files = Files.list(aofDir())) {
            assertEquals(List.of("appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*4\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n$1\r\nb\r\n",
                Files.readString(aofDir().resolve("appendonly.aof.2.base.aof")));
        assertEquals(1, aof.rewrites().count());
        // appends continue in the new incr file, with a fresh SELECT
        h.call("SET", "after", "1");
        settle();
        assertTrue(incr().startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n"), incr());
    }

    @Test
    void disableFlushesAndStopsAppendingEnableStartsFromANewBase() throws Exception {
        start("no");
        h.call("SET", "a", "1");
        aof.disable();
        assertTrue(incr().contains("SET"));
        h.call("SET", "b", "2");
        assertFalse(h.server.propagatesTo(aof));
        h.call("CONFIG", "SET", "aof-use-rdb-preamble", "no");
        aof.enable();
        assertTrue(aof.enabled());
        // a write while the first base is being made goes to a temp incr file no manifest names yet
        h.call("SET", "during", "3");
        finishRewrite();
        String base = Files.readString(aofDir().resolve("appendonly.aof.2.base.aof"));
        assertTrue(base.contains("$1\r\nb\r\n") && base.contains("$1\r\na\r\n") && !base.contains("during"), base);
        assertEquals("file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
                Files.readString(aofDir().resolve("appendonly.aof.manifest")));
        settle();
        assertTrue(incr().contains("during"), incr());
        try (var files = Files.list(aofDir())) {
            assertEquals(List.of("appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        aof.shutdown();
    }

    @Test
    void theCronRewritesOnceTheFileGrewByThePercentageOverTheMinimumSize() throws Exception {
        start("no");
        h.call("CONFIG", "SET", "auto-aof-rewrite-min-size", "1000", "auto-aof-rewrite-percentage", "100");
        h.call("SET", "k", "v");
        settle();
        aof.cron();
        assertEquals(0, aof.rewrites().count(), "below the minimum size");
        for (int i = 0; i < 50; i++) {
            h.call("SET", "k", "value-" + i);
        }
        settle();
        aof.cron();
        finishRewrite();
        assertEquals(1, aof.rewrites().count());
        long afterRewrite = aof.currentSize();
        h.call("SET", "k", "x");
        settle();
        aof.cron();
        assertEquals(1, aof.rewrites().count(), "grew less than 100% since the rewrite (" + afterRewrite + " bytes)");
    }

    @Test
    void writesDuringARewriteAreAllKeptByTheNewBaseOrTheNewIncr() throws Exception {
        start("everysec");
        for (int i = 0; i < 30_000; i++) {
            h.call("SET", "k:" + i, "v" + i);
            h.call("RPUSH", "l:" + (i % 100), "e" + i);
            h.call("HSET", "h:" + (i % 100), "f" + i, "v");
            h.call("ZADD", "z:" + (i % 100), Integer.toString(i), "m" + i);
        }
        settle();
        java.util.Random rnd = new java.util.Random(17);
        assertEquals(AppendOnlyFile.RewriteStart.STARTED, aof.requestRewrite());
        assertEquals(AppendOnlyFile.RewriteStart.ALREADY_RUNNING, aof.requestRewrite());
        int turnsDuring = 0;
        while (aof.rewriteInProgress()) {
            for (int w = 0; w < 50; w++) {
                randomWrite(rnd);
            }
            turnsDuring++;
            Runnable r;
            synchronized (loop) {
                r = loop.poll();
            }
            if (r != null) {
                r.run();
            } else {
                Thread.sleep(1);
            }
            aof.cron();
        }
        assertTrue(turnsDuring > 3, "the base was written in slices with writes between them: " + turnsDuring);
        assertTrue(aof.rewrites().lastOk());
        // the copies those writes cost are reported as Redis reports a fork's copy-on-write
        assertTrue(Long.parseLong(persistenceField("aof_last_cow_size")) > 0);
        assertEquals("0", persistenceField("rdb_last_cow_size"));
        assertEquals("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
                Files.readString(aofDir().resolve("appendonly.aof.manifest")));
        for (int w = 0; w < 500; w++) {
            randomWrite(rnd);
        }
        settle();
        aof.shutdown();
        byte[] expected = kv.store.DataDigest.of(h.server.keyspace());

        EngineHarness fresh = new EngineHarness(ServerConfig.load(ConfigSource.fromString("dir " + dir)));
        AofLoader loader = new AofLoader(fresh.server, AofStartup.plan(fresh.server.config()), new RdbBaseFile());
        while (!loader.step(1_000_000_000L)) {
            // slices until the last incr file is replayed
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, kv.store.DataDigest.of(fresh.server.keyspace()));
        assertEquals(h.call("DBSIZE"), fresh.call("DBSIZE"));
    }

    @Test
    void oneBackgroundDumpAtATimeWithRedisRepliesAndScheduling() throws Exception {
        start("everysec");
        h.server.attach(AppendOnlyFile.class, aof);
        for (int i = 0; i < 20_000; i++) {
            h.call("SET", "k:" + i, "v");
        }
        settle();
        // the first slice ran; the timer queue holds the rest, so the rewrite is still running
        assertEquals("+Background append only file rewriting started\r\n", h.call("BGREWRITEAOF"));
        assertEquals("-ERR Background append only file rewriting already in progress\r\n", h.call("BGREWRITEAOF"));
        assertEquals("-ERR Another child process is active (AOF?): can't BGSAVE right now. "
                + "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n", h.call("BGSAVE"));
        String info = h.call("INFO", "persistence");
        assertTrue(info.contains("aof_rewrite_in_progress:1\r\n") && info.contains("aof_rewrites:1\r\n"), info);
        assertTrue(info.contains("aof_current_rewrite_time_sec:0\r\n"), info);
        assertEquals("+Background saving scheduled\r\n", h.call("BGSAVE", "SCHEDULE"));
        finishRewrite();
        info = h.call("INFO", "persistence");
        assertTrue(info.contains("aof_rewrite_in_progress:0\r\n") && info.contains("aof_last_bgrewrite_status:ok\r\n")
                && info.contains("aof_current_rewrite_time_sec:-1\r\n"), info);
        h.server.cron(); // the scheduled BGSAVE starts
        assertTrue(h.call("INFO", "persistence").contains("rdb_bgsave_in_progress:1\r\n"));
        assertEquals("+Background append only file rewriting scheduled\r\n", h.call("BGREWRITEAOF"));
        assertTrue(h.call("INFO", "persistence").contains("aof_rewrite_scheduled:1\r\n"));
        while (h.server.runningDump() != null) {
            Runnable r;
            synchronized (loop) {
                r = loop.poll();
            }
            if (r != null) {
                r.run();
            }
            h.server.cron();
        }
        finishRewrite();
        assertEquals(2, aof.rewrites().count());
        assertTrue(Files.exists(aofDir().resolve("appendonly.aof.3.base.rdb")));
    }

    /** A write of a random kind to a random key, touching keys the snapshot has or has not visited yet. */
    /** Runs the loop and the cron until the buffer is written and no fsync runs (everysec may postpone a write behind one). */
    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (aof.bufferLength() > 0 || aof.pendingFsyncs() > 0 || !loop.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the AOF buffer was not written");
            }
            Runnable r;
            synchronized (loop) {
                r = loop.poll();
            }
            if (r != null) {
                r.run();
            } else {
                aof.cron();
                Thread.sleep(1);
            }
        }
    }

    private FailingChannel current() {
        return channels.get(channels.size() - 1);
    }

    private String persistenceField(String name) {
        for (String line : h.call("INFO", "persistence").split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        throw new AssertionError(name + " not in INFO persistence");
    }

    /** Like {@link #recover()} for the write only: the fsync may still fail. */
    private void recoverWrites() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (aof.bufferLength() > 0 || !loop.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the AOF buffer was not written");
            }
            Runnable r;
            synchronized (loop) {
                r = loop.poll();
            }
            if (r != null) {
                r.run();
            } else {
                aof.cron();
                Thread.sleep(5);
            }
        }
    }

    private static final String MISCONF_ENOSPC = "-MISCONF Errors writing to the AOF file: No space left on device\r\n";

    @Test
    void aFailedWriteRefusesWritesAndPingWithMisconfUntilARetrySucceeds() throws Exception {
        start("everysec", true);
        assertEquals("+OK\r\n", h.call("SET", "a", "1"));
        settle();
        assertEquals("err", persistenceField("aof_last_write_status"));
        assertEquals(MISCONF_ENOSPC, h.call("SET", "b", "2"));
        assertEquals(MISCONF_ENOSPC, h.call("PING"));
        assertEquals("$1\r\n1\r\n", h.call("GET", "a"));
        h.call("MULTI");
        assertEquals(MISCONF_ENOSPC, h.call("INCR", "n"));
        assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", h.call("EXEC"));
        assertFalse(h.server.readiness().ready());
        assertEquals(0, Files.size(incrFile()), "a failed pre-size gives back what it allocated");
        aof.cron(); // still failing: retried, still refused
        settle();
        assertEquals(MISCONF_ENOSPC, h.call("SET", "b", "2"));

        current().failWrites = false;
        recover();
        assertEquals("ok", persistenceField("aof_last_write_status"));
        assertTrue(h.server.readiness().ready());
        assertEquals("+OK\r\n", h.call("SET", "b", "2"));
        drain();
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                + "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n", incr());
        assertEquals(incr().length(), aof.currentSize());
    }

    /** Replies recorded from redis-server 7.0.15 with its AOF directory on a full tmpfs. */
    @Test
    void execOfWritesQueuedBeforeTheErrorIsAbortedWithTheMisconfReasonReadsStillRun() throws Exception {
        start("everysec", true);
        kv.engine.Client writer = kv.engine.DetachedTransport.client(h.server, "writer");
        kv.engine.Client reader = kv.engine.DetachedTransport.client(h.server, "reader");
        h.call(writer, argv("MULTI"));
        assertEquals("+QUEUED\r\n", h.call(writer, argv("SET", "k", "v")));
        h.call(reader, argv("MULTI"));
        assertEquals("+QUEUED\r\n", h.call(reader, argv("GET", "k")));
        h.call("SET", "a", "1");
        settle();
        assertEquals("-EXECABORT Transaction discarded because of: MISCONF Errors writing to the AOF file: "
                + "No space left on device\r\n", h.call(writer, argv("EXEC")));
        assertEquals("*1\r\n$-1\r\n", h.call(reader, argv("EXEC")));
        // the transaction is gone: EXEC again is outside MULTI
        assertEquals("-ERR EXEC without MULTI\r\n", h.call(writer, argv("EXEC")));
        assertEquals("$-1\r\n", h.call("GET", "k"));
    }

    private static byte[][] argv(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return argv;
    }

    @Test
    void appendsCrossManyMappedWindowsAndCloseTrimsTheFileToItsDataAndUnmapsIt() throws Exception {
        start("everysec");
        StringBuilder expected = new StringBuilder("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n");
        for (int i = 0; i < 40; i++) {
            String value = "v".repeat(i * 7); // some commands bigger than a window
            h.call("SET", "k" + i, value);
            expected.append("*3\r\n$3\r\nSET\r\n$").append(("k" + i).length()).append("\r\nk").append(i)
                    .append("\r\n$").append(value.length()).append("\r\n").append(value).append("\r\n");
            if (i % 3 == 0) {
                settle(); // several turns too, not one big buffer
            }
        }
        settle();
        Path file = incrFile();
        assertEquals(expected.toString(), incr());
        assertTrue(Files.size(file) >= expected.length());
        assertEquals(expected.length(), aof.currentSize());
        assertTrue(mappings(file) >= 1 && mappings(file) <= 2, "only the current and the next window are mapped");

        h.call("CONFIG", "SET", "appendonly", "no");
        drainFsyncThread();
        String closed = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertEquals(expected.toString(), withoutFiller(closed));
        assertEquals(closed.length(), FillerTail.dataEnd(file), "trimmed on close");
        assertEquals(0, mappings(file), "every window unmapped");
    }

    private static final String SELECT_0_SET_A_1 = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";

    /** The files a killed KV leaves: a manifest, an empty base, and {@code incr} followed by the filler of its window. */
    private void killedVolume(String incr) throws Exception {
        Files.createDirectories(aofDir());
        Files.writeString(aofDir().resolve("appendonly.aof.manifest"),
                "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        Files.write(aofDir().resolve("appendonly.aof.1.base.aof"), new byte[0]);
        byte[] data = incr.getBytes(StandardCharsets.ISO_8859_1);
        byte[] file = java.util.Arrays.copyOf(data, data.length + 5000);
        java.util.Arrays.fill(file, data.length, file.length - 1, MappedIncrFile.FILLER);
        file[file.length - 1] = '\n';
        Files.write(aofDir().resolve("appendonly.aof.1.incr.aof"), file);
    }

    @Test
    void theFillerTailOfAKilledServersIncrFileEndsItsDataAndStartUpTrimsItBeforeAppending() throws Exception {
        killedVolume(SELECT_0_SET_A_1);
        EngineHarness loaded = new EngineHarness(ServerConfig.load(ConfigSource.fromString("dir " + dir)));
        AofLoader loader = new AofLoader(loaded.server, AofStartup.plan(loaded.server.config()), new RdbBaseFile());
        while (!loader.step(Long.MAX_VALUE)) {
            // one go
        }
        assertEquals(1, loader.commands() - 1); // SELECT and SET: nothing read from the filler
        assertEquals("$1\r\n1\r\n", loaded.call("GET", "a"));

        start("everysec"); // opening for appends trims the tail first
        assertEquals(SELECT_0_SET_A_1.length(), aof.currentSize());
        h.call("SET", "b", "2");
        settle();
        assertEquals(SELECT_0_SET_A_1 + "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n",
                incr());
    }

    @Test
    void aCommandCutOffByTheKillBeforeTheFillerIsATruncatedTail() throws Exception {
        killedVolume(SELECT_0_SET_A_1 + "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1");
        EngineHarness loaded = new EngineHarness(ServerConfig.load(ConfigSource.fromString("dir " + dir)));
        AofLoader loader = new AofLoader(loaded.server, AofStartup.plan(loaded.server.config()), new RdbBaseFile());
        while (!loader.step(Long.MAX_VALUE)) {
            // one go
        }
        assertEquals("$1\r\n1\r\n", loaded.call("GET", "a"));
        assertEquals("$-1\r\n", loaded.call("GET", "b"));
        assertEquals(SELECT_0_SET_A_1, Files.readString(aofDir().resolve("appendonly.aof.1.incr.aof"),
                StandardCharsets.ISO_8859_1), "aof-load-truncated cuts the command and the filler after it");

        EngineHarness strict = new EngineHarness(ServerConfig.load(ConfigSource.fromString("dir " + dir
                + "\naof-load-truncated no")));
        killedVolume(SELECT_0_SET_A_1 + "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1");
        AofLoader refusing = new AofLoader(strict.server, AofStartup.plan(strict.server.config()), new RdbBaseFile());
        AofException e = org.junit.jupiter.api.Assertions.assertThrows(AofException.class, () -> {
            while (!refusing.step(Long.MAX_VALUE)) {
                // one go
            }
        });
        assertTrue(e.getMessage().contains("short read after offset " + SELECT_0_SET_A_1.length()), e.getMessage());
    }

    /** How many mappings of {@code file} this process has (Linux' /proc/self/maps). */
    private static long mappings(Path file) throws Exception {
        String name = file.toRealPath().toString();
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.endsWith(" " + name)).count();
        }
    }

    /** Waits until the fsync thread ran what is queued on it (the close of a file). */
    private void drainFsyncThread() throws Exception {
        aof.shutdown();
    }

    @Test
    void withAlwaysAFailedWriteNeverReleasesTheReplyUntilTheDataIsOnDisk() throws Exception {
        start("always", true);
        h.call("SET", "a", "1");
        boolean[] released = new boolean[2];
        aof.awaitSync(aof.positionToSync(), () -> released[0] = true);
        settle();
        aof.cron();
        settle();
        assertFalse(released[0]);
        assertEquals(MISCONF_ENOSPC, h.call("SET", "b", "2"));

        // the write goes through and is forced: released, writes accepted again
        current().failWrites = false;
        recoverWrites();
        turnUntil(() -> released[0]);
        assertEquals("ok", persistenceField("aof_last_write_status"));
        assertEquals("+OK\r\n", h.call("SET", "b", "2"));
        aof.awaitSync(aof.positionToSync(), () -> released[1] = true);
        turnUntil(() -> released[1]);
        assertTrue(incr().endsWith("$1\r\nb\r\n$1\r\n2\r\n"), incr());
        assertEquals(-1, h.haltedWith, "a failed write is retried, not fatal: nothing was acknowledged");
    }

    @Test
    void configSetAppendonlyYesRepliesRedisErrorWhenTheAofCannotStart() throws Exception {
        start("everysec");
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "appendonly", "no"));
        assertFalse(aof.enabled());
        h.call("CONFIG", "SET", "appenddirname", "x"); // immutable: the directory stays appendonlydir
        try (var files = Files.list(aofDir())) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(aofDir());
        Files.writeString(aofDir(), "a file where the directory should be");
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on AOF. "
                + "Check server logs.\r\n", h.call("CONFIG", "SET", "appendonly", "yes"));
        assertEquals("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n", h.call("CONFIG", "GET", "appendonly"));
        assertFalse(aof.enabled());
        assertFalse(h.server.propagatesTo(aof));
        assertEquals("err", persistenceField("aof_last_bgrewrite_status"));
        assertEquals("+OK\r\n", h.call("SET", "k", "v"));
        // a multi-parameter CONFIG SET is undone as a whole
        assertTrue(h.call("CONFIG", "SET", "hz", "20", "appendonly", "yes").startsWith("-ERR CONFIG SET failed"));
        assertEquals("*2\r\n$2\r\nhz\r\n$2\r\n10\r\n", h.call("CONFIG", "GET", "hz"));

        Files.delete(aofDir());
        assertEquals("+OK\r\n", h.call("CONFIG", "SET", "appendonly", "yes"));
        assertTrue(aof.enabled());
        finishRewrite();
        aof.shutdown();
    }

    @Test
    void debugLoadaofReplacesTheDataWithWhatTheFilesHoldAndLogsNothingAgain() throws Exception {
        start("everysec");
        h.call("CONFIG", "SET", "aof-use-rdb-preamble", "yes");
        h.call("SET", "in-base", "1");
        drain();
        assertEquals(AppendOnlyFile.RewriteStart.STARTED, aof.requestRewrite());
        finishRewrite();
        h.call("SELECT", "2");
        h.call("HSET", "h", "f", "v");
        h.call("SELECT", "0");
        h.call("SET", "buffered", "2"); // still in the buffer: LOADAOF writes it out first
        String digest = h.call("DEBUG", "DIGEST");
        assertEquals("", incr());
        assertEquals("+OK\r\n", h.call("DEBUG", "LOADAOF"));
        assertEquals(digest, h.call("DEBUG", "DIGEST"));
        assertEquals("$1\r\n2\r\n", h.call("GET", "buffered"));
        // each command once: the replay logged nothing
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*4\r\n$4\r\nHSET\r\n$1\r\nh\r\n$1\r\nf\r\n$1\r\nv\r\n"
                + "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$8\r\nbuffered\r\n$1\r\n2\r\n", incr());
        assertTrue(h.call("INFO", "persistence").contains("rdb_changes_since_last_save:0\r\n"));
        assertEquals("+OK\r\n", h.call("debug", "loadaof", "extra")); // Redis ignores further arguments
        assertEquals(digest, h.call("DEBUG", "DIGEST"));
        // appends go on after a reload
        h.call("SET", "after", "3");
        drain();
        assertTrue(incr().endsWith("$5\r\nafter\r\n$1\r\n3\r\n"), incr());

        Files.delete(aofDir().resolve(AofManifest.baseName("appendonly.aof", 2, true)));
        assertEquals("-ERR Error trying to load the AOF files, check server logs.\r\n", h.call("DEBUG", "LOADAOF"));
        assertEquals("$1\r\n3\r\n", h.call("GET", "after")); // a file named by the manifest is missing: nothing emptied
    }

    private void randomWrite(java.util.Random rnd) {
        int i = rnd.nextInt(30_000);
        int c = i % 100;
        switch (rnd.nextInt(9)) {
            case 0 -> h.call("SET", "k:" + i, "new" + rnd.nextInt());
            case 1 -> h.call("INCR", "n:" + c);
            case 2 -> h.call("RPUSH", "l:" + c, "x" + i);
            case 3 -> h.call("LPOP", "l:" + c);
            case 4 -> h.call("HSET", "h:" + c, "f" + i, "w" + rnd.nextInt());
            case 5 -> h.call("ZINCRBY", "z:" + c, "2.5", "m" + i);
            case 6 -> h.call("DEL", "k:" + i);
            case 7 -> h.call("APPEND", "k:" + i, "+");
            default -> h.call("EXPIRE", "k:" + i, "100000");
        }
    }
}
