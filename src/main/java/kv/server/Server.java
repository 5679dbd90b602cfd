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
    /**
     * What INFO adds to the keyspace estimate for used_memory: the server's own fixed structures
     * (command table with its facts, client and stats objects, buffers), measured roughly on an idle
     * server; reported as used_memory_startup. A constant, so used_memory follows the data only.
     */
    public static final long BASELINE_MEMORY = 1L << 20;

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
    private final String replicationId;
    private long peakMemory;
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
        new SecureRandom().nextBytes(id);
        this.replicationId = HexFormat.of().formatHex(id);
        Commands.registerAll(commands);
        for (Map.Entry<String, String> rename : config.renamedCommands().entrySet()) {
            commands.rename(rename.getKey(), rename.getValue());
        }
        applyAccessPolicy();
        for (String name : new String[] {"maxmemory-policy", "lfu-log-factor", "lfu-decay-time"}) {
            config.addListener(name, v -> applyAccessPolicy());
        }
        config.addListener("slowlog-max-len", v -> slowLog.trim(config.slowlogMaxLen()));
    }

    /** LRU or LFU bookkeeping follows maxmemory-policy. */
    public void applyAccessPolicy() {
        String policy = config.maxMemoryPolicy();
        keyspace.access().configure(policy.contains("lfu"), config.lfuLogFactor(), config.lfuDecayTime());
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
    public String replicationId() { return replicationId; }
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
        activeExpiry.run(tickNanos / 4, config.activeExpireEffort());
        keyspace.migrateTables(1_000_000);
        clients.closeIdle(keyspace.clock().now(), config.timeoutSeconds());
        stats.sample(System.currentTimeMillis());
        snapshot = takeSnapshot();
    }

    /** The latest statistics snapshot; safe to read from any thread. */
    public StatsSnapshot snapshot() {
        return snapshot;
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

    /** INFO used_memory: the keyspace estimate plus {@link #BASELINE_MEMORY}; tracks the peak. */
    public long usedMemory() {
        long used = keyspace.heapBytes() + BASELINE_MEMORY;
        if (used > peakMemory) {
            peakMemory = used;
        }
        return used;
    }

    public long peakMemory() {
        return Math.max(peakMemory, usedMemory());
    }

    /**
     * CONFIG RESETSTAT: zeroes what Redis' resetServerStats/resetCommandTableStats/
     * resetErrorTableStats zero: connection, command, network, error and keyspace counters
     * (hits, misses, expired), per-command statistics and errorstats. The slow log, the
     * latency monitor and the memory peak are left alone, as in Redis.
     */
    public void resetStats() {
        stats.reset();
        commands.resetStats();
        keyspace.stats().reset();
    }

}
