package kv.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import kv.rdb.Snapshot;

/**
 * A {@link Snapshot} serialised into a file without blocking the data thread: BGSAVE's RDB and
 * the AOF rewrite's base. The data thread encodes entries in slices of at most {@link #SLICE_NANOS},
 * one slice per timer turn; each slice's bytes are copied to a writer thread that writes, fsyncs,
 * closes and then runs the owner's {@link Completion} (rename, manifest...). Like Redis' single
 * child process, one dump runs at a time per server ({@link Server#runningDump}); the owner reaps
 * it from its cron once {@link #finished}.
 */
public final class SnapshotDump {
    /** Time a slice may hold the data thread. */
    static final long SLICE_NANOS = 1_000_000;

    /** What the dump produces (Redis' child types). */
    public enum Kind { RDB, AOF }

    /** The encoding of a dump: visits the entries into its own buffer, which it hands to the sink on flush. */
    public interface Format extends Snapshot.Visitor {
        /** Hands buffered bytes to the sink (end of a slice). */
        void flush() throws IOException;

        /** Writes the trailer and hands everything to the sink. */
        void end() throws IOException;
    }

    /** Opens the format on the file's sink (writing its header). */
    public interface FormatFactory {
        Format open(OutputStream sink) throws IOException;
    }

    /** Runs on the writer thread once the temp file is complete, forced and closed. */
    public interface Completion {
        void run(Path written) throws Exception;
    }

    private final Server server;
    private final Kind kind;
    private final long startMs = System.currentTimeMillis();
    private final Snapshot snap;
    private final WriterThread file;
    private final Format format;
    private final Completion completion;
    private final long total;
    private long processed;
    private Future<?> done;

    private SnapshotDump(Server server, Kind kind, Snapshot snap, Path temp, FormatFactory factory, Completion completion)
            throws IOException {
        this.server = server;
        this.kind = kind;
        this.snap = snap;
        this.completion = completion;
        this.total = snap.keyCount();
        WriterThread w;
        try {
            w = new WriterThread(temp, kind);
        } catch (IOException | RuntimeException e) {
            snap.close(); // an open snapshot would copy every later write for a dump that never runs
            throw e;
        }
        this.file = w;
        Format f;
        try {
            f = factory.open(file);
        } catch (IOException | RuntimeException e) {
            snap.close();
            file.abort(e);
            throw e;
        }
        this.format = f;
    }

    /**
     * Starts dumping {@code snap} (taken by the caller at the point the dump must reflect) into
     * {@code temp}; the first slice runs now. Fails if the file cannot be created; the snapshot
     * is closed then.
     */
    public static SnapshotDump start(Server server, Kind kind, Snapshot snap, Path temp, FormatFactory factory,
            Completion completion) throws IOException {
        if (server.runningDump() != null) {
            snap.close();
            throw new IllegalStateException("a " + server.runningDump().kind + " dump is already running");
        }
        SnapshotDump d = new SnapshotDump(server, kind, snap, temp, factory, completion);
        server.runningDump(d);
        d.slice();
        return d;
    }

    public Kind kind() {
        return kind;
    }

    public long startMs() {
        return startMs;
    }

    public long keysTotal() {
        return total;
    }

    public long keysProcessed() {
        return processed;
    }

    /** current_cow_size: what the snapshot costs beyond the live data now ({@link Snapshot#extraBytes}). */
    public long cowBytes() {
        return snap.extraBytes();
    }

    /** current_cow_peak, and the *_last_cow_size a finished dump leaves. */
    public long cowPeak() {
        return snap.peakExtraBytes();
    }

    private void slice() {
        if (done != null) {
            return; // aborted meanwhile
        }
        try {
            if (snap.advance(counting(), System.nanoTime() + SLICE_NANOS)) {
                format.end();
                done = file.finish(completion);
                return;
            }
            format.flush();
        } catch (Exception e) {
            snap.close();
            done = file.abort(e);
            return;
        }
        server.lifecycle().schedule(0, this::slice);
    }

    private Snapshot.Visitor counting() {
        return new Snapshot.Visitor() {
            @Override
            public void database(int db, long size, long expiring) throws Exception {
                format.database(db, size, expiring);
            }

            @Override
            public void entry(int db, byte[] key, Object value, long expireAtMs) throws Exception {
                format.entry(db, key, value, expireAtMs);
                processed++;
            }
        };
    }

    /** Stops a dump still slicing (its temp file is deleted); one already writing out completes. */
    public void abort(String why) {
        if (done == null) {
            snap.close();
            done = file.abort(new IOException(why));
        }
    }

    /** True once the writer thread has completed or failed; then {@link #reap} gives the outcome. */
    public boolean finished() {
        return done != null && done.isDone();
    }

    /** The outcome of a finished dump (its failure rethrown); frees the server for the next dump. */
    public void reap() throws Exception {
        if (server.runningDump() == this) {
            server.runningDump(null);
        }
        try {
            done.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    /**
     * The file side: chunks are copied on the data thread and written, fsynced and closed by one
     * writer thread, so the loop never waits for the disk.
     */
    private static final class WriterThread extends OutputStream {
        private final ExecutorService thread;
        private final Path temp;
        private final FileChannel channel;
        /** The first failed chunk write (writer thread only): the dump fails at its end. */
        private IOException failure;

        WriterThread(Path temp, Kind kind) throws IOException {
            this.temp = temp;
            this.channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            String name = kind == Kind.RDB ? "kv-rdb-writer" : "kv-aof-rewriter";
            this.thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ByteBuffer chunk = ByteBuffer.wrap(Arrays.copyOfRange(b, off, off + len));
            thread.execute(() -> {
                try {
                    while (failure == null && chunk.hasRemaining()) {
                        channel.write(chunk);
                    }
                } catch (IOException e) {
                    failure = e;
                }
            });
        }

        /** Runs after every chunk (one thread), so a failed chunk fails the dump. */
        Future<?> finish(Completion completion) {
            Future<?> f = thread.submit(() -> {
                if (failure != null) {
                    channel.close();
                    Files.deleteIfExists(temp);
                    throw failure;
                }
                channel.force(true);
                channel.close();
                completion.run(temp);
                return null;
            });
            thread.shutdown();
            return f;
        }

        Future<?> abort(Exception cause) {
            Future<?> f = thread.submit(() -> {
                channel.close();
                Files.deleteIfExists(temp);
                throw cause;
            });
            thread.shutdown();
            return f;
        }
    }
}
