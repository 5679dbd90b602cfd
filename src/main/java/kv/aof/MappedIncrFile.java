package kv.aof;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;

/**
 * An incr file appended through memory-mapped windows. The data thread copies each turn's bytes
 * into the current window ({@link #append}), or, when every turn is forced (appendfsync always),
 * writes them at the same place with one positional write: each fsync write-protects the pages it
 * cleans, so the next copy into the mapping takes a write fault (with page_mkwrite and the mtime
 * update), several times the cost of the write on this kind of VM. The file thread (the AOF's fsync thread, one thread,
 * so its tasks run in order) pre-sizes the next window, unmaps retired ones and closes the file.
 * <ul>
 *   <li>A window is pre-sized by writing filler over its whole range before it is mapped: the blocks
 *       are really allocated then, so a full disk is an IOException there (MISCONF, like a failed
 *       write) and never a SIGBUS while a command is copied in.</li>
 *   <li>The filler is {@code #} bytes with a newline at the window's end: lines redis-server's loader
 *       and redis-check-aof skip as annotations (however long: each piece it reads starts with
 *       {@code #}). Where the data ends, a {@code #} always follows (or the end of the file), so the
 *       file of a killed KV loads in redis-server as it is; KV's loader ends the data before the
 *       filler ({@link FillerTail}) and start-up trims it.</li>
 *   <li>A turn's bytes are copied whole or not at all (while the window they need is not pre-sized
 *       yet they wait in the AOF buffer, {@code onWindowReady} says when to retry), so the file
 *       never holds a cut command before filler unless the process dies during the copy itself.
 *       A turn too big for what is mapped skips to a window of its own; the rest of the window it
 *       leaves is filler, which loaders skip.</li>
 *   <li>The next window is asked for once the current one is half full. Windows are unmapped
 *       explicitly ({@link Mapping}) on the file thread, after the data thread let go of them.
 *       Durability is the channel's {@code force}: on Linux fdatasync writes back the pages dirtied
 *       through any mapping of the file, as msync does.</li>
 *   <li>{@link #close} truncates the file to its data.</li>
 * </ul>
 */
final class MappedIncrFile {
    private static final Logger LOG = Logger.getLogger(MappedIncrFile.class);
    /**
     * Default window size. Small: the fsync after a pre-size also writes its filler back (fdatasync
     * covers the whole file), which with appendfsync always is on a reply's path.
     */
    static final int WINDOW = 256 << 10;
    static final byte FILLER = '#';
    private static final int PAGE = 4096;
    private static final ByteBuffer FILL = filler(WINDOW);

    private final FileChannel channel;
    private final Executor fileThread;
    private final Runnable onWindowReady;
    private final int windowSize;
    /** Data thread only: the window appended to (null before the first) and where it starts in the file. */
    private Mapping window;
    private ByteBuffer bytes;
    private long windowStart;
    /** Where the data ends: a turn that skipped to a window of its own may not be copied yet. */
    private long dataEnd;
    /** The end of the last window pre-sized or being pre-sized: where the next one starts. */
    private long mappedEnd;
    private CompletableFuture<Mapping> next;

    /** Appends start at the end of {@code channel}'s file (opened for reading and writing). */
    MappedIncrFile(FileChannel channel, Executor fileThread, Runnable onWindowReady, int windowSize) throws IOException {
        this.channel = channel;
        this.fileThread = fileThread;
        this.onWindowReady = onWindowReady;
        this.windowSize = windowSize;
        this.windowStart = channel.size();
        this.mappedEnd = windowStart;
        this.dataEnd = windowStart;
        // the first window, ready before the first command most likely, and its filler forced with
        // it: else the first fsyncs, on the replies' path with appendfsync always, write it back
        requestNext(windowSize, true);
    }

    private static ByteBuffer filler(int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size - 1; i++) {
            b.put(i, FILLER);
        }
        b.put(size - 1, (byte) '\n');
        return b;
    }

    /** Where the data ends in the file: the size it gets on close. */
    long end() {
        return dataEnd;
    }

    FileChannel channel() {
        return channel;
    }

    /**
     * Copies all of {@code src} into the mapped windows and returns true, or copies nothing and
     * returns false when that needs a window not pre-sized yet ({@code wait}: waits for it instead).
     * Throws, copying nothing, when pre-sizing failed. {@code write}: through a positional write of
     * the file instead of the mapping; if that write fails it throws, nothing counted as appended
     * (a retry writes the same bytes at the same place).
     */
    boolean append(ByteBuffer src, boolean wait, boolean write) throws IOException {
        int n = src.remaining();
        if (n == 0) {
            return true;
        }
        while (true) {
            int room = bytes == null ? 0 : bytes.remaining();
            // ending on a window's last byte (its newline) needs the next window's filler behind it
            if (n == room || n < room - 1 || n == room - 1 && nextReady()) {
                place(src, n, write);
                break;
            }
            if (next == null) {
                requestNext(Math.max(windowSize, n + 2));
            }
            if (!wait && !next.isDone()) {
                return false;
            }
            Mapping following = take();
            if (n <= room) {
                place(src, n, write); // up to the window's last byte, with the next window's filler behind it now
                break;
            }
            if (n - room > following.buffer().capacity() - 2 && n - room != following.buffer().capacity()) {
                // too big for both: this window's rest stays filler, ended by a newline
                advance(following);
                if (room == 1) {
                    // its one byte left is the '#' after the data: the newline goes first in the next
                    if (write) {
                        writeByte(windowStart, (byte) '\n');
                    } else {
                        bytes.put(0, (byte) '\n');
                    }
                    bytes.position(1);
                }
                continue;
            }
            if (write) {
                // the next window follows this one in the file: one write covers both parts
                long end = windowStart + (bytes == null ? 0 : bytes.capacity()) + n - room;
                if (n - room == following.buffer().capacity() - 1) {
                    writeByte(end, FILLER);
                }
                writeAt(src, n, end - n);
            }
            int first = room;
            copy(src, first, !write);
            advance(following);
            copy(src, n - first, !write);
            break;
        }
        if (next == null && bytes.position() >= bytes.capacity() / 2) {
            requestNext(windowSize);
        }
        return true;
    }

    private boolean nextReady() {
        return next != null && next.isDone() && !next.isCompletedExceptionally();
    }

    /**
     * {@code n} bytes of {@code src} at the data end of the current window, by a write or a copy. A
     * write puts the '#' after the data first (see {@link #copy}): should the data's write fail,
     * that filler line merely runs on into the next window's.
     */
    private void place(ByteBuffer src, int n, boolean write) throws IOException {
        if (write) {
            int end = bytes.position() + n;
            if (end == bytes.capacity() - 1) {
                writeByte(windowStart + end, FILLER);
            }
            writeAt(src, n, windowStart + bytes.position());
        }
        copy(src, n, !write);
    }

    /** Writes {@code n} bytes of {@code src} at {@code at} in the file, leaving {@code src}'s position. */
    private void writeAt(ByteBuffer src, int n, long at) throws IOException {
        ByteBuffer part = src.slice(src.position(), n);
        while (part.hasRemaining()) {
            at += channel.write(part, at);
        }
    }

    /**
     * Moves the data end {@code n} bytes on, copying them from {@code src} first if {@code copy}
     * (else they were written already).
     */
    private void copy(ByteBuffer src, int n, boolean copy) {
        if (n == 0) {
            return;
        }
        if (copy) {
            bytes.put(bytes.position(), src, src.position(), n);
        }
        bytes.position(bytes.position() + n);
        src.position(src.position() + n);
        dataEnd = windowStart + bytes.position();
        // the window's last byte is its newline: where data ends there, a '#' starts the filler line
        // (known by position, not read: a read through the mapping faults the page in)
        if (copy && bytes.position() == bytes.capacity() - 1) {
            bytes.put(bytes.position(), FILLER);
        }
    }

    private void writeByte(long at, byte b) throws IOException {
        ByteBuffer one = ByteBuffer.wrap(new byte[] {b});
        while (one.hasRemaining()) {
            channel.write(one, at);
        }
    }

    /** The pre-sized next window (waiting for it), or its pre-size's failure. */
    private Mapping take() throws IOException {
        try {
            return next.join();
        } catch (CompletionException e) {
            mappedEnd = windowStart + (bytes == null ? 0 : bytes.capacity());
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            if (next.isCompletedExceptionally()) {
                next = null;
            }
        }
    }

    private void advance(Mapping following) {
        long start = windowStart + (bytes == null ? 0 : bytes.capacity());
        retire(window);
        window = following;
        bytes = following.buffer();
        windowStart = start;
        next = null;
    }

    private void requestNext(int size) {
        requestNext(size, false);
    }

    private void requestNext(int size, boolean force) {
        long start = mappedEnd;
        mappedEnd = start + size;
        next = CompletableFuture.supplyAsync(() -> presize(start, size, force), fileThread);
        next.whenComplete((w, e) -> onWindowReady.run());
    }

    /** File thread: allocates [start, start + size) by writing filler ({@code force}: durably), then maps it. */
    private Mapping presize(long start, int size, boolean force) {
        try {
            ByteBuffer fill = size == FILL.capacity() ? FILL.duplicate() : filler(size);
            long pos = start;
            // a page per write: one big write gets a large folio in the page cache (ext4, Linux 6.16+),
            // and then every fsync writes the whole folio back for the page a command dirtied
            for (int off = 0; off < size; off += PAGE) {
                fill.limit(Math.min(size, off + PAGE)).position(off);
                while (fill.hasRemaining()) {
                    pos += channel.write(fill, pos);
                }
            }
            if (force) {
                channel.force(false);
            }
            return Mapping.map(channel, start, size);
        } catch (IOException | UncheckedIOException e) {
            try {
                channel.truncate(start); // give back what the failed pre-size did allocate
            } catch (IOException t) {
                LOG.warnf("Could not cut a failed pre-size off the AOF file: %s", t.getMessage());
            }
            throw new CompletionException(e instanceof UncheckedIOException u ? u.getCause() : e);
        }
    }

    private void retire(Mapping w) {
        if (w != null) {
            fileThread.execute(w::unmap);
        }
    }

    /**
     * Data thread: no more appends. On the file thread, after every task queued before: the
     * windows are unmapped, the file is cut to its data and forced, and closed; the future
     * completes then.
     */
    CompletableFuture<Void> close() {
        Mapping current = window;
        CompletableFuture<Mapping> pending = next;
        long size = end();
        window = null;
        bytes = null;
        next = null;
        return CompletableFuture.runAsync(() -> {
            if (current != null) {
                current.unmap();
            }
            if (pending != null && !pending.isCompletedExceptionally()) {
                pending.join().unmap(); // done: its pre-size ran before this task
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
        }, fileThread);
    }
}
