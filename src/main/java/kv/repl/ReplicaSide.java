package kv.repl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jboss.logging.Logger;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import kv.engine.CommandError;
import kv.engine.ReplicationLog;
import kv.engine.Server;
import kv.protocol.Reply;
import kv.rdb.LoadedDataset;
import kv.rdb.ReplicationInfo;

/**
 * This server as a replica (REPLICAOF host port): the master it follows, the link's state as Redis
 * reports it (repl_state), the cached master that makes a reconnect a PSYNC continuation, and the
 * promotion (REPLICAOF NO ONE). A link that fails is retried each second. Data thread only; the
 * readiness state carries "replica" and "link up" to the dispatcher and the probes.
 */
public final class ReplicaSide {
    private static final Logger LOG = Logger.getLogger(ReplicaSide.class);

    private final Server server;
    private final Context context;
    private final NetClient netClient;
    private String host;
    private int port;
    private MasterLink link;
    /** Whether our replid and offset describe the data we hold (PSYNC can ask to continue from them). */
    private boolean cachedMaster;
    /** The master client's db, kept across reconnects: a continued stream need not start with SELECT. */
    private int masterDb;
    /** When the link went down (0: it never was up since REPLICAOF). */
    private long downSinceMs;
    private final List<Runnable> historyChangeListeners = new ArrayList<>();

    /** Call on the data thread (its context becomes the links'). */
    public ReplicaSide(Server server, Vertx vertx) {
        this.server = server;
        this.context = vertx.getOrCreateContext();
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, server.config().replTimeoutSeconds() * 1000);
        this.netClient = vertx.createNetClient(new NetClientOptions().setConnectTimeout(timeoutMs).setTcpNoDelay(true));
        vertx.setPeriodic(1000, id -> cron());
        server.replication().masterStreamDb(() -> link != null && link.masterClient() != null ? link.masterClient().db() : masterDb);
    }

    /** The instance attached to {@code server}, or null (servers built without networking). */
    public static ReplicaSide of(Server server) {
        return server.component(ReplicaSide.class);
    }

    /**
     * Start-up: follows the master named by the replicaof directive, if any. {@code loaded} is the
     * position the RDB file loaded at start recorded (null if none): a replica PSYNCs from it, a
     * master keeps it as its secondary id, as Redis 7.0 does.
     */
    public void startFromConfig(ReplicationInfo loaded) {
        String hostPort = server.config().replicaOf();
        ReplicationLog log = server.replication();
        if (hostPort.isEmpty()) {
            if (loaded != null) {
                log.resumeAsMaster(loaded.replid(), loaded.offset(), server.config().replBacklogSize());
            }
            return;
        }
        if (loaded != null) {
            log.resumeAsReplica(loaded.replid(), loaded.offset());
        }
        int space = hostPort.lastIndexOf(' ');
        replicaOf(hostPort.substring(0, space), Integer.parseInt(hostPort.substring(space + 1)), null);
        if (loaded != null) {
            // the stream continues where the file stopped, in the db it had selected
            masterDb = loaded.streamDb();
        }
    }

    /**
     * Runs when our replication history is replaced (a full sync, a master with a new id): the
     * replicas of this server must sync again (the master side registers the disconnect).
     */
    public void onHistoryChange(Runnable action) {
        historyChangeListeners.add(action);
    }

    public boolean isReplica() {
        return host != null;
    }

    public String masterHost() {
        return host;
    }

    public int masterPort() {
        return port;
    }

    /**
     * REPLICAOF host port: the reply's status text. The same master again changes nothing; another
     * one keeps our data and replid/offset as the cached master to PSYNC with (PSYNC2).
     */
    public String replicaOf(String newHost, int newPort, String requester) {
        if (host != null && host.equalsIgnoreCase(newHost) && port == newPort) {
            LOG.info("REPLICAOF would result into synchronization with the master we are already connected with. "
                    + "No operation performed.");
            return "OK Already connected to specified master";
        }
        boolean wasMaster = host == null;
        dropLink();
        // what they wait for may never come, or come from another history: Redis ends their wait
        server.blocking().failAll("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)");
        host = newHost;
        port = newPort;
        server.config().replicaOf(newHost + " " + newPort);
        ReplicationLog log = server.replication();
        if (wasMaster) {
            LOG.info("Before turning into a replica, using my own master parameters to synthesize a cached master: "
                    + "I may be able to synchronize with the new master with just a partial transfer.");
            cachedMaster = true;
            masterDb = 0;
            downSinceMs = 0;
            log.proxying(true);
            server.keyspace().replicaExpiry(true);
        }
        publishState();
        if (requester != null) {
            LOG.infof("REPLICAOF %s:%d enabled (user request from '%s')", newHost, newPort, requester);
        }
        connect();
        return "OK";
    }

    /** REPLICAOF NO ONE: a master again, under a new replid (the old one stays valid as replid2). */
    public void noOne(String requester) {
        becomeMaster("user request from '" + requester + "'");
    }

    /** PSYNC … FAILOVER from our master: we take over its role, and it continues as our replica. */
    public void promoteForFailover(String replid, String requester) {
        LOG.infof("Failover request received for replid %s.", replid);
        becomeMaster("failover request from '" + requester + "'");
    }

    private void becomeMaster(String why) {
        if (host == null) {
            return;
        }
        dropLink();
        host = null;
        port = 0;
        cachedMaster = false;
        server.config().replicaOf("");
        ReplicationLog log = server.replication();
        String newId = ReplicationLog.randomId();
        String oldId = log.replid();
        log.shiftReplicationId(newId);
        log.proxying(false);
        server.keyspace().replicaExpiry(false);
        LOG.infof("Setting secondary replication ID to %s, valid up to offset: %d. New replication ID is %s",
                oldId, log.secondOffset(), newId);
        publishState();
        LOG.infof("MASTER MODE enabled (%s)", why);
    }

    private void dropLink() {
        if (link != null) {
            MasterLink old = link;
            link = null;
            old.close(null);
        }
    }

    private void connect() {
        link = new MasterLink(this, server, context, host, port);
        link.connect(netClient);
    }

    private void cron() {
        if (host == null) {
            return;
        }
        if (link == null) {
            connect();
            return;
        }
        link.cron(System.currentTimeMillis());
    }

    // ---- what the link reports ----

    /** PSYNC's arguments: our replid and offset + 1 while they describe our data, else "? -1". */
    String[] psyncRequest() {
        ReplicationLog log = server.replication();
        return cachedMaster ? new String[] {log.replid(), Long.toString(log.offset() + 1)} : new String[] {"?", "-1"};
    }

    /** +FULLRESYNC: what we hold no longer describes the master's history. */
    void fullSyncStarts() {
        if (cachedMaster) {
            LOG.info("Discarding previously cached master state.");
        }
        cachedMaster = false;
    }

    /** +CONTINUE [newid]: a master with another id shifts ours (PSYNC2), so our own replicas can follow. */
    void continued(String newId) {
        ReplicationLog log = server.replication();
        log.createBacklog(server.config().replBacklogSize());
        if (newId != null && !newId.equalsIgnoreCase(log.replid())) {
            log.shiftReplicationId(newId);
            LOG.infof("Master replication ID changed to %s", newId);
            historyChangeListeners.forEach(Runnable::run);
        }
    }

    /** The master's RDB is loaded: it replaces our data in one step, and its id and offset become ours. */
    void installFullSync(LoadedDataset data, String replid, long offset) {
        LOG.info("MASTER <-> REPLICA sync: Flushing old data");
        server.keyspace().clearAll();
        try {
            server.rdb().install(data);
        } catch (CommandError e) {
            loading(false);
            throw new IllegalStateException(e.getMessage(), e);
        }
        ReplicationLog log = server.replication();
        log.resetTo(replid, offset, server.config().replBacklogSize());
        log.proxying(true);
        cachedMaster = true;
        masterDb = 0;
        loading(false);
        historyChangeListeners.forEach(Runnable::run);
        if (server.config().appendOnly()) {
            // the AOF must describe the new dataset: a rewrite, as Redis restarts its AOF here
            server.dispatcher().execute(kv.engine.DetachedTransport.client(server, "replication"),
                    new byte[][] {"BGREWRITEAOF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)},
                    new kv.protocol.DiscardingReply(2));
        }
    }

    void loading(boolean on) {
        server.readiness().loading(on);
    }

    private Failover failover() {
        return server.component(Failover.class);
    }

    /** Whether our PSYNC asks the target of our FAILOVER to take over. */
    boolean psyncForFailover() {
        Failover f = failover();
        return f != null && f.asksTargetToTakeOver();
    }

    /** The master answered PSYNC with +FULLRESYNC or +CONTINUE. */
    void psyncAccepted() {
        Failover f = failover();
        if (f != null) {
            f.psyncAccepted();
        }
    }

    void linkUp(MasterLink l) {
        cachedMaster = true;
        publishState();
    }

    /** A link ended: the data and offsets stay (the next attempt continues from them). */
    void linkClosed(MasterLink l, boolean wasUp) {
        if (l != link) {
            return;
        }
        link = null;
        if (wasUp) {
            LOG.info("Caching the disconnected master state.");
            downSinceMs = System.currentTimeMillis();
        }
        publishState();
        Failover f = failover();
        if (f != null) {
            f.psyncFailed(); // a link that ends before its PSYNC was accepted ends a FAILOVER
        }
    }

    int masterDb() {
        return masterDb;
    }

    void masterDb(int db) {
        masterDb = db;
    }

    private boolean connected() {
        return link != null && link.phase() == MasterLink.Phase.STREAM;
    }

    private void publishState() {
        server.readiness().replication(host != null, connected());
    }

    // ---- INFO and ROLE ----

    /** Redis' repl_state as ROLE names it. */
    public String state() {
        if (link == null) {
            return "connect";
        }
        return switch (link.phase()) {
            case CONNECTING -> "connecting";
            case HANDSHAKE -> "handshake";
            case TRANSFER -> "sync";
            case STREAM -> "connected";
            case CLOSED -> "connect";
        };
    }

    /** ROLE on a replica: slave, host, port, state, offset applied (-1 without a live master). */
    public void role(Reply r) {
        r.array(5);
        r.bulkText("slave");
        r.bulk(host.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        r.integer(port);
        r.bulkText(state());
        r.integer(connected() ? server.replication().offset() : -1);
    }

    /** The replica fields of INFO replication, after role:slave, in Redis 7.0's order. */
    public void appendInfo(StringBuilder sb) {
        long now = System.currentTimeMillis();
        boolean up = connected();
        long applied = server.replication().offset();
        field(sb, "master_host", host);
        field(sb, "master_port", port);
        field(sb, "master_link_status", up ? "up" : "down");
        field(sb, "master_last_io_seconds_ago", up ? (now - link.lastIoMs()) / 1000 : -1);
        boolean syncing = link != null && link.phase() == MasterLink.Phase.TRANSFER;
        field(sb, "master_sync_in_progress", syncing ? 1 : 0);
        // our offset is always the master's as far as applied (redis 7.0 shows the same during a sync)
        field(sb, "slave_read_repl_offset", applied + (up ? link.unapplied() : 0));
        field(sb, "slave_repl_offset", applied);
        if (syncing) {
            RdbTransfer t = link.transfer();
            long total = t == null ? -1 : t.size();
            long read = t == null ? 0 : t.received();
            field(sb, "master_sync_total_bytes", total);
            field(sb, "master_sync_read_bytes", read);
            field(sb, "master_sync_left_bytes", total - read);
            // as redis computes it: with the EOF framing (total -1) the figure is negative ("-0.00" at first)
            field(sb, "master_sync_perc", String.format(Locale.ROOT, "%.2f", total != 0 ? read * 100.0 / total : 0.0));
            field(sb, "master_sync_last_io_seconds_ago", (now - link.lastIoMs()) / 1000);
        }
        if (!up) {
            field(sb, "master_link_down_since_seconds", downSinceMs == 0 ? -1 : (now - downSinceMs) / 1000);
        }
        field(sb, "slave_priority", server.config().replicaPriority());
        field(sb, "slave_read_only", server.config().replicaReadOnly() ? 1 : 0);
        field(sb, "replica_announced", server.config().replicaAnnounced() ? 1 : 0);
    }

    private static void field(StringBuilder sb, String name, Object value) {
        sb.append(name).append(':').append(value).append("\r\n");
    }
}
