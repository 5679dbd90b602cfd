package kv.repl;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import kv.engine.ReplicationLog;
import kv.engine.Server;
import kv.engine.SnapshotDump;
import kv.rdb.Snapshot;

/**
 * One full synchronisation: a point-in-time {@link Snapshot} (no fork, no stall) serialised as an
 * RDB for the replicas that asked for it. Diskless: the RDB is produced in slices on the data
 * thread straight into the replicas' sockets, framed by {@code $EOF:<40 chars>} and the same 40
 * chars, and production pauses while any socket's queue is full, so the RDB is never whole in
 * memory. Disk-backed: a background dump into a temporary file (like BGSAVE, one dump at a time),
 * then {@code $<length>} and the file, zero-copy. The stream from the snapshot's offset on is held
 * by each replica's {@link ReplicaLink} until its RDB has gone out.
 */
final class FullSync {
    private static final Logger LOG = Logger.getLogger(FullSync.class);
    /** Time a diskless slice may hold the data thread. */
    private static final long SLICE_NANOS = 1_000_000;
    private static final char[] MARK_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static int fileCounter;

    private final MasterSide master;
    private final Server server;
    private final Executor loop;
    final boolean diskless;
    private final List<ReplicaLink> links;
    private final long startMs = System.currentTimeMillis();
    // diskless
    private Snapshot snap;
    private SnapshotDump.Format format;
    private byte[] mark;
    private boolean waitingForDrain;
    /** Counts drain waits, so a wait on a replica that left is ignored once another takes over. */
    private int drainGeneration;
    // disk-backed
    private SnapshotDump dump;
    private Path file;
    private int transfers;
    private boolean finished;

    private FullSync(MasterSide master, Server server, Executor loop, boolean diskless, List<ReplicaLink> links) {
        this.master = master;
        this.server = server;
        this.loop = loop;
        this.diskless = diskless;
        this.links = new ArrayList<>(links);
    }

    /**
     * Takes the snapshot now and tells each replica where it starts (+FULLRESYNC replid offset); the
     * stream from this offset on is held for them. Null if the dump could not start (links closed).
     */
    static FullSync start(MasterSide master, Server server, Executor loop, boolean diskless, List<ReplicaLink> links) {
        FullSync sync = new FullSync(master, server, loop, diskless, links);
        // what was streamed before the snapshot belongs to the others only
        master.flushStream();
        try {
            sync.takeSnapshot();
        } catch (IOException | RuntimeException e) {
            LOG.warnf("BGSAVE for replication failed: %s", e.getMessage());
            for (ReplicaLink l : sync.links) {
                l.client.transport().closeAfterReply();
            }
            return null;
        }
        ReplicationLog log = server.replication();
        String resync = "+FULLRESYNC " + log.replid() + " " + log.offset() + "\r\n";
        // the next effect starts with SELECT: the replica loads the RDB with no db selected
        log.forgetSelectedDb();
        for (ReplicaLink l : sync.links) {
            StringBuilder head = new StringBuilder();
            if (!l.prePsync) {
                head.append(resync);
            }
            if (diskless) {
                head.append("$EOF:").append(new String(sync.mark, StandardCharsets.US_ASCII)).append("\r\n");
            }
            if (head.length() > 0) {
                l.channel.send(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII));
            }
            l.state = ReplicaLink.State.WAIT_BGSAVE_END;
        }
        LOG.infof("Starting BGSAVE for SYNC with target: %s (%d replicas)", diskless ? "replicas sockets" : "disk",
                sync.links.size());
        if (diskless) {
            // from the next task: the caller records this sync as running before it can end
            loop.execute(sync::slice);
        }
        return sync;
    }

    /** The snapshot and the RDB header (its aux fields carry the replication id and this offset). */
    private void takeSnapshot() throws IOException {
        long now = System.currentTimeMillis();
        Snapshot s = Snapshot.take(server.keyspace(), now);
        if (diskless) {
            mark = randomMark();
            snap = s;
            format = server.rdb().rdbFormat(now, false).open(new Fanout());
        } else {
            file = server.config().dir().resolve("temp-repl-" + ProcessHandle.current().pid() + "-" + (++fileCounter) + ".rdb");
            dump = SnapshotDump.start(server, SnapshotDump.Kind.RDB, s, file, server.rdb().rdbFormat(now, false), temp -> { });
        }
    }

    private static byte[] randomMark() {
        SecureRandom random = new SecureRandom();
        byte[] m = new byte[40];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) MARK_CHARS[random.nextInt(MARK_CHARS.length)];
        }
        return m;
    }

    boolean involves(ReplicaLink link) {
        return links.contains(link);
    }

    long startMs() {
        return startMs;
    }

    /** A replica went away: the others go on; with none left the sync stops. */
    void remove(ReplicaLink link) {
        links.remove(link);
        if (links.isEmpty() && !finished) {
            abort("no replica left");
        } else if (waitingForDrain) {
            // it may have been the socket the producer waited for
            waitingForDrain = false;
            drainGeneration++;
            loop.execute(this::slice);
        }
    }

    private void abort(String why) {
        finished = true;
        if (snap != null) {
            snap.close();
        }
        if (dump != null) {
            dump.abort(why);
            reapAborted();
        }
        master.syncEnded(this);
    }

    /**
     * An aborted dump holds the server's one dump slot (BGSAVE, AOF rewrite, the next disk-backed
     * sync) until it is reaped, and one already writing out leaves its file: nobody polls this sync
     * any more, so it reaps itself once the writer is done.
     */
    private void reapAborted() {
        if (!dump.finished()) {
            server.lifecycle().schedule(10, this::reapAborted);
            return;
        }
        try {
            dump.reap();
        } catch (Exception e) {
            LOG.debugf("aborted replication dump ended: %s", e.getMessage());
        }
        deleteFile();
    }

    // ---- diskless ----

    /** Produces RDB bytes for about a millisecond, unless a replica's socket is full (then waits for it to drain). */
    private void slice() {
        if (finished) {
            return;
        }
        for (ReplicaLink l : links) {
            if (l.channel.writeQueueFull()) {
                if (!waitingForDrain) {
                    waitingForDrain = true;
                    int generation = ++drainGeneration;
                    l.channel.whenWritable(() -> {
                        if (generation == drainGeneration) {
                            waitingForDrain = false;
                            slice();
                        }
                    });
                }
                return;
            }
        }
        try {
            if (snap.advance(format, System.nanoTime() + SLICE_NANOS)) {
                format.end();
                sendAll(links, Unpooled.wrappedBuffer(mark));
                finished = true;
                for (ReplicaLink l : new ArrayList<>(links)) {
                    transferred(l, true);
                }
                LOG.infof("Diskless sync of %d replicas done in %d ms", links.size(), System.currentTimeMillis() - startMs);
                master.syncEnded(this);
                return;
            }
            format.flush();
        } catch (Exception e) {
            LOG.warnf("Diskless sync failed: %s", e.getMessage());
            for (ReplicaLink l : new ArrayList<>(links)) {
                l.client.transport().closeAfterReply();
            }
            abort(e.getMessage());
            return;
        }
        loop.execute(this::slice);
    }

    /** The RDB bytes of a slice, copied once and shared by every replica's socket. */
    private final class Fanout extends OutputStream {
        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len > 0) {
                sendAll(links, Unpooled.copiedBuffer(b, off, len));
            }
        }
    }

    private static void sendAll(List<ReplicaLink> to, ByteBuf bytes) {
        for (ReplicaLink l : to) {
            l.channel.send(bytes.retainedDuplicate());
        }
        bytes.release();
    }

    // ---- disk-backed ----

    /** Cron: once the file is complete, sends it to every replica of this sync. */
    void poll() {
        if (dump == null || finished || !dump.finished()) {
            return;
        }
        finished = true;
        long length;
        try {
            dump.reap();
            length = Files.size(file);
        } catch (Exception e) {
            LOG.warnf("BGSAVE for replication failed: %s", e.getMessage());
            for (ReplicaLink l : new ArrayList<>(links)) {
                l.client.transport().closeAfterReply();
            }
            deleteFile();
            master.syncEnded(this);
            return;
        }
        LOG.infof("Background RDB transfer started (%d bytes to %d replicas)", length, links.size());
        transfers = links.size();
        for (ReplicaLink l : new ArrayList<>(links)) {
            l.state = ReplicaLink.State.SEND_BULK;
            l.channel.send(Unpooled.copiedBuffer("$" + length + "\r\n", StandardCharsets.US_ASCII));
            l.channel.sendFile(file, length, ok -> {
                transferred(l, ok);
                if (--transfers == 0) {
                    deleteFile();
                }
            });
        }
        master.syncEnded(this);
    }

    private void deleteFile() {
        Path f = file;
        // off the data thread: a delete is disk I/O
        ForkJoinPool.commonPool().execute(() -> {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warnf("could not delete %s: %s", f, e.getMessage());
            }
        });
    }

    /** The RDB reached the replica's socket: it is online (diskless: its stream starts with its first ACK). */
    private void transferred(ReplicaLink l, boolean ok) {
        if (!ok) {
            l.client.transport().closeAfterReply();
            return;
        }
        master.online(l, diskless);
    }
}
