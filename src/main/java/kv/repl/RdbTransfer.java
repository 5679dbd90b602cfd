package kv.repl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Context;
import kv.config.ServerConfig;
import kv.engine.RdbPersistence;
import kv.rdb.LoadedDataset;
import kv.rdb.RdbException;

/**
 * The RDB of a full sync, from the bytes after the {@code $<len>} or {@code $EOF:<mark>} line to
 * a {@link LoadedDataset}. The data thread hands the payload over in chunks ({@link #feed}); a
 * loader thread writes them to a temp file and loads that once complete (repl-diskless-load
 * disabled) or parses them as they come (diskless). Nothing reaches the keyspace here: the owner
 * installs the finished dataset, so a failed transfer leaves the old data as it was.
 */
final class RdbTransfer {
    /** Mark length of the EOF framing (the master's random 40 bytes after the RDB). */
    static final int EOF_MARK_LENGTH = 40;
    /** Queued bytes at which the socket is paused, and the level at which it resumes. */
    private static final long HIGH_WATER = 32L << 20;
    private static final long LOW_WATER = 8L << 20;
    private static final byte[] END = new byte[0];
    private static final byte[] ABORT = new byte[0];

    /** What the transfer tells its link, always on the data thread. */
    interface Owner {
        void pauseInput();

        void resumeInput();

        /** Every payload byte has arrived (a disk-based load starts now). */
        void transferComplete();

        void loaded(LoadedDataset data);

        void loadFailed(String reason);
    }

    private final Owner owner;
    private final Context context;
    private final long size;
    private final byte[] eofMark;
    private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private volatile boolean inputPaused;
    private long received;
    /** EOF framing: the last bytes seen, held back until it is clear they are not the mark. */
    private byte[] tail = new byte[0];
    private boolean complete;
    private final Thread loader;

    /**
     * @param size the payload length, or -1 with {@code eofMark} (diskless master)
     * @param tempFile where a disk-based load writes the payload, or null to parse from the socket
     */
    RdbTransfer(Owner owner, Context context, ServerConfig config, long size, byte[] eofMark, Path tempFile) {
        this.owner = owner;
        this.context = context;
        this.size = size;
        this.eofMark = eofMark;
        this.loader = new Thread(() -> load(config, tempFile), "kv-repl-load");
        loader.setDaemon(true);
        loader.start();
    }

    /** Bytes of the payload received so far (INFO master_sync_read_bytes). */
    long received() {
        return received;
    }

    /** The announced size, -1 with the EOF framing (INFO master_sync_total_bytes). */
    long size() {
        return size;
    }

    boolean complete() {
        return complete;
    }

    /**
     * Takes payload bytes from {@code buf}; returns how many were payload (with {@code $<len>}
     * what follows is the replication stream already).
     */
    int feed(byte[] buf, int off, int len) {
        if (complete) {
            return 0;
        }
        if (size >= 0) {
            int take = (int) Math.min(len, size - received);
            enqueue(Arrays.copyOfRange(buf, off, off + take));
            received += take;
            if (received == size) {
                finish();
            }
            return take;
        }
        byte[] all = new byte[tail.length + len];
        System.arraycopy(tail, 0, all, 0, tail.length);
        System.arraycopy(buf, off, all, tail.length, len);
        if (all.length >= EOF_MARK_LENGTH && Arrays.equals(all, all.length - EOF_MARK_LENGTH, all.length,
                eofMark, 0, EOF_MARK_LENGTH)) {
            int payload = all.length - EOF_MARK_LENGTH;
            enqueue(Arrays.copyOf(all, payload));
            received += payload;
            tail = new byte[0];
            finish();
            return len;
        }
        // the mark may be cut across reads: keep the last 40 bytes back
        int keep = Math.min(EOF_MARK_LENGTH, all.length);
        int payload = all.length - keep;
        if (payload > 0) {
            enqueue(Arrays.copyOf(all, payload));
            received += payload;
        }
        tail = Arrays.copyOfRange(all, payload, all.length);
        return len;
    }

    private void finish() {
        complete = true;
        queue.add(END);
        owner.transferComplete();
    }

    private void enqueue(byte[] chunk) {
        if (chunk.length == 0) {
            return;
        }
        queue.add(chunk);
        if (queued.addAndGet(chunk.length) > HIGH_WATER && !inputPaused) {
            inputPaused = true;
            owner.pauseInput();
        }
    }

    /** The link was lost or replaced: the loader stops and its temp file goes. */
    void abort() {
        queue.add(ABORT);
    }

    private byte[] take() throws IOException {
        byte[] chunk;
        try {
            chunk = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (chunk == ABORT) {
            throw new IOException("transfer aborted");
        }
        if (queued.addAndGet(-chunk.length) < LOW_WATER && inputPaused) {
            inputPaused = false;
            context.runOnContext(v -> owner.resumeInput());
        }
        return chunk;
    }

    private void load(ServerConfig config, Path tempFile) {
        try {
            LoadedDataset data;
            if (tempFile != null) {
                try (OutputStream out = Files.newOutputStream(tempFile)) {
                    for (byte[] chunk = take(); chunk != END; chunk = take()) {
                        out.write(chunk);
                    }
                }
                // as Redis does, the master's RDB becomes this server's dump file
                Path target = config.dir().resolve(config.dbFilename());
                Files.move(tempFile, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                try (InputStream in = Files.newInputStream(target)) {
                    data = loadFrom(config, in);
                }
            } else {
                data = loadFrom(config, new QueueStream());
            }
            LoadedDataset done = data;
            context.runOnContext(v -> owner.loaded(done));
        } catch (IOException | RdbException | RuntimeException e) {
            String reason = e.getMessage();
            context.runOnContext(v -> owner.loadFailed(reason));
        } finally {
            if (tempFile != null) {
                try {
                    Files.deleteIfExists(tempFile);
                } catch (IOException e) {
                    // nothing more to do about a temp file that cannot be removed
                }
            }
        }
    }

    private static LoadedDataset loadFrom(ServerConfig config, InputStream in) throws IOException, RdbException {
        // a replica keeps keys past their TTL: the master's DELs for them are in the stream
        return RdbPersistence.loader(config, System.currentTimeMillis()).keepExpired().load(in);
    }

    /** The queued chunks as a stream, for the diskless load. */
    private final class QueueStream extends InputStream {
        private byte[] chunk = new byte[0];
        private int pos;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pos == chunk.length) {
                if (ended) {
                    return -1;
                }
                byte[] next = take();
                if (next == END) {
                    ended = true;
                    return -1;
                }
                chunk = next;
                pos = 0;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
