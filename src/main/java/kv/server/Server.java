package kv.server;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Map;

import kv.command.CommandSpec;
import kv.command.CommandTable;
import kv.command.Commands;
import kv.command.Dispatcher;
import kv.config.ServerConfig;
import kv.observe.LatencyMonitor;
import kv.observe.ServerStats;
import kv.observe.SlowLog;
import kv.observe.StatsSnapshot;
import kv.store.ActiveExpiry;
import kv.store.Keyspace;
import kv.store.KeyspaceStats;

/**
 * Everything a command can reach: configuration, keyspace, command table, clients and the
 * observability state. One instance, owned by the data thread.
 */
public final class Server {
    public static final String VERSION = "0.1.0";
    /** The Redis version KV is compatible with, as reported to clients that check it. */
    public static final String REDIS_VERSION = "7.2.4";

    private final ServerConfig config;
    private final Keyspace keyspace;
    private final CommandTable commands = new CommandTable();
    private final Dispatcher dispatcher;
    private final Clients clients;
    private final ServerStats stats = new ServerStats();
    private final SlowLog slowLog = new SlowLog();
    private final LatencyMonitor latency = new LatencyMonitor();
    private final ActiveExpiry activeExpiry;
    private final long startMs = System.currentTimeMillis();
    private final String runId;
    private final Lifecycle lifecycle;
    private int tcpPort;
    private volatile StatsSnapshot snapshot = StatsSnapshot.EMPTY;

    /** What the server asks of its host (the Quarkus wiring). */
    public interface Lifecycle extends Clients.Scheduler {
        /** Stops the process after the reply is flushed. */
        void shutdown(int exitCode);
    }

    public Server(ServerConfig config, Lifecycle lifecycle) {
        this.config = config;
        this.lifecycle = lifecycle;
        this.keyspace = new Keyspace(config.databases());
        this.clients = new Clients(lifecycle);
        this.dispatcher = new Dispatcher(this);
        this.activeExpiry = new ActiveExpiry(keyspace);
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        this.runId = HexFormat.of().formatHex(id);
        Commands.registerAll(commands);
        for (Map.Entry<String, String> rename : config.renamedCommands().entrySet()) {
            commands.rename(rename.getKey(), rename.getValue());
        }
        applyAccessPolicy();
    }

    /** LRU or LFU bookkeeping follows maxmemory-policy. */
    public void applyAccessPolicy() {
        String policy = config.maxMemoryPolicy();
        keyspace.access().configure(policy.contains("lfu"), intConfig("lfu-log-factor", 10), intConfig("lfu-decay-time", 1));
    }

    private int intConfig(String name, int fallback) {
        String v = config.get(name);
        return v == null ? fallback : Integer.parseInt(v);
    }

    public ServerConfig config() { return config; }
    public Keyspace keyspace() { return keyspace; }
    public CommandTable commands() { return commands; }
    public Dispatcher dispatcher() { return dispatcher; }
    public Clients clients() { return clients; }
    public ServerStats stats() { return stats; }
    public SlowLog slowLog() { return slowLog; }
    public LatencyMonitor latency() { return latency; }
    public long startMs() { return startMs; }
    public String runId() { return runId; }
    public Lifecycle lifecycle() { return lifecycle; }
    public int tcpPort() { return tcpPort; }
    void tcpPort(int port) { tcpPort = port; }

    public boolean authRequired() {
        return config.requirePass() != null;
    }

    /**
     * The periodic task (hz times a second): active expiry within a quarter of the tick, a
     * millisecond of table-resize progress, idle client timeouts, and a fresh statistics
     * snapshot for other threads.
     */
    public void cron() {
        int hz = Math.max(1, Math.min(500, config.hz()));
        long tickNanos = 1_000_000_000L / hz;
        activeExpiry.run(tickNanos / 4, effort());
        keyspace.migrateTables(1_000_000);
        clients.closeIdle(keyspace.clock().now(), config.timeoutSeconds());
        snapshot = takeSnapshot();
    }

    /** The latest statistics snapshot; safe to read from any thread. */
    public StatsSnapshot snapshot() {
        return snapshot;
    }

    /** Baseline for used_memory: what an empty server's structures occupy, by estimate. */
    public long usedMemory() {
        return keyspace.heapBytes();
    }

    private StatsSnapshot takeSnapshot() {
        int n = keyspace.count();
        long[] keys = new long[n];
        long[] expiring = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = keyspace.db(i).size();
            expiring[i] = keyspace.db(i).expiringCount();
        }
        Map<String, long[]> perCommand = new HashMap<>();
        for (CommandSpec spec : commands.allWithHandlers()) {
            if (spec.calls() > 0) {
                perCommand.put(spec.fullName(), new long[] {spec.calls(), spec.micros()});
            }
        }
        KeyspaceStats ks = keyspace.stats();
        return new StatsSnapshot(keyspace.clock().now(), clients.count(), usedMemory(), config.maxMemory(),
                stats.connectionsReceived, stats.rejectedConnections, stats.commandsProcessed,
                ks.expiredKeys, ks.hits, ks.misses, stats.netInputBytes, stats.netOutputBytes,
                stats.errorReplies, keys, expiring, perCommand);
    }

    private int effort() {
        String v = config.get("active-expire-effort");
        return v == null ? 1 : Math.max(1, Math.min(10, Integer.parseInt(v)));
    }
}
