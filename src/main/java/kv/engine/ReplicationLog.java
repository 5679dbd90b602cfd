package kv.engine;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntSupplier;

import kv.protocol.RespEncoder;

/**
 * The replication stream's identity and position (Redis' replid, replid2, master_repl_offset,
 * second_repl_offset) and its backlog. As a master the server's propagated effects are encoded
 * here in RESP (SELECT when the db changes) and handed to every {@link StreamListener} (the
 * replicas); as a replica the master's stream is fed in unchanged ({@link #feedRaw}), so a
 * replica's offset and backlog match its master's byte for byte (what PSYNC2 relies on after a
 * failover). Data thread only; the ids are volatile for the metrics thread.
 */
public final class ReplicationLog implements Propagator {
    public static final String NO_ID = "0000000000000000000000000000000000000000";
    private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);

    /** Receives every byte appended to the stream, in order. */
    @FunctionalInterface
    public interface StreamListener {
        void streamed(byte[] bytes, int offset, int length);
    }

    private volatile String replid = randomId();
    private volatile String replid2 = NO_ID;
    private long offset;
    private long secondOffset = -1;
    private ReplicationBacklog backlog;
    private int selectedDb = -1;
    /** While the server replicates a master, its own effects are not streamed (the master's are). */
    private boolean proxying;
    /** Replicas online that acknowledged within min-replicas-max-lag (Redis' repl_good_slaves_count). */
    private int goodReplicas;
    private final RespEncoder encoder = new RespEncoder(256);
    private final List<StreamListener> listeners = new ArrayList<>();
    /** On a replica: the db its master's stream has selected, as applied here (set by the replica side). */
    private IntSupplier masterStreamDb = () -> 0;

    /** 40 random hex digits, like Redis' run and replication ids. */
    public static String randomId() {
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    public String replid() { return replid; }
    public String replid2() { return replid2; }
    /** master_repl_offset: bytes streamed so far. */
    public long offset() { return offset; }
    /** second_repl_offset: up to where replid2 is valid, -1 without one. */
    public long secondOffset() { return secondOffset; }
    /** Null until a replica first needs one (repl_backlog_active:0). */
    public ReplicationBacklog backlog() { return backlog; }
    /** What the backlog's ring holds allocated (INFO mem_replication_backlog); 0 without one. */
    public long backlogBytes() { return backlog == null ? 0 : backlog.allocated(); }

    /** The replica side tells where its master's stream stands (the RDB records it as repl-stream-db). */
    public void masterStreamDb(IntSupplier db) {
        masterStreamDb = db;
    }

    /**
     * repl-stream-db as Redis' rdbPopulateSaveInfo gives it: a replica's master client db, a
     * master's last SELECT in the stream (0 before any).
     */
    public int streamDb() {
        return proxying ? masterStreamDb.getAsInt() : Math.max(0, selectedDb);
    }

    public int goodReplicas() {
        return goodReplicas;
    }

    /** Set by the master side each second and whenever a replica comes or goes. */
    public void goodReplicas(int count) {
        goodReplicas = count;
    }

    public void addListener(StreamListener l) {
        listeners.add(l);
    }

    public void removeListener(StreamListener l) {
        listeners.remove(l);
    }

    /** Creates the backlog if there is none; its first byte will be the next one streamed. */
    public void createBacklog(int size) {
        if (backlog == null) {
            backlog = new ReplicationBacklog(size, offset + 1);
        }
    }

    /** repl-backlog-ttl expired: no backlog any more (a reconnecting replica needs a full sync). */
    public void freeBacklog() {
        backlog = null;
    }

    /** Streaming effects needs a backlog or a listener; without either nothing is counted, as in Redis. */
    private boolean streaming() {
        return backlog != null || !listeners.isEmpty();
    }

    @Override
    public void propagate(int db, byte[][] argv) {
        if (proxying || !streaming()) {
            return;
        }
        encoder.clear();
        if (db != selectedDb) {
            encoder.command(new byte[][] {SELECT, Integer.toString(db).getBytes(StandardCharsets.US_ASCII)});
            selectedDb = db;
        }
        encoder.command(argv);
        java.nio.ByteBuffer view = encoder.view();
        append(view.array(), 0, view.limit());
    }

    /** Appends bytes that are already RESP (a master's stream on a replica, or a PING to replicas). */
    public void feedRaw(byte[] bytes, int off, int len) {
        append(bytes, off, len);
    }

    private void append(byte[] bytes, int off, int len) {
        offset += len;
        if (backlog != null) {
            backlog.append(bytes, off, len);
        }
        for (int i = 0; i < listeners.size(); i++) {
            listeners.get(i).streamed(bytes, off, len);
        }
    }

    /** The next effect streamed starts with SELECT (a replica that starts from a snapshot has no db selected). */
    public void forgetSelectedDb() {
        selectedDb = -1;
    }

    /** Whether a replica's own effects stay out of the stream because it relays its master's. */
    public void proxying(boolean on) {
        proxying = on;
        selectedDb = -1;
    }

    public boolean proxying() {
        return proxying;
    }

    /**
     * Whether PSYNC {@code id} {@code psyncOffset} can continue from the backlog: the id is ours, or
     * our previous one and the offset is not past where it ended, and the backlog still holds every
     * byte from there (psyncOffset is the first byte the replica lacks).
     */
    public boolean canContinue(String id, long psyncOffset) {
        boolean known = id.equalsIgnoreCase(replid)
                || (id.equalsIgnoreCase(replid2) && psyncOffset <= secondOffset);
        return known && backlog != null && backlog.holdsFrom(psyncOffset);
    }

    /** The stream from {@code psyncOffset} to now, for a continuing replica; see {@link #canContinue}. */
    public byte[] streamFrom(long psyncOffset) {
        return backlog.copyFrom(psyncOffset);
    }

    /**
     * A replica promoted (or whose master changed its id): the current id becomes the secondary one,
     * valid up to the current offset, so the old master's other replicas can continue with us.
     */
    public void shiftReplicationId(String newId) {
        replid2 = replid;
        secondOffset = offset + 1;
        replid = newId;
    }

    /** A full sync from a master: its id and offset become ours, history starts over. */
    public void resetTo(String masterReplid, long masterOffset, int backlogSize) {
        replid = masterReplid;
        replid2 = NO_ID;
        secondOffset = -1;
        offset = masterOffset;
        backlog = new ReplicationBacklog(backlogSize, masterOffset + 1);
        selectedDb = -1;
    }

    /**
     * A replica started from its own RDB: the file's position is ours, so the cached master built
     * from it can PSYNC (Redis' loadDataFromDisk on a replica).
     */
    public void resumeAsReplica(String fileReplid, long fileOffset) {
        replid = fileReplid;
        offset = fileOffset;
    }

    /**
     * A master started from its RDB: the file's id becomes the secondary one, valid up to the
     * file's offset, under a new primary id, and a backlog starts there, so replicas that were at
     * that offset continue (Redis 7.0's loadDataFromDisk on a master).
     */
    public void resumeAsMaster(String fileReplid, long fileOffset, int backlogSize) {
        replid = fileReplid;
        offset = fileOffset;
        shiftReplicationId(randomId());
        backlog = new ReplicationBacklog(backlogSize, offset + 1);
    }

    /** DEBUG CHANGE-REPL-ID (and a master that lost its replicas' history): a new primary id. */
    public void changeReplicationId() {
        replid = randomId();
    }

    /** Forgets the secondary id (as Redis' clearReplicationId2). */
    public void clearReplicationId2() {
        replid2 = NO_ID;
        secondOffset = -1;
    }
}
