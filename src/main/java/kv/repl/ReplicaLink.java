package kv.repl;

import java.util.ArrayDeque;

import io.netty.buffer.ByteBuf;
import kv.engine.Client;

/**
 * One replica connected to this master: what it announced (REPLCONF), where it is in its sync
 * (Redis' replstate), what it acknowledged, and the stream owed to it while its RDB is still being
 * produced or sent (held here, shared with the other replicas' copies, and counted against its
 * output limit). Data thread only.
 */
final class ReplicaLink {
    /** Redis' slave states, with the names INFO shows. */
    enum State {
        /** Waiting for a full sync to start (diskless delay, or another sync running). */
        WAIT_BGSAVE_START("wait_bgsave"),
        /** Its snapshot is being produced (and, diskless, sent). */
        WAIT_BGSAVE_END("wait_bgsave"),
        /** The RDB file is being sent. */
        SEND_BULK("send_bulk"),
        ONLINE("online");

        final String infoName;

        State(String infoName) {
            this.infoName = infoName;
        }
    }

    final Client client;
    final ReplicaChannel channel;
    final ReplicaSettings settings;
    State state = State.WAIT_BGSAVE_START;
    /** When it started waiting for a sync (the diskless delay counts from the first waiter). */
    final long waitingSinceMs;
    /** SYNC instead of PSYNC: no +FULLRESYNC line, no ACKs (Redis' CLIENT_PRE_PSYNC). */
    final boolean prePsync;
    long ackOffset;
    long ackTimeMs;
    /** After a diskless transfer the stream starts with the replica's first ACK (it reads the RDB up to the EOF mark). */
    boolean streamOnAck;
    private ArrayDeque<ByteBuf> held;
    private long heldBytes;

    ReplicaLink(Client client, ReplicaChannel channel, ReplicaSettings settings, boolean prePsync, long nowMs) {
        this.client = client;
        this.channel = channel;
        this.settings = settings;
        this.prePsync = prePsync;
        this.waitingSinceMs = nowMs;
        this.ackTimeMs = nowMs;
    }

    /** Whether stream bytes go straight to the socket now. */
    boolean streaming() {
        return state == State.ONLINE && !streamOnAck;
    }

    /** Whether the stream is owed to it from its sync point on (it is past +FULLRESYNC). */
    boolean holdsStream() {
        return state != State.WAIT_BGSAVE_START && !streaming();
    }

    void hold(ByteBuf bytes) {
        if (held == null) {
            held = new ArrayDeque<>();
        }
        held.add(bytes);
        heldBytes += bytes.readableBytes();
    }

    long heldBytes() {
        return heldBytes;
    }

    /** Online from now on: what was held goes out first, in order. */
    void startStreaming() {
        state = State.ONLINE;
        streamOnAck = false;
        if (held != null) {
            ByteBuf b;
            while ((b = held.poll()) != null) {
                channel.send(b);
            }
            held = null;
        }
        heldBytes = 0;
    }

    /** The link is gone: the held copies are released. */
    void release() {
        if (held != null) {
            held.forEach(ByteBuf::release);
            held = null;
        }
        heldBytes = 0;
    }

    String ip() {
        return settings.announcedIp() != null ? settings.announcedIp() : channel.remoteIp();
    }
}
