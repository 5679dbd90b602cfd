package kv.aof;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;

/**
 * An incr file appended through memory-mapped windows. The data thread copies each turn's bytes
 * into the current window ({@link #append}); the file thread (the AOF's fsync thread, one thread,
 * so its tasks run in order) pre-sizes the next window, unmaps retired ones and closes the file.
 * <ul>
 *   <li>A window is pre-sized by writing zeros over its whole range before it is mapped: the blocks
 *       are really allocated then, so a full disk is an IOException there (MISCONF, like a failed
 *       write) and never a SIGBUS while a command is copied in.</li>
 *   <li>The next window is asked for once the current one is half full, so a switch normally finds
 *       it ready; if not, the bytes wait in the AOF buffer until it is ({@code onWindowReady}).</li>
 *   <li>Windows are unmapped explicitly ({@link Unmapper}) on the file thread, after the data thread
 *       let go of them. Durability is the channel's {@code force}: on Linux fdatasync writes back the
 *       pages dirtied through any mapping of the file, as msync does (msync is fsync of a range there).</li>
 *   <li>{@link #close} truncates the file to the bytes appended. Until then the file ends with zeros,
 *       which start-up trims ({@link ZeroTail}) if the process died before closing it.</li>
 * </ul>
 */
final class MappedIncrFile {
    private static final Logger LOG = Logger.getLogger(MappedIncrFile.class);
    /**
     * Default window size. Small: the fsync after a pre-size also writes its zeros back (fdatasync
     * covers the whole file), which with appendfsync always is on a reply's path; 4 MB windows made
     * the first fsyncs take a second on a busy disk.
     */
    static final int WINDOW = 256 << 10;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(256 * 1024);

    private final FileChannel channel;
    private final Executor fileThread;
    private final Runnable onWindowReady;
    private final int windowSize;
    /** Data thread only. */
    private MappedByteBuffer window;
    private long windowEnd;
    private long end;
    private CompletableFuture<MappedByteBuffer> next;
    private long nextStart;

    /** Appends start at the end of {@code channel}'s file (opened for reading and writing). */
    MappedIncrFile(FileChannel channel, Executor fileThread, Runnable onWindowReady, int windowSize) throws IOException {
        this.channel = channel;
        this.fileThread = fileThread;
        this.onWindowReady = onWindowReady;
        this.windowSize = windowSize;
        this.end = channel.size();
        this.windowEnd = end;
        requestNext(windowSize); // the first window, ready before the first command most likely
    }

    /** Bytes in the file that were appended (or were there before): the size it gets on close. */
    long end() {
        return end;
    }

    FileChannel channel() {
        return channel;
    }

    /**
     * Copies {@code src} into the mapped windows, moving to the next window when one is full.
     * Without {@code wait}, stops (src keeping the rest) when the next window is not pre-sized yet;
     * with it, waits for that. Throws when pre-sizing failed; what was copied before stays
     * copied (src's position says how far).
     */
    void append(ByteBuffer src, boolean wait) throws IOException {
        while (src.hasRemaining()) {
            if (window == null || !window.hasRemaining()) {
                if (!advance(src.remaining(), wait)) {
                    return;
                }
                continue;
            }
            int n = Math.min(src.remaining(), window.remaining());
            window.put(window.position(), src, src.position(), n);
            window.position(window.position() + n);
            src.position(src.position() + n);
            end += n;
        }
        if (next == null && window != null && window.position() >= window.capacity() / 2) {
            requestNext(windowSize);
        }
    }

    /** Makes the next window current; false if it is not ready and {@code wait} is off. */
    private boolean advance(int needed, boolean wait) throws IOException {
        if (next == null) {
            requestNext(Math.max(windowSize, needed));
        }
        if (!wait && !next.isDone()) {
            return false;
        }
        MappedByteBuffer w;
        try {
            w = next.join();
        } catch (CompletionException e) {
            next = null;
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        retire(window);
        window = w;
        windowEnd = nextStart + w.capacity();
        next = null;
        return true;
    }

    private void requestNext(int size) {
        long start = windowEnd;
        nextStart = start;
        next = CompletableFuture.supplyAsync(() -> presize(start, size), fileThread);
        next.whenComplete((w, e) -> onWindowReady.run());
    }

    /** File thread: allocates [start, start + size) by writing zeros, then maps it. */
    private MappedByteBuffer presize(long start, int size) {
        try {
            ByteBuffer zeros = ZEROS.duplicate();
            long pos = start;
            long limit = start + size;
            while (pos < limit) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), limit - pos));
                while (zeros.hasRemaining()) {
                    pos += channel.write(zeros, pos);
                }
            }
            return channel.map(FileChannel.MapMode.READ_WRITE, start, size);
        } catch (IOException | UncheckedIOException e) {
            try {
                channel.truncate(start); // give back what the failed pre-size did allocate
            } catch (IOException t) {
                LOG.warnf("Could not cut a failed pre-size off the AOF file: %s", t.getMessage());
            }
            throw new CompletionException(e instanceof UncheckedIOException u ? u.getCause() : e);
        }
    }

    private void retire(MappedByteBuffer w) {
        if (w != null) {
            fileThread.execute(() -> Unmapper.unmap(w));
        }
    }

    /**
     * Data thread: no more appends. On the file thread, after every task queued before: the
     * windows are unmapped, the file is cut to the bytes appended and forced, and closed.
     */
    void close() {
        MappedByteBuffer current = window;
        CompletableFuture<MappedByteBuffer> pending = next;
        long size = end;
        window = null;
        next = null;
        fileThread.execute(() -> {
            if (current != null) {
                Unmapper.unmap(current);
            }
            if (pending != null && !pending.isCompletedExceptionally()) {
                Unmapper.unmap(pending.join()); // done: its pre-size ran before this task
            }
            try {
                channel.truncate(size);
                channel.force(true);
            } catch (IOException e) {
                LOG.errorf("Could not trim the AOF file to its %d bytes when closing it: %s", size, e.getMessage());
            }
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debugf("closing an AOF file: %s", e.getMessage());
            }
        });
    }
}
