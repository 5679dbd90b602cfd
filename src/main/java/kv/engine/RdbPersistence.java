package kv.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import org.jboss.logging.Logger;

import kv.config.ServerConfig;
import kv.rdb.EncodingLimits;
import kv.rdb.LoadedDataset;
import kv.rdb.RdbException;
import kv.rdb.RdbFormat;
import kv.rdb.RdbLoader;
import kv.rdb.RdbWriter;
import kv.rdb.Snapshot;
import kv.store.Keyspace;
import kv.util.Version;

/**
 * RDB snapshots of the keyspace: SAVE (on the data thread, like Redis'), BGSAVE (a {@link Snapshot}
 * serialised by a {@link SnapshotDump}: slices on the data thread, the bytes written,
 * fsynced and renamed into place by a writer thread), the save points, LASTSAVE and the INFO
 * persistence figures. Files are written to a temporary name, fsynced, then atomically renamed.
 */
public final class RdbPersistence {
    private static final Logger LOG = Logger.getLogger(RdbPersistence.class);
    /** After a failed BGSAVE, save points wait this long before trying again (Redis' CONFIG_BGSAVE_RETRY_DELAY). */
    private static final long RETRY_DELAY_MS = 5000;

    private final Server server;
    private long lastSaveMs;
    private long changesAtLastSave;
    private boolean lastBgsaveOk = true;
    private long lastBgsaveSeconds = -1;
    private long lastBgsaveTryMs;
    private long saves;
    private boolean scheduled;
    private SnapshotDump running;
    private long changesAtBgsaveStart;
    private long lastLoadKeys;
    /** Set by SHUTDOWN (whatever it decided about saving): the process exit must not save again. */
    private volatile boolean shutdownHandled;
    private long lastLoadExpired;
    private long lastCowSize;

    RdbPersistence(Server server) {
        this.server = server;
        this.lastSaveMs = server.startMs();
    }

    /** The configured thresholds, for building loaded values. */
    public static EncodingLimits limits(ServerConfig c) {
        return new EncodingLimits(c.hashMaxListpackEntries(), c.hashMaxListpackValue(), c.setMaxIntsetEntries(),
                c.setMaxListpackEntries(), c.setMaxListpackValue(), c.zsetMaxListpackEntries(), c.zsetMaxListpackValue(),
                c.listMaxListpackSize());
    }

    public Path file() {
        ServerConfig c = server.config();
        return c.dir().resolve(c.dbFilename());
    }

    // ---- state for INFO and LASTSAVE ----

    public long lastSaveSeconds() {
        return lastSaveMs / 1000;
    }

    public long changesSinceLastSave() {
        return server.keyspace().changes() - changesAtLastSave;
    }

    public boolean bgsaveInProgress() {
        return running != null;
    }

    public boolean lastBgsaveOk() {
        return lastBgsaveOk;
    }

    public long lastBgsaveSeconds() {
        return lastBgsaveSeconds;
    }

    public long currentBgsaveSeconds() {
        return running == null ? -1 : (System.currentTimeMillis() - running.startMs()) / 1000;
    }

    public long saves() {
        return saves;
    }

    /** rdb_last_cow_size: the most memory the last BGSAVE's snapshot held beyond the live data. */
    public long lastCowSize() {
        return lastCowSize;
    }

    public boolean scheduled() {
        return scheduled;
    }

    /** current_save_keys_processed: of whichever background dump runs (an AOF rewrite too, as Redis counts). */
    public long keysProcessed() {
        SnapshotDump d = server.runningDump();
        return d == null ? 0 : d.keysProcessed();
    }

    public long keysTotal() {
        SnapshotDump d = server.runningDump();
        return d == null ? 0 : d.keysTotal();
    }

    public long lastLoadKeys() {
        return lastLoadKeys;
    }

    public long lastLoadExpired() {
        return lastLoadExpired;
    }

    /** stop-writes-on-bgsave-error: writes are refused (MISCONF) while the last BGSAVE failed and save points exist. */
    public boolean refusesWrites() {
        ServerConfig c = server.config();
        return !lastBgsaveOk && c.stopWritesOnBgsaveError() && !c.saveParams().isEmpty();
    }

    /** The dataset was just replaced from the persistence files (DEBUG LOADAOF): no change is unsaved, as Redis' dirty = 0. */
    public void changesSaved() {
        changesAtLastSave = server.keyspace().changes();
    }

    /** SHUTDOWN decided about the final save (SAVE, NOSAVE or the save points): exiting saves nothing more. */
    public void shutdownHandled() {
        shutdownHandled = true;
    }

    /** A SHUTDOWN command already decided how this process exits (the wait for replicas, the save). */
    public boolean shutdownDecided() {
        return shutdownHandled;
    }

    /**
     * Whether a process exit (SIGTERM) should save: SHUTDOWN did not already decide, and save points
     * exist, unless shutdown-on-sigterm says SAVE or NOSAVE.
     */
    public boolean saveOnExit() {
        ServerConfig config = server.config();
        return !shutdownHandled && !config.signalSkipsSave()
                && (config.signalForcesSave() || !config.saveParams().isEmpty());
    }

    // ---- SAVE ----

    /** SAVE: writes the whole keyspace now, on this thread. */
    public void saveNow() throws IOException {
        long now = System.currentTimeMillis();
        Path target = file();
        Path tmp = target.resolveSibling("temp-" + ProcessHandle.current().pid() + ".rdb");
        Snapshot snap = Snapshot.take(server.keyspace(), now);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            RdbWriter w = new RdbWriter(new ChannelStream(ch), server.config().rdbCompression(), server.config().rdbChecksum());
            begin(w, needsVersion12(server.keyspace()), now, false);
            snap.advance(format(w), Long.MAX_VALUE);
            w.end();
            ch.force(true);
        } catch (Exception e) {
            snap.close();
            Files.deleteIfExists(tmp);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        saved(now);
        LOG.info("DB saved on disk");
    }

    private void saved(long startMs) {
        lastSaveMs = startMs;
        changesAtLastSave = server.keyspace().changes();
        saves++;
    }

    private static boolean needsVersion12(Keyspace ks) {
        for (int i = 0; i < ks.count(); i++) {
            boolean[] found = {false};
            if (ks.db(i).volatileHashes().size() > 0) {
                // the index may hold stale keys: look at the values (a walk only when such hashes exist)
                ks.db(i).forEachStored((k, v) -> found[0] |= RdbWriter.needsVersion12(v));
            }
            if (found[0]) {
                return true;
            }
        }
        return false;
    }

    /** The RDB header; {@code aofBase}: the file is an AOF's base (Redis' aof-base aux field). */
    private void begin(RdbWriter w, boolean v12, long now, boolean aofBase) throws IOException {
        w.header(v12 ? 12 : RdbFormat.WRITE_VERSION);
        w.aux("redis-ver", Version.REDIS);
        w.aux("redis-bits", "64");
        w.aux("ctime", Long.toString(now / 1000));
        w.aux("used-mem", Long.toString(server.usedMemory()));
        ReplicationLog log = server.replication();
        if (log.backlog() != null) {
            // as Redis' rdbPopulateSaveInfo: a server in a replication chain records where the file
            // stands in the stream (a replica restarted from it can continue with PSYNC)
            w.aux("repl-stream-db", Integer.toString(log.streamDb()));
            w.aux("repl-id", log.replid());
            w.aux("repl-offset", Long.toString(log.offset()));
        }
        w.aux("aof-base", aofBase ? "1" : "0");
        writeFunctions(w);
    }

    /**
     * Writes every function library as a FUNCTION2 record, as Redis does after the aux fields and
     * before the first database (RDB files and AOF bases written as RDB): call it on the data
     * thread when the snapshot is taken, so the libraries are those of that moment.
     */
    public void writeFunctions(RdbWriter w) throws IOException {
        for (byte[] code : server.functionLibraries().libraryCodes()) {
            w.function(code);
        }
    }

    private static SnapshotDump.Format format(RdbWriter w) {
        return new SnapshotDump.Format() {
            @Override
            public void database(int db, long size, long expiring) throws IOException {
                w.selectDb(db, size, expiring);
            }

            @Override
            public void entry(int db, byte[] key, Object value, long expireAtMs) throws IOException {
                w.entry(key, value, expireAtMs);
            }

            @Override
            public void flush() throws IOException {
                w.flush();
            }

            @Override
            public void end() throws IOException {
                w.end();
            }
        };
    }

    /**
     * An RDB dump of the keyspace as of now, in the background: the file an AOF rewrite uses as
     * its base when aof-use-rdb-preamble is on ({@code aofBase}).
     */
    public SnapshotDump.FormatFactory rdbFormat(long nowMs, boolean aofBase) {
        boolean v12 = needsVersion12(server.keyspace());
        ServerConfig c = server.config();
        return sink -> {
            RdbWriter w = new RdbWriter(sink, c.rdbCompression(), c.rdbChecksum());
            begin(w, v12, nowMs, aofBase);
            return format(w);
        };
    }

    // ---- BGSAVE ----

    /** BGSAVE: false if a background dump (this or an AOF rewrite) is already running. */
    public boolean startBackgroundSave() {
        if (server.runningDump() != null) {
            return false;
        }
        scheduled = false;
        long now = System.currentTimeMillis();
        lastBgsaveTryMs = now;
        Path target = file();
        long t0 = System.nanoTime();
        Snapshot snap = Snapshot.take(server.keyspace(), now);
        long takeNanos = System.nanoTime() - t0;
        changesAtBgsaveStart = server.keyspace().changes();
        try {
            running = SnapshotDump.start(server, SnapshotDump.Kind.RDB, snap,
                    target.resolveSibling("temp-bg-" + ProcessHandle.current().pid() + ".rdb"), rdbFormat(now, false),
                    temp -> Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING));
        } catch (IOException e) {
            LOG.warnf("Can't save in background: %s", e.getMessage());
            lastBgsaveOk = false;
            return true;
        }
        LOG.infof("Background saving started (snapshot of %d keys taken in %.1f ms)", running.keysTotal(), takeNanos / 1e6);
        return true;
    }

    /** BGSAVE SCHEDULE while one runs: starts another when it ends. */
    public void schedule() {
        scheduled = true;
    }

    /** Cron: finishes a background save whose writer is done, runs save points and scheduled saves. */
    void cron() {
        SnapshotDump b = running;
        if (b != null && b.finished()) {
            running = null;
            lastCowSize = b.cowPeak();
            long took = (System.currentTimeMillis() - b.startMs()) / 1000;
            lastBgsaveSeconds = took;
            try {
                b.reap();
                lastBgsaveOk = true;
                lastSaveMs = b.startMs();
                changesAtLastSave = changesAtBgsaveStart;
                saves++;
                LOG.info("Background saving terminated with success");
            } catch (Exception e) {
                lastBgsaveOk = false;
                LOG.warnf("Background saving error: %s", e.getMessage());
            }
        }
        if (server.runningDump() != null) {
            return;
        }
        if (scheduled) {
            startBackgroundSave();
            return;
        }
        long now = System.currentTimeMillis();
        long dirty = changesSinceLastSave();
        for (long[] point : server.config().saveParams()) {
            if (dirty >= point[1] && now - lastSaveMs > point[0] * 1000
                    && (lastBgsaveOk || now - lastBgsaveTryMs > RETRY_DELAY_MS)) {
                LOG.infof("%d changes in %d seconds. Saving...", point[1], point[0]);
                startBackgroundSave();
                return;
            }
        }
    }

    /** An OutputStream over a channel, for SAVE's synchronous write. */
    private static final class ChannelStream extends OutputStream {
        private final FileChannel ch;

        ChannelStream(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }

    // ---- loading ----

    /** Reads the RDB file (off the data thread); null when there is none. */
    public static LoadedDataset read(Path file, ServerConfig config, long nowMs) throws IOException, RdbException {
        return read(file, config, nowMs, kv.rdb.RdbProgress.NONE);
    }

    /** {@link #read}, telling {@code progress} how far it has come. */
    public static LoadedDataset read(Path file, ServerConfig config, long nowMs, kv.rdb.RdbProgress progress)
            throws IOException, RdbException {
        if (!Files.exists(file)) {
            return null;
        }
        RdbLoader loader = loader(config, nowMs).progress(progress);
        if (!config.replicaOf().isEmpty()) {
            // as Redis loads only on a master without keys past their TTL: a replica keeps them for its master's DEL
            loader.keepExpired();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return loader.load(in);
        }
    }

    /** A loader configured as the server is (encoding limits, databases, checksum, LRU/LFU fields). */
    public static RdbLoader loader(ServerConfig config, long nowMs) {
        // the loaded keys' access fields follow maxmemory-policy, as the keyspace's clock does
        kv.store.AccessClock access = new kv.store.AccessClock();
        access.configure(config.maxMemoryPolicy().contains("lfu"), config.lfuLogFactor(), config.lfuDecayTime());
        return new RdbLoader(limits(config), config.databases(), nowMs, config.rdbChecksum(), access);
    }

    /** Installs a loaded dataset (data thread), which now counts as saved. */
    public void install(LoadedDataset data) {
        installFunctions(data);
        data.applyTo(server.keyspace());
        installed(data);
    }

    /** The file's function libraries replace the current ones (Redis' loading ends with exactly the file's). */
    private void installFunctions(LoadedDataset data) {
        server.functionLibraries().replaceAll(data.functionLibraries());
    }

    private void installed(LoadedDataset data) {
        lastLoadKeys = data.keysLoaded();
        lastLoadExpired = data.keysExpired();
        changesAtLastSave = server.keyspace().changes();
    }
}
