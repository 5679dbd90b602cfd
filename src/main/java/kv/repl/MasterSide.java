package kv.repl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import kv.config.ServerConfig;
import kv.engine.Client;
import kv.engine.ReplicationLog;
import kv.engine.Server;

/**
 * This server as a master: the replicas connected to it ({@link ReplicaLink}), their full syncs
 * ({@link FullSync}, one at a time as Redis' one child) and partial ones from the backlog, the
 * stream fanned out to them once per event-loop turn, the periodic work of Redis'
 * replicationCron (PING every repl-ping-replica-period, repl-timeout, repl-backlog-ttl, the good
 * replicas behind min-replicas-to-write) and the clients waiting in WAIT. Data thread only.
 */
public final class MasterSide implements ReplicationLog.StreamListener {
    private static final Logger LOG = Logger.getLogger(MasterSide.class);
    private static final long TICK_MS = 100;
    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GETACK = "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Server server;
    private final Executor loop;
    private final ReplicationLog log;
    private final List<ReplicaLink> links = new ArrayList<>();
    private final Map<Client, ReplicaSettings> announced = new IdentityHashMap<>();
    private final Map<Client, AckWait> waits = new IdentityHashMap<>();
    private FullSync running;
    /** This turn's stream bytes, sent to every streaming replica at the end of the turn. */
    private byte[] pending = new byte[8192];
    private int pendingLength;
    private boolean flushScheduled;
    private boolean acksRequested;
    private long noReplicasSinceMs = System.currentTimeMillis();
    private long lastSecondMs;
    private long lastPingMs = System.currentTimeMillis();
    private volatile Figures figures = Figures.NONE;

    /** A client in WAIT: the offset it waits for and how many replicas must have it. */
    private record AckWait(long offset, long replicas) {
    }

    /** {@code loop} runs tasks on the data thread after the current one. */
    public MasterSide(Server server, Executor loop) {
        this.server = server;
        this.loop = loop;
        this.log = server.replication();
        server.clients().onDisconnect(this::disconnected);
        server.config().addListener("repl-backlog-size", v -> {
            if (log.backlog() != null) {
                log.backlog().resize(server.config().replBacklogSize());
            }
        });
        server.lifecycle().schedule(TICK_MS, this::tick);
    }

    // ---- REPLCONF ----

    /** What {@code client} announced so far (created on its first REPLCONF). */
    ReplicaSettings settings(Client client) {
        return announced.computeIfAbsent(client, c -> new ReplicaSettings());
    }

    public void listeningPort(Client client, int port) {
        settings(client).listeningPort = port;
    }

    public void announcedIp(Client client, String ip) {
        settings(client).announcedIp(ip);
    }

    /** REPLCONF capa: eof and psync2 matter, others are ignored as Redis does. */
    public void capability(Client client, String capa) {
        if (capa.equalsIgnoreCase("eof")) {
            settings(client).capaEof = true;
        } else if (capa.equalsIgnoreCase("psync2")) {
            settings(client).capaPsync2 = true;
        }
    }

    public void rdbOnly(Client client, boolean on) {
        settings(client).rdbOnly = on;
    }

    /** REPLCONF ACK from a replica: its processed offset; the first one after a diskless sync starts its stream. */
    public void ack(Client client, long offset) {
        ReplicaLink l = linkOf(client);
        if (l == null) {
            return;
        }
        if (offset > l.ackOffset) {
            l.ackOffset = offset;
        }
        l.ackTimeMs = System.currentTimeMillis();
        if (l.state == ReplicaLink.State.ONLINE && l.streamOnAck) {
            flushStream();
            l.startStreaming();
        }
        serveWaits();
    }

    // ---- SYNC / PSYNC ----

    /**
     * PSYNC {@code replid} {@code offset} (or SYNC, {@code prePsync}): continues from the backlog
     * when it holds the replica's next byte under an id we know, else schedules a full sync.
     * Returns false if the client cannot become a replica (it has no socket).
     */
    public boolean sync(Client client, String replid, long psyncOffset, boolean prePsync) {
        if (client.replica()) {
            return true; // Redis ignores SYNC/PSYNC from a replica
        }
        if (!(client.transport() instanceof ReplicaChannel channel)) {
            return false;
        }
        ReplicaSettings settings = settings(client);
        long now = System.currentTimeMillis();
        ReplicaLink link = new ReplicaLink(client, channel, settings, prePsync, now);
        client.replica(true);
        if (server.config().replDisableTcpNodelay()) {
            channel.noDelay(false);
        }
        if (!prePsync && log.canContinue(replid, psyncOffset)) {
            continuePartially(link, replid, psyncOffset);
            return true;
        }
        if (!prePsync && !replid.equals("?")) {
            server.stats().syncPartialErr++;
        }
        server.stats().syncFull++;
        LOG.infof("Replica %s:%d asks for synchronization; full resync", link.ip(), settings.listeningPort);
        addLink(link);
        if (log.backlog() == null) {
            if (!log.proxying()) {
                // a new history: no replica can hold a part of it, so no id of the old one stays valid
                log.changeReplicationId();
                log.clearReplicationId2();
            }
            log.createBacklog(server.config().replBacklogSize());
            LOG.infof("Replication backlog created, my new replication IDs are '%s' and '%s'", log.replid(), log.replid2());
        }
        startSyncIfDue(now);
        return true;
    }

    private void continuePartially(ReplicaLink link, String replid, long psyncOffset) {
        // what this turn streamed so far is in the backlog: send it to the others first, or the new
        // replica would get it twice
        flushStream();
        link.state = ReplicaLink.State.ONLINE;
        addLink(link);
        String reply = link.settings.capaPsync2 ? "+CONTINUE " + log.replid() + "\r\n" : "+CONTINUE\r\n";
        byte[] missing = log.streamFrom(psyncOffset);
        link.channel.send(Unpooled.wrappedBuffer(Unpooled.copiedBuffer(reply, StandardCharsets.US_ASCII),
                Unpooled.wrappedBuffer(missing)));
        server.stats().syncPartialOk++;
        LOG.infof("Partial resynchronization request from %s:%d accepted. Sending %d bytes of backlog starting from offset %d.",
                link.ip(), link.settings.listeningPort, missing.length, psyncOffset);
        refreshGoodReplicas(System.currentTimeMillis());
    }

    private void addLink(ReplicaLink link) {
        if (links.isEmpty()) {
            log.addListener(this);
        }
        links.add(link);
    }

    /** Starts a full sync for the replicas waiting for one, when Redis would: see replicationCron. */
    private void startSyncIfDue(long now) {
        if (running != null) {
            return;
        }
        List<ReplicaLink> waiting = new ArrayList<>();
        boolean allEof = true;
        long longestWaitMs = 0;
        for (ReplicaLink l : links) {
            if (l.state == ReplicaLink.State.WAIT_BGSAVE_START) {
                waiting.add(l);
                allEof &= l.settings.capaEof;
                longestWaitMs = Math.max(longestWaitMs, now - l.waitingSinceMs);
            }
        }
        if (waiting.isEmpty()) {
            return;
        }
        ServerConfig c = server.config();
        boolean diskless = c.replDisklessSync() && allEof;
        if (diskless) {
            long maxReplicas = c.replDisklessSyncMaxReplicas();
            boolean due = longestWaitMs >= c.replDisklessSyncDelaySeconds() * 1000
                    || maxReplicas > 0 && waiting.size() >= maxReplicas;
            if (!due) {
                return;
            }
        } else if (server.runningDump() != null) {
            return; // a BGSAVE or AOF rewrite is running: the next dump is ours
        }
        running = FullSync.start(this, server, loop, diskless, waiting);
    }

    /** The sync no longer needs its turn (done, failed, or the file is being sent): the next may start. */
    void syncEnded(FullSync sync) {
        if (running == sync) {
            running = null;
        }
        loop.execute(() -> startSyncIfDue(System.currentTimeMillis()));
    }

    /** A replica got its RDB: online; diskless, its stream starts with its first ACK. */
    void online(ReplicaLink l, boolean diskless) {
        if (!links.contains(l)) {
            return;
        }
        if (l.settings.rdbOnly) {
            l.client.transport().closeAfterReply();
            return;
        }
        l.ackTimeMs = System.currentTimeMillis();
        if (diskless) {
            l.state = ReplicaLink.State.ONLINE;
            l.streamOnAck = true;
        } else {
            flushStream();
            l.startStreaming();
        }
        LOG.infof("Synchronization with replica %s:%d succeeded", l.ip(), l.settings.listeningPort);
        refreshGoodReplicas(System.currentTimeMillis());
    }

    /**
     * Our history changed (a full sync from our own master, a new id from it): our replicas must
     * sync again, as Redis' disconnectSlaves; they come back with PSYNC and continue where they can.
     */
    public void disconnectReplicas() {
        for (ReplicaLink l : new ArrayList<>(links)) {
            l.client.transport().closeAfterReply();
        }
    }

    private void disconnected(Client client) {
        announced.remove(client);
        waits.remove(client);
        ReplicaLink l = linkOf(client);
        if (l == null) {
            return;
        }
        links.remove(l);
        l.release();
        if (running != null && running.involves(l)) {
            running.remove(l);
        }
        if (links.isEmpty()) {
            log.removeListener(this);
            noReplicasSinceMs = System.currentTimeMillis();
        }
        LOG.infof("Connection with replica %s:%d lost.", l.ip(), l.settings.listeningPort);
        refreshGoodReplicas(System.currentTimeMillis());
    }

    private ReplicaLink linkOf(Client client) {
        if (!client.replica()) {
            return null;
        }
        for (ReplicaLink l : links) {
            if (l.client == client) {
                return l;
            }
        }
        return null;
    }

    // ---- the stream ----

    @Override
    public void streamed(byte[] bytes, int offset, int length) {
        if (pendingLength + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
        }
        System.arraycopy(bytes, offset, pending, pendingLength, length);
        pendingLength += length;
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(this::endOfTurn);
        }
    }

    private void endOfTurn() {
        // bytes fed from here on go out with this flush
        flushScheduled = true;
        if (acksRequested) {
            acksRequested = false;
            if (!links.isEmpty()) {
                log.feedRaw(GETACK, 0, GETACK.length);
            }
        }
        flushScheduled = false;
        flushStream();
    }

    /** Sends the bytes streamed so far to every streaming replica and holds them for those in a sync. */
    void flushStream() {
        if (pendingLength == 0) {
            return;
        }
        ByteBuf turn = Unpooled.wrappedBuffer(Arrays.copyOf(pending, pendingLength));
        pendingLength = 0;
        if (pending.length > 1 << 20) {
            pending = new byte[8192]; // a burst does not keep its buffer
        }
        List<ReplicaLink> overLimit = null;
        for (ReplicaLink l : links) {
            if (l.streaming()) {
                l.channel.send(turn.retainedDuplicate());
            } else if (l.holdsStream()) {
                l.hold(turn.retainedDuplicate());
            } else {
                continue;
            }
            if (server.outputLimits().enforce(l.client, l.heldBytes())) {
                overLimit = overLimit == null ? new ArrayList<>() : overLimit;
                overLimit.add(l);
            }
        }
        turn.release();
        if (overLimit != null) {
            for (ReplicaLink l : overLimit) {
                l.release(); // its socket closes: the held stream goes now
            }
        }
    }

    // ---- WAIT ----

    /** How many online replicas acknowledged {@code offset} or more (Redis' replicationCountAcksByOffset). */
    public int acknowledged(long offset) {
        int n = 0;
        for (ReplicaLink l : links) {
            if (l.state == ReplicaLink.State.ONLINE && l.ackOffset >= offset) {
                n++;
            }
        }
        return n;
    }

    /** WAIT blocked {@code client} until {@code replicas} acknowledge {@code offset}: GETACK goes out this turn. */
    public void await(Client client, long offset, long replicas) {
        waits.put(client, new AckWait(offset, replicas));
        requestAcks();
    }

    /** REPLCONF GETACK * goes to the replicas at the end of this turn (FAILOVER waits for their offsets). */
    public void requestAcks() {
        acksRequested = true;
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(this::endOfTurn);
        }
    }

    /** The WAIT of {@code client} ended (timeout): it is no longer served on acknowledgements. */
    public void forgetWait(Client client) {
        waits.remove(client);
    }

    private void serveWaits() {
        if (waits.isEmpty()) {
            return;
        }
        for (Map.Entry<Client, AckWait> e : new ArrayList<>(waits.entrySet())) {
            int acked = acknowledged(e.getValue().offset());
            if (acked >= e.getValue().replicas()) {
                waits.remove(e.getKey());
                server.blocking().complete(e.getKey(), r -> r.integer(acked));
            }
        }
    }

    // ---- periodic work ----

    private void tick() {
        try {
            long now = System.currentTimeMillis();
            startSyncIfDue(now);
            if (running != null) {
                running.poll();
            }
            if (now - lastSecondMs >= 1000) {
                lastSecondMs = now;
                everySecond(now);
            }
            publishFigures();
        } catch (RuntimeException e) {
            LOG.errorf(e, "replication cron failed");
        } finally {
            server.lifecycle().schedule(TICK_MS, this::tick);
        }
    }

    private void everySecond(long now) {
        ServerConfig c = server.config();
        if (!links.isEmpty() && now - lastPingMs >= c.replPingReplicaPeriodSeconds() * 1000) {
            lastPingMs = now;
            // part of the stream (it moves the offsets), so a replica sees its master alive
            log.feedRaw(PING, 0, PING.length);
        }
        for (ReplicaLink l : new ArrayList<>(links)) {
            boolean preSync = l.state == ReplicaLink.State.WAIT_BGSAVE_START
                    || l.state == ReplicaLink.State.WAIT_BGSAVE_END && running != null && !running.diskless;
            if (preSync) {
                // a newline keeps the replica's read timeout from firing before its RDB comes
                l.channel.send(Unpooled.wrappedBuffer(new byte[] {'\n'}));
            } else if (l.state == ReplicaLink.State.ONLINE && !l.prePsync
                    && now - l.ackTimeMs > c.replTimeoutSeconds() * 1000) {
                LOG.warnf("Disconnecting timedout replica (streaming sync): %s:%d", l.ip(), l.settings.listeningPort);
                l.client.transport().closeAfterReply();
            }
        }
        long ttl = c.replBacklogTtlSeconds();
        if (links.isEmpty() && ttl > 0 && log.backlog() != null && !log.proxying()
                && now - noReplicasSinceMs > ttl * 1000) {
            log.freeBacklog();
            log.changeReplicationId();
            log.clearReplicationId2();
            LOG.infof("Replication backlog freed after %d seconds without connected replicas.", ttl);
        }
        refreshGoodReplicas(now);
    }

    /** min-replicas-to-write counts online replicas whose last ACK is at most min-replicas-max-lag old. */
    private void refreshGoodReplicas(long now) {
        long maxLag = server.config().minReplicasMaxLag();
        int good = 0;
        for (ReplicaLink l : links) {
            if (l.state == ReplicaLink.State.ONLINE && (now - l.ackTimeMs) / 1000 <= maxLag) {
                good++;
            }
        }
        log.goodReplicas(good);
    }

    // ---- INFO, ROLE, metrics ----

    /** Whether a full sync's dump runs (Redis' replication BGSAVE: rdb_bgsave_in_progress shows it). */
    public boolean fullSyncRunning() {
        return running != null;
    }

    public int replicaCount() {
        return links.size();
    }

    /** INFO replication's connected_slaves and slaveN lines, as Redis writes them. */
    public void info(StringBuilder sb) {
        long now = System.currentTimeMillis();
        sb.append("connected_slaves:").append(links.size()).append("\r\n");
        if (server.config().minReplicasToWrite() > 0 && server.config().minReplicasMaxLag() > 0) {
            sb.append("min_slaves_good_slaves:").append(log.goodReplicas()).append("\r\n");
        }
        int i = 0;
        for (ReplicaLink l : links) {
            sb.append("slave").append(i++).append(":ip=").append(l.ip()).append(",port=").append(l.settings.listeningPort)
                    .append(",state=").append(l.state.infoName).append(",offset=").append(l.ackOffset)
                    .append(",lag=").append((now - l.ackTimeMs) / 1000).append("\r\n");
        }
    }

    /** One replica as ROLE and the metrics show it. */
    public record ReplicaView(String ip, int port, String state, long ackOffset, long lagSeconds) {
    }

    /** Whether every replica has acknowledged the whole stream (Redis' isReadyToShutdown): SHUTDOWN waits for it. */
    public boolean replicasCaughtUp() {
        for (ReplicaLink l : links) {
            if (l.ackOffset != log.offset()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The start of a shutdown's wait for replicas (SHUTDOWN without NOW, SIGTERM): unless
     * shutdown-timeout is 0 or every replica has acknowledged the whole stream, pauses writes and
     * asks the replicas for their offsets. When the wait ends at the latest (unix ms), or 0 when
     * there is nothing to wait for.
     */
    public long beginShutdownWait(long nowMs) {
        long timeoutSeconds = server.config().shutdownTimeoutSeconds();
        if (timeoutSeconds == 0 || replicasCaughtUp()) {
            return 0;
        }
        server.clients().pause(kv.engine.Clients.PauseSource.SHUTDOWN, Long.MAX_VALUE, false, nowMs);
        requestAcks();
        LOG.info("Waiting for replicas before shutting down.");
        return nowMs + timeoutSeconds * 1000;
    }

    /** What Redis logs when it exits as a master: each lagging replica, then how many are in sync. */
    public void logInSyncAtShutdown() {
        List<ReplicaView> replicas = replicas(false);
        if (replicas.isEmpty()) {
            return;
        }
        long offset = log.offset();
        int inSync = 0;
        for (ReplicaView r : replicas) {
            if (r.ackOffset() == offset) {
                inSync++;
            } else {
                LOG.warnf("Lagging replica %s:%d reported offset %d behind master, lag=%d, state=%s.", r.ip(), r.port(),
                        offset - r.ackOffset(), r.lagSeconds(), r.state());
            }
        }
        LOG.infof("%d of %d replicas are in sync when shutting down.", inSync, replicas.size());
    }

    /** The replicas, all ({@code onlineOnly} false) or only the online ones (ROLE lists only those). */
    public List<ReplicaView> replicas(boolean onlineOnly) {
        long now = System.currentTimeMillis();
        List<ReplicaView> out = new ArrayList<>();
        for (ReplicaLink l : links) {
            if (!onlineOnly || l.state == ReplicaLink.State.ONLINE) {
                out.add(new ReplicaView(l.ip(), l.settings.listeningPort, l.state.infoName, l.ackOffset,
                        (now - l.ackTimeMs) / 1000));
            }
        }
        return out;
    }

    /** The replica that announced {@code ip}:{@code port} (as INFO lists it), or null. */
    public ReplicaView replica(String ip, int port) {
        for (ReplicaView r : replicas(false)) {
            if (r.ip().equalsIgnoreCase(ip) && r.port() == port) {
                return r;
            }
        }
        return null;
    }

    /** What the metrics thread reads: copied on the data thread every tick, immutable. */
    public record Figures(long masterReplOffset, long backlogSize, List<ReplicaView> replicas) {
        public static final Figures NONE = new Figures(0, 0, List.of());
    }

    /** The latest figures; safe from any thread. */
    public Figures figures() {
        return figures;
    }

    private void publishFigures() {
        long backlog = log.backlog() == null ? server.config().replBacklogSize() : log.backlog().size();
        figures = new Figures(log.offset(), backlog, links.isEmpty() ? List.of() : List.copyOf(replicas(false)));
    }
}
