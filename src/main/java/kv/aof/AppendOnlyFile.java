package kv.aof;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import kv.config.ServerConfig;
import kv.engine.Propagator;
import kv.engine.Server;
import kv.engine.SnapshotDump;
import kv.protocol.RespEncoder;
import kv.rdb.Snapshot;

/**
 * The append-only file while the server runs (data thread only, except the fsync thread).
 * Propagated commands are encoded into a buffer (with SELECT when the db changes); once per
 * event-loop turn, after the turn's reads and before any of their replies leave, the buffer is
 * written to the current incr file, and by appendfsync:
 * <ul>
 *   <li>always: the data thread itself forces the file right after writing the turn, and the
 *       replies waiting for it ({@link #positionToSync}/{@link #awaitSync}) go out in the same task:
 *       one fsync per turn, however many clients wrote in that turn (group commit). The loop blocks
 *       for the fsync, as redis-server's does under always: handing it to a thread made the
 *       replies wait for two wake-ups (fsync thread, then loop), so fewer requests reached the next
 *       fsync;</li>
 *   <li>everysec: the fsync thread forces the file about once a second; while a force is still
 *       running, writing is postponed up to 2 s, then done anyway (aof_delayed_fsync), as Redis;</li>
 *   <li>no: written each turn, never forced.</li>
 * </ul>
 * Positions are a running count of bytes ever appended (they survive file switches), so a
 * waiter is released by the first write or fsync that covers its position.
 *
 * <p>The bytes are copied into memory-mapped windows of the incr file ({@link MappedIncrFile}):
 * pre-sized with real writes of filler redis-server skips (a full disk fails there, as a write
 * error, not as a SIGBUS under the mapping), unmapped explicitly, and the file trimmed to its data
 * on close; start-up trims the filler tail of a file that was never closed. A turn costs a memory
 * copy, no syscall; with appendfsync always one positional write into the pre-sized window instead
 * (each fsync write-protects the mapped pages again, so a copy would take a write fault per turn).
 */
public final class AppendOnlyFile implements Propagator, kv.observe.AofState {
    private static final Logger LOG = Logger.getLogger(AppendOnlyFile.class);
    private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);
    private static final long POSTPONE_LIMIT_MS = 2000;
    /** What the dispatcher's MISCONF refusal says after "MISCONF ", followed by the strerror-like reason. */
    static final String AOF_ERROR_PREFIX = "Errors writing to the AOF file: ";

    private final Server server;
    private final Executor loop;
    private final ExecutorService fsyncThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "aof-fsync");
        t.setDaemon(true);
        return t;
    });
    private final RespEncoder buffer = new RespEncoder(64 * 1024);
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final RewriteStats rewrites = new RewriteStats();

    private AofManifest manifest;
    private MappedIncrFile incr;
    private boolean enabled;
    private int selectedDb = -1;
    private boolean flushScheduled;
    /** Bytes ever appended to the buffer / written to files / known durable. */
    private long appended;
    private long written;
    private long synced;
    /** An fsync is queued or running on the fsync thread (set by whoever queues it, cleared by that thread). */
    private final AtomicBoolean fsyncActive = new AtomicBoolean();
    /** The close (trim, force) of the incr file appended to before the current one, on the fsync thread. */
    private CompletableFuture<Void> previousClosed = CompletableFuture.completedFuture(null);
    private long lastFsyncStartMs;
    private long postponedSinceMs;
    private long delayedFsyncs;
    private long baseSize;
    private long incrSizes;
    /** aof_current_size right after the last rewrite or load: what auto-aof-rewrite-percentage grows from. */
    private long rewriteBaseSize;
    private Rewrite rewrite;
    private boolean rewriteScheduled;
    /** appendonly was turned on and the base it needs is not complete yet (Redis' AOF_WAIT_REWRITE). */
    private boolean waitingForBase;
    private long lastCowSize;

    private record Waiter(long position, Runnable release) {
    }

    /** How incr files are opened (read-write, for mapping): the seam tests use to make pre-sizes or fsyncs fail. */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path file) throws IOException;
    }

    private static final ChannelOpener READ_WRITE = file -> FileChannel.open(file, StandardOpenOption.CREATE,
            StandardOpenOption.READ, StandardOpenOption.WRITE);

    private final ChannelOpener opener;
    private final int windowSize;
    /** The reason the last write / fsync failed (strerror-like), null while they succeed (Redis keeps both apart). */
    private String writeError;
    private String fsyncError;

    /** {@code loop} runs tasks on the data thread after the current one (the event loop's queue). */
    public AppendOnlyFile(Server server, Executor loop) {
        this(server, loop, READ_WRITE, MappedIncrFile.WINDOW);
    }

    AppendOnlyFile(Server server, Executor loop, ChannelOpener opener, int windowSize) {
        this.server = server;
        this.loop = loop;
        this.opener = opener;
        this.windowSize = windowSize;
    }

    public Path directory() {
        return server.config().dir().resolve(server.config().appendDirname());
    }

    private String prefix() {
        return server.config().appendFilename();
    }

    public boolean enabled() {
        return enabled;
    }

    // ---- start-up -------------------------------------------------------------------------

    /**
     * After a load (or with nothing to load): appends go to the manifest's last incr file; a
     * legacy single file becomes the base of a new multi-part AOF; a missing AOF is created with
     * an empty base, as Redis 7 does on start.
     */
    public void openAfterLoad(AofStartup.Plan plan) throws IOException {
        Path dir = directory();
        Files.createDirectories(dir);
        AofManifest m = plan.manifest();
        if (plan.legacyFile() != null) {
            String baseName = AofManifest.baseName(prefix(), 1, false);
            Files.copy(plan.legacyFile(), dir.resolve(baseName));
            forceFile(dir.resolve(baseName));
            m = new AofManifest(new AofManifest.Entry(baseName, 1, AofManifest.Type.BASE), List.of(), List.of());
            LOG.infof("Creating AOF base file %s from the legacy AOF %s", baseName, plan.legacyFile());
        } else if (m == null) {
            String baseName = AofManifest.baseName(prefix(), 1, false);
            DurableFiles.createEmpty(dir.resolve(baseName));
            m = new AofManifest(new AofManifest.Entry(baseName, 1, AofManifest.Type.BASE), List.of(), List.of());
            LOG.infof("Creating AOF base file %s on server start", baseName);
        }
        if (m.lastIncr() == null) {
            AofManifest.Entry e = new AofManifest.Entry(AofManifest.incrName(prefix(), m.incrSeq() + 1), m.incrSeq() + 1,
                    AofManifest.Type.INCR);
            DurableFiles.createEmpty(dir.resolve(e.name()));
            m = new AofManifest(m.base(), m.history(), List.of(e));
            DurableFiles.replace(dir.resolve(AofManifest.manifestName(prefix())), m.format());
            LOG.infof("Creating AOF incr file %s on server start", e.name());
        }
        if (plan.legacyFile() != null) {
            // the old file goes only once the manifest that replaces it is durable
            Files.delete(plan.legacyFile());
            DurableFiles.syncDirectory(plan.legacyFile().toAbsolutePath().getParent());
        }
        manifest = m;
        FillerTail.trim(dir.resolve(m.lastIncr().name()));
        measure();
        rewriteBaseSize = baseSize + incrSizes;
        openIncr();
        enabled = true;
        server.addPropagationTarget(this);
    }

    private void measure() throws IOException {
        Path dir = directory();
        baseSize = manifest.base() == null ? 0 : Files.size(dir.resolve(manifest.base().name()));
        long sum = 0;
        for (AofManifest.Entry e : manifest.incrs()) {
            // the file appended to is longer than its data until it is closed
            sum += incr != null && e == manifest.lastIncr() ? incr.end() : Files.size(dir.resolve(e.name()));
        }
        incrSizes = sum;
    }

    private void openIncr() throws IOException {
        incr = openMapped(directory().resolve(manifest.lastIncr().name()));
        selectedDb = -1;
    }

    private MappedIncrFile openMapped(Path file) throws IOException {
        return new MappedIncrFile(opener.open(file), fsyncThread, () -> loop.execute(this::windowReady), windowSize);
    }

    /** A window was pre-sized (or failed to be): what waits for it goes now. */
    private void windowReady() {
        if (incr != null && !buffer.isEmpty()) {
            flush(false);
        }
    }

    private static void forceFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    // ---- appending ------------------------------------------------------------------------

    @Override
    public void propagate(int db, byte[][] argv) {
        if (incr == null) {
            return; // appendonly turned on, base not started yet: the rewrite's snapshot will hold this
        }
        int before = buffer.size();
        if (db != selectedDb) {
            buffer.command(new byte[][] {SELECT, Integer.toString(db).getBytes(StandardCharsets.US_ASCII)});
            selectedDb = db;
        }
        buffer.command(argv);
        appended += buffer.size() - before;
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(this::endOfTurn);
        }
    }

    /**
     * The position a reply written now must wait for, or -1 if it may go at once. Replies never
     * leave before the commands they acknowledge are written to the file (a crash of the process
     * loses nothing the page cache holds), and with appendfsync always not before they are
     * forced to disk either.
     */
    public long positionToSync() {
        if (!enabled) {
            return -1;
        }
        return appended > (always() ? synced : written) ? appended : -1;
    }

    private boolean always() {
        return "always".equals(server.config().appendFsync());
    }

    /**
     * Whether a reply waiting for {@code position} may go: on disk (always), written (otherwise),
     * or the file is closed. Under everysec a write postponed behind a slow fsync lets replies go,
     * as Redis does (that is the policy's up to 2 s of exposure).
     */
    public boolean durable(long position) {
        if (incr == null) {
            return true;
        }
        return always() ? position <= synced : position <= written || postponedSinceMs != 0 || writeError != null;
    }

    /** Runs {@code release} on the data thread once the reply waiting for {@code position} may go. */
    public void awaitSync(long position, Runnable release) {
        if (durable(position)) {
            release.run();
            return;
        }
        waiters.add(new Waiter(position, release));
    }

    private void releaseWaiters() {
        while (!waiters.isEmpty() && durable(waiters.peekFirst().position())) {
            waiters.pollFirst().release().run();
        }
    }

    /** Writes the buffer out now, whatever the policy (DEBUG LOADAOF reads the files next). */
    public void writeOut() {
        flush(true);
    }

    private void endOfTurn() {
        flushScheduled = false;
        flush(false);
    }

    /** Writes the buffer out and starts the fsync the policy asks for; {@code force}: never postpone. */
    private void flush(boolean force) {
        if (incr == null) {
            return;
        }
        String policy = server.config().appendFsync();
        long now = System.currentTimeMillis();
        if (!buffer.isEmpty()) {
            if ("everysec".equals(policy) && fsyncActive.get() && !force) {
                // the disk is slow: keep buffering rather than stall on a write behind the fsync
                if (postponedSinceMs == 0) {
                    postponedSinceMs = now;
                }
                if (now - postponedSinceMs < POSTPONE_LIMIT_MS) {
                    releaseWaiters();
                    return;
                }
                delayedFsyncs++;
                LOG.warn("Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer "
                        + "without waiting for fsync to complete, this may slow down Redis.");
            }
            postponedSinceMs = 0;
            if (!writeBuffer(force)) {
                releaseWaiters();
                return;
            }
        }
        if (written > synced) {
            if ("always".equals(policy)) {
                forceNow();
            } else if ("everysec".equals(policy) && now - lastFsyncStartMs >= 1000 && !fsyncActive.get()) {
                startFsync(now);
            }
        }
        releaseWaiters();
    }

    /**
     * appendfsync always, on the data thread: forces the incr file, which then holds everything
     * written: under always a rewrite switches files only once the old one is forced
     * ({@link #beginRewrite}), and a switch made under another policy is covered by the old file's
     * close. A failure ends the process as Redis does: the kernel may have dropped the pages
     * it could not write back, so a later fsync that succeeds would prove nothing, and the turn's
     * replies (held until now) must never go.
     */
    private void forceNow() {
        long target = written;
        try {
            previousClosed.join(); // normally long done: a no-op
            incr.channel().force(false);
        } catch (IOException e) {
            LOG.errorf("Can't persist AOF for fsync error when the AOF fsync policy is 'always': %s. Exiting...", message(e));
            server.lifecycle().halt(1);
            fsyncFailed(e); // only where halt returns (a test's harness)
            return;
        }
        synced = target;
        if (fsyncError != null) {
            fsyncError = null;
            errorStateChanged();
        }
    }

    /**
     * Copies the whole buffer into the mapped file (true), or none of it: while the window it
     * needs is being pre-sized ({@code wait}: wait for it instead), or when that pre-size failed
     * (the error is set; the cron retries).
     */
    private boolean writeBuffer(boolean wait) {
        ByteBuffer b = buffer.view();
        int n = b.remaining();
        try {
            if (!incr.append(b, wait, always())) {
                return false; // windowReady() goes on
            }
        } catch (IOException e) {
            writeFailed(e);
            return false;
        }
        buffer.clear();
        wrote(n);
        if (writeError != null) {
            writeError = null;
            LOG.warn("AOF write error looks solved, Redis can write again.");
            errorStateChanged();
        }
        return true;
    }

    private void wrote(long n) {
        written += n;
        incrSizes += n;
    }

    private void writeFailed(IOException e) {
        if (writeError == null) {
            LOG.errorf("Error writing to the AOF file: %s", message(e));
        }
        writeError = message(e);
        errorStateChanged();
        // what did not reach the file stays buffered; the next turn or the cron tries again
    }

    /**
     * A failed fsync leaves what the file holds unknown: replies waiting for it stay held (with
     * appendfsync always nothing is acknowledged), writes are refused, and the next fsync that
     * succeeds clears the error, as Redis' aof_bio_fsync_status does.
     */
    private void fsyncFailed(IOException e) {
        if (fsyncError == null) {
            LOG.errorf("Error syncing the AOF file: %s", message(e));
        }
        fsyncError = message(e);
        errorStateChanged();
    }

    private static String message(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Readiness (and with it the dispatcher's MISCONF refusal of writes) follows the error state. */
    private void errorStateChanged() {
        String error = writeError != null ? writeError : fsyncError;
        if (error == null || !enabled) {
            server.readiness().persistenceOk();
        } else {
            server.readiness().persistenceFailed(AOF_ERROR_PREFIX + error);
        }
    }

    private void startFsync(long now) {
        lastFsyncStartMs = now;
        if (fsyncActive.compareAndSet(false, true)) {
            MappedIncrFile file = incr;
            long target = written;
            fsyncThread.execute(() -> fsync(file, target));
        }
    }

    /** Fsync thread (everysec): forces {@code file}, which holds everything written up to {@code target}. */
    private void fsync(MappedIncrFile file, long target) {
        IOException failure = null;
        try {
            file.channel().force(false);
        } catch (IOException e) {
            failure = e;
        }
        fsyncActive.set(false);
        IOException f = failure;
        loop.execute(() -> fsyncDone(file, target, f));
    }

    private void fsyncDone(MappedIncrFile ch, long target, IOException failure) {
        if (failure != null) {
            if (ch == incr) {
                fsyncFailed(failure);
            }
        } else {
            if (target > synced) {
                synced = target;
            }
            if (fsyncError != null && ch == incr) {
                fsyncError = null;
                errorStateChanged();
            }
        }
        releaseWaiters();
        // an everysec force that came due meanwhile (or the policy is always now) starts here
        if (!waiters.isEmpty() || written > synced) {
            flush(false);
        }
    }

    /** The periodic tick: retries a postponed or failed write, and forces once a second under everysec. */
    public void cron() {
        rewriteCron();
        if (!enabled) {
            return;
        }
        flush(false);
        maybeAutoRewrite();
    }

    private void maybeAutoRewrite() {
        long percentage = server.config().autoAofRewritePercentage();
        long size = baseSize + incrSizes;
        if (percentage <= 0 || size < server.config().autoAofRewriteMinSize() || waitingForBase
                || rewriteScheduled || server.runningDump() != null) {
            return;
        }
        long base = rewriteBaseSize > 0 ? rewriteBaseSize : 1;
        long growth = size * 100 / base - 100;
        if (growth >= percentage) {
            LOG.infof("Starting automatic rewriting of AOF on %d%% growth", growth);
            startRewrite();
        }
    }

    // ---- rewrite, enable, disable ----------------------------------------------------------

    /** How a BGREWRITEAOF request went (its reply). */
    public enum RewriteStart { STARTED, SCHEDULED, ALREADY_RUNNING, FAILED }

    /** A rewrite in progress and the manifest it installs once its base is complete. */
    private record Rewrite(SnapshotDump dump, AofManifest next, boolean completesEnable, long startMs) {
    }

    /**
     * BGREWRITEAOF: starts a rewrite now, or schedules it while another background dump (BGSAVE)
     * runs or inside EXEC, as Redis does: EXEC propagates its effects only at its end, so a
     * snapshot taken midway would hold effects the new incr file then gets again.
     */
    public RewriteStart requestRewrite() {
        if (rewrite != null) {
            return RewriteStart.ALREADY_RUNNING;
        }
        boolean insideExec = server.collectingEffects();
        if (insideExec || server.runningDump() != null) {
            rewriteScheduled = true;
            return RewriteStart.SCHEDULED;
        }
        return startRewrite() ? RewriteStart.STARTED : RewriteStart.FAILED;
    }

    @Override
    public boolean rewriteInProgress() {
        return rewrite != null;
    }

    @Override
    public boolean lastRewriteOk() {
        return rewrites.lastOk();
    }

    public boolean rewriteScheduled() {
        return rewriteScheduled;
    }

    /** aof_current_rewrite_time_sec: -1 when none runs. */
    public long currentRewriteSeconds() {
        return rewrite == null ? -1 : (System.currentTimeMillis() - rewrite.startMs()) / 1000;
    }

    private boolean startRewrite() {
        rewriteScheduled = false;
        try {
            beginRewrite();
            return true;
        } catch (IOException | RuntimeException e) {
            rewrites.failed(0);
            LOG.errorf(e, "Can't rewrite append only file in background");
            return false;
        }
    }

    /**
     * Redis 7's multi-part rewrite without fork: in this one data-thread task, writes so far are
     * flushed to the current incr file, later ones go to a new incr file (named in the manifest
     * durably before anything lands there), and a {@link Snapshot} fixes the base's contents.
     * The base is then dumped in slices; its completion (writer thread) renames it into place
     * and installs the manifest of the new base and the new incr file, after which the files
     * before the rewrite are deleted. A crash at any point leaves a manifest whose files hold
     * every acknowledged write. While appendonly is being turned on, the new incr file is a
     * temp file named in no manifest until the base exists (Redis' AOF_WAIT_REWRITE).
     */
    private void beginRewrite() throws IOException {
        Path dir = directory();
        Files.createDirectories(dir);
        AofManifest old = manifest != null ? manifest : existingOrEmpty(dir);
        boolean completesEnable = enabled && waitingForBase;
        long startMs = System.currentTimeMillis();
        long t0 = System.nanoTime();
        AofManifest.Entry newIncr = null;
        Path tempIncr = dir.resolve("temp-" + prefix() + ".incr");
        if (enabled) {
            flush(true);
            if (always() && written > synced) {
                // the fsyncs after the switch force only the new file
                throw new IOException("the AOF file could not be forced: " + fsyncError);
            }
            newIncr = new AofManifest.Entry(AofManifest.incrName(prefix(), old.incrSeq() + 1), old.incrSeq() + 1,
                    AofManifest.Type.INCR);
            if (completesEnable) {
                Files.deleteIfExists(tempIncr);
                switchIncr(tempIncr);
            } else {
                DurableFiles.createEmpty(dir.resolve(newIncr.name()));
                manifest = old.withIncr(newIncr);
                DurableFiles.replace(dir.resolve(AofManifest.manifestName(prefix())), manifest.format());
                switchIncr(dir.resolve(newIncr.name()));
            }
        }
        long baseSeq = old.baseSeq() + 1;
        boolean rdb = server.config().aofUseRdbPreamble();
        AofManifest.Entry base = new AofManifest.Entry(AofManifest.baseName(prefix(), baseSeq, rdb), baseSeq,
                AofManifest.Type.BASE);
        AofManifest next = old.rewritten(base, newIncr);
        long t1 = System.nanoTime();
        Snapshot snap = Snapshot.take(server.keyspace(), startMs);
        long t2 = System.nanoTime();
        SnapshotDump.FormatFactory format = rdb ? server.rdb().rdbFormat(startMs, true) : sink -> {
            // opened on the data thread with the snapshot: the libraries of that moment come first
            DatasetWriter w = new DatasetWriter(sink);
            w.functions(server.functionLibraries().libraryCodes());
            return w;
        };
        AofManifest.Entry finalIncr = newIncr;
        SnapshotDump dump = SnapshotDump.start(server, SnapshotDump.Kind.AOF, snap,
                dir.resolve("temp-rewriteaof-bg-" + ProcessHandle.current().pid() + ".aof"), format,
                temp -> install(temp, base, completesEnable ? tempIncr : null, finalIncr, next));
        rewrite = new Rewrite(dump, next, completesEnable, startMs);
        rewrites.started();
        LOG.infof("Background append only file rewriting started (new incr file in %.1f ms, snapshot of %d keys taken in %.1f ms)",
                (t1 - t0) / 1e6, dump.keysTotal(), (t2 - t1) / 1e6);
    }

    /**
     * Writer thread, once the base file is complete and forced: the base (and a temp incr file)
     * get their names, the manifest naming them replaces the old one, then the old files go.
     */
    private void install(Path temp, AofManifest.Entry base, Path tempIncr, AofManifest.Entry incr, AofManifest next)
            throws IOException {
        Path dir = directory();
        DurableFiles.rename(temp, dir.resolve(base.name()));
        LOG.infof("Successfully renamed the temporary AOF base file %s into %s", temp.getFileName(), base.name());
        if (tempIncr != null) {
            DurableFiles.rename(tempIncr, dir.resolve(incr.name()));
        }
        Path manifestFile = dir.resolve(AofManifest.manifestName(prefix()));
        DurableFiles.replace(manifestFile, next.format());
        for (AofManifest.Entry h : next.history()) {
            LOG.infof("Removing the history file %s in the background", h.name());
            Files.deleteIfExists(dir.resolve(h.name()));
        }
        DurableFiles.replace(manifestFile, next.withoutHistory().format());
    }

    /** Cron: takes the outcome of a finished rewrite, and starts a scheduled one once no dump runs. */
    private void rewriteCron() {
        Rewrite r = rewrite;
        if (r != null && r.dump().finished()) {
            rewrite = null;
            lastCowSize = r.dump().cowPeak();
            long ms = System.currentTimeMillis() - r.startMs();
            try {
                r.dump().reap();
            } catch (Exception e) {
                rewrites.failed(ms);
                LOG.errorf("Background AOF rewrite failed: %s", e.getMessage());
                if (r.completesEnable() && waitingForBase) {
                    rewriteScheduled = true; // appendonly stays on, waiting for a base: try again
                }
                return;
            }
            manifest = r.next().withoutHistory();
            if (r.completesEnable()) {
                waitingForBase = false;
            }
            try {
                measure();
            } catch (IOException e) {
                LOG.warnf("Can't measure the AOF files: %s", e.getMessage());
            }
            rewriteBaseSize = baseSize + incrSizes;
            rewrites.succeeded(ms);
            LOG.info("Background AOF rewrite finished successfully");
        }
        if (rewriteScheduled && server.runningDump() == null) {
            startRewrite();
        }
    }

    /**
     * Appends go to {@code file} from now on; what went to the previous file is forced before later
     * fsyncs count: under always before the switch ({@link #beginRewrite}), else by the previous
     * file's close, which the fsync thread runs before any later fsync.
     */
    private void switchIncr(Path file) throws IOException {
        MappedIncrFile previous = incr;
        incr = openMapped(file);
        selectedDb = -1;
        if (previous != null) {
            previousClosed = previous.close();
        }
    }

    private AofManifest existingOrEmpty(Path dir) throws IOException {
        Path file = dir.resolve(AofManifest.manifestName(prefix()));
        if (Files.exists(file)) {
            try {
                return AofManifest.parse(Files.readString(file, StandardCharsets.ISO_8859_1), file.toString());
            } catch (AofException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        return new AofManifest(null, List.of(), List.of());
    }

    /**
     * CONFIG SET appendonly yes: appends start with the rewrite that makes the base (now, or once
     * a running dump ends); until then commands are not logged, since the snapshot will hold them.
     * False, with appendonly left off, when that rewrite cannot start (Redis' startAppendOnly error).
     */
    public boolean enable() {
        if (enabled) {
            return true;
        }
        enabled = true;
        waitingForBase = true;
        server.addPropagationTarget(this);
        if (rewrite != null || server.runningDump() != null) {
            rewriteScheduled = true;
            return true;
        }
        if (!startRewrite()) {
            LOG.warn("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. "
                    + "Check the above logs for more info about the error.");
            abandonEnable();
            return false;
        }
        return true;
    }

    /** The first base could not even start (e.g. the directory cannot be made): appendonly stays off. */
    private void abandonEnable() {
        server.removePropagationTarget(this);
        if (incr != null) {
            incr.close();
            incr = null;
        }
        buffer.clear();
        enabled = false;
        waitingForBase = false;
        rewriteScheduled = false;
    }

    /**
     * The appendonly parameter's listener (data thread): CONFIG SET appendonly yes that cannot start
     * the AOF fails with Redis' reason and leaves the parameter as it was.
     */
    public void applyAppendonly(String value) {
        if (!"yes".equals(value)) {
            disable();
        } else if (!enable()) {
            throw new ServerConfig.ApplyFailed("Unable to turn on AOF. Check server logs.");
        }
    }

    /** CONFIG SET appendonly no: what is buffered is written and forced, then the file is closed. */
    public void disable() {
        if (!enabled) {
            return;
        }
        server.removePropagationTarget(this);
        if (rewrite != null && rewrite.completesEnable()) {
            rewrite.dump().abort("AOF turned off while its first base was being written");
        }
        closeFile();
        enabled = false;
        waitingForBase = false;
        rewriteScheduled = false;
        errorStateChanged();
    }

    /** SHUTDOWN, SIGTERM: everything appended reaches the disk before the process exits. */
    public void shutdown() {
        if (rewrite != null) {
            rewrite.dump().abort("the server is shutting down");
        }
        if (enabled) {
            LOG.info("Calling fsync() on the AOF file.");
            closeFile();
            enabled = false;
        }
        fsyncThread.shutdown();
        try {
            fsyncThread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes and forces what is buffered and closes the file. Whatever could not be written is
     * dropped with it (as Redis frees its buffer when the AOF stops): the next base will hold it.
     */
    private void closeFile() {
        if (incr == null) {
            return;
        }
        writeBuffer(true);
        buffer.clear();
        try {
            incr.channel().force(false);
            synced = written;
        } catch (IOException e) {
            LOG.errorf("Error syncing the AOF file while closing it: %s", message(e));
        }
        incr.close();
        incr = null;
        writeError = null;
        fsyncError = null;
        while (!waiters.isEmpty()) {
            waiters.pollFirst().release().run();
        }
    }

    // ---- INFO -----------------------------------------------------------------------------

    public RewriteStats rewrites() {
        return rewrites;
    }

    /** aof_last_write_status: neither the last write nor the last fsync failed. */
    public boolean lastWriteOk() {
        return writeError == null && fsyncError == null;
    }

    /** aof_current_size: base plus incr files. */
    public long currentSize() {
        return baseSize + incrSizes;
    }

    public long baseSize() {
        return baseSize;
    }

    public long bufferLength() {
        return buffer.size();
    }

    public int pendingFsyncs() {
        return fsyncActive.get() ? 1 : 0;
    }

    /** aof_last_cow_size: the most memory the last rewrite's snapshot held beyond the live data. */
    public long lastCowSize() {
        return lastCowSize;
    }

    public long delayedFsyncs() {
        return delayedFsyncs;
    }

    /** Rewrite outcomes for INFO persistence. */
    public static final class RewriteStats {
        private long count;
        private long consecutiveFailures;
        private long lastSeconds = -1;
        private boolean lastOk = true;

        /** aof_rewrites counts rewrites started, as Redis counts forks. */
        void started() {
            count++;
        }

        void succeeded(long ms) {
            consecutiveFailures = 0;
            lastSeconds = ms / 1000;
            lastOk = true;
        }

        void failed(long ms) {
            consecutiveFailures++;
            lastSeconds = ms / 1000;
            lastOk = false;
        }

        public long count() {
            return count;
        }

        public long consecutiveFailures() {
            return consecutiveFailures;
        }

        public long lastSeconds() {
            return lastSeconds;
        }

        public boolean lastOk() {
            return lastOk;
        }
    }
}
