package kv.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import kv.config.Derived;
import kv.config.ServerConfig;
import kv.observe.AofState;
import kv.observe.LatencyMonitor;
import kv.observe.LoadingProgress;
import kv.observe.ReadinessState;
import kv.observe.ServerStats;
import kv.observe.SlowLog;
import kv.observe.StatsSnapshot;
import kv.store.ActiveExpiry;
import kv.store.Keyspace;
import kv.store.KeyspaceStats;
import kv.store.SetValue;
import kv.store.SortedSet;

/**
 * Everything a command can reach: configuration, keyspace, command table, clients and the
 * observability state. One instance, owned by the data thread.
 */
public final class Server {
    /**
     * What INFO adds to the keyspace estimate for used_memory: the server's own fixed structures
     * (command table with its facts, client and stats objects, buffers), measured roughly on an idle
     * server; reported as used_memory_startup. A constant, so used_memory follows the data only.
     */
    public static final long BASELINE_MEMORY = 1L << 20;

    /**
     * The most data the heap may hold: three quarters of the JVM's maximum heap, the rest being the
     * garbage collector's room. Eviction (or, without a policy, OOM refusals) holds used_memory under
     * it even when maxmemory is unset or larger, so data never exhausts the heap.
     */
    public static final long HEAP_DATA_LIMIT = Runtime.getRuntime().maxMemory() / 4 * 3;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Server.class);

    private final ServerConfig config;
    /** The sets' and sorted sets' conversion thresholds in force, built again only after a CONFIG SET. */
    private final Derived<SetValue.Limits> setLimits;
    private final Derived<SortedSet.Limits> zsetLimits;
    private final Keyspace keyspace;
    private final CommandTable commands;
    private final Dispatcher dispatcher;
    private final Clients clients;
    private final Blocking blocking;
    private final ServerStats stats = new ServerStats();
    private final SlowLog slowLog = new SlowLog();
    private final LatencyMonitor latency = new LatencyMonitor();
    private final ActiveExpiry activeExpiry;
    private final HashFieldExpiry hashFieldExpiry;
    private final long startMs = System.currentTimeMillis();
    private final String runId;
    /** The replication stream's ids, offset and backlog: always a propagation target. */
    private final ReplicationLog replication = new ReplicationLog();
    private long peakMemory;
    private final Lifecycle lifecycle;
    private int tcpPort;
    private final ReadinessState readiness = new ReadinessState();
    private final LoadingProgress loadingProgress = new LoadingProgress();
    private final RdbPersistence rdb;
    /** Where effects go for good (the replication stream, the AOF while on). */
    private final List<Propagator> propagationTargets = new ArrayList<>();
    private final Propagator fanOut = (db, argv) -> {
        for (int i = 0; i < propagationTargets.size(); i++) {
            propagationTargets.get(i).propagate(db, argv);
        }
    };
    /** {@link #fanOut}, or a collector while EXEC or a script gathers its effects. */
    private Propagator propagator = fanOut;
    /** Components above the engine that commands reach through the server (the AOF...), by type. */
    private final Map<Class<?>, Object> components = new java.util.HashMap<>();
    /** The background dump (BGSAVE or AOF rewrite) in progress: one at a time, as Redis' one child. */
    private SnapshotDump runningDump;
    private final Watches watches;
    private final OutputLimits outputLimits = new OutputLimits(this);
    private final Eviction eviction = new Eviction(this);
    /** The collector's soft heap limit, following used_memory (null: this JVM has none to set). */
    private final SoftHeapLimit softHeapLimit = SoftHeapLimit.forThisVm();
    private final ClientEviction clientEviction = new ClientEviction(this);
    /** Clients' buffers and MULTI queues, summed by the cron (and by INFO): part of used_memory. */
    private long clientMemory;
    private long replicaClientMemory;
    /** INFO's client_recent_max_input_buffer / _output_buffer, recorded by the cron. */
    private final RecentClientPeaks clientPeaks = new RecentClientPeaks();
    private final PubSub pubSub = new PubSub(outputLimits::enforceSubscriber);
    private final KeyspaceEvents keyspaceEvents;
    private final Tracking tracking;
    private volatile StatsSnapshot snapshot = StatsSnapshot.EMPTY;
    /** Commands whose statistics the snapshot copies, in a fixed order (set at construction). */
    private final CommandSpec[] counted;
    private final List<String> countedNames;
    /** DEBUG SET-ACTIVE-EXPIRE: whether the cron removes expired keys nobody reads. */
    private boolean activeExpireEnabled = true;
    /** DEBUG PAUSE-CRON: while set the cron does nothing at all, as Redis' serverCron. */
    private boolean cronPaused;
    /** The default of DEBUG REPLYBUFFER PEAK-RESET-TIME (Redis' REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME). */
    public static final long REPLY_BUFFER_PEAK_RESET_MS = 5000;
    /** DEBUG REPLYBUFFER RESIZING: whether clients' reply buffers are resized (and idle ones released). */
    private boolean replyBufferResizing = true;
    /** DEBUG REPLYBUFFER PEAK-RESET-TIME: how often a reply buffer's peak restarts, in ms; negative: never. */
    private long replyBufferPeakResetMs = REPLY_BUFFER_PEAK_RESET_MS;
    /** Components of higher layers that live as long as the server (the script engine). */
    /** Set while a script runs past busy-reply-threshold: the BUSY error other clients get. */
    private String busyError;

    /** What the server asks of its host (the Quarkus wiring). */
    public interface Lifecycle extends Clients.Scheduler {
        /** Stops the process after the reply is flushed. */
        void shutdown(int exitCode);

        /**
         * Ends the process at once: no shutdown hooks, no further replies (Redis' exit(1) where
         * carrying on could acknowledge what is not on disk).
         */
        void halt(int exitCode);

        /**
         * Runs {@code task} on the data thread once the current event-loop turn has handled its
         * reads (Redis' beforeSleep): what is batched per turn, such as BCAST invalidations.
         */
        default void afterTurn(Runnable task) {
            schedule(0, task);
        }

        /**
         * Called from a busy script's hook, which holds the data thread: accepts the connections
         * that wait for the thread, so the hook serves them too.
         */
        default void admitNewConnections() {
        }
    }

    /** {@code families} registers the command handlers (the command layer sits above the engine). */
    public Server(ServerConfig config, Lifecycle lifecycle, Consumer<CommandTable> families) {
        this(config, lifecycle, () -> {
            CommandTable table = new CommandTable();
            families.accept(table);
            return table;
        });
    }

    /**
     * {@code table} gives the table with the command handlers registered, taken once after the
     * server's own state is built (the launcher fills it on another thread meanwhile); the server
     * owns it from then on and applies rename-command to it.
     */
    public Server(ServerConfig config, Lifecycle lifecycle, Supplier<CommandTable> table) {
        this.config = config;
        this.setLimits = config.derive(c -> new SetValue.Limits(c.setMaxIntsetEntries(), c.setMaxListpackEntries(),
                c.setMaxListpackValue()));
        this.zsetLimits = config.derive(c -> new SortedSet.Limits(c.zsetMaxListpackEntries(), c.zsetMaxListpackValue()));
        this.lifecycle = lifecycle;
        this.keyspace = new Keyspace(config.databases());
        this.clients = new Clients(lifecycle);
        this.dispatcher = new Dispatcher(this);
        this.activeExpiry = new ActiveExpiry(keyspace);
        this.hashFieldExpiry = new HashFieldExpiry(this);
        this.runId = ReplicationLog.randomId();
        propagationTargets.add(replication);
        this.commands = table.get();
        for (Map.Entry<String, String> rename : config.renamedCommands().entrySet()) {
            commands.rename(rename.getKey(), rename.getValue());
        }
        keyspace.addListener(new ExpiryPropagation(this));
        this.keyspaceEvents = new KeyspaceEvents(config, pubSub, dispatcher);
        // both listen to the funnel only while in use, so the common write path stays as it was
        attachKeyspaceEvents();
        config.addListener("notify-keyspace-events", v -> attachKeyspaceEvents());
        this.tracking = new Tracking(this);
        clients.onDisconnect(tracking::disable);
        this.watches = new Watches(keyspace);
        clients.onDisconnect(watches::unwatchAll);
        clients.onDisconnect(pubSub::forget);
        this.blocking = new Blocking(this);
        this.rdb = new RdbPersistence(this);
        applyAccessPolicy();
        for (String name : new String[] {"maxmemory-policy", "lfu-log-factor", "lfu-decay-time"}) {
            config.addListener(name, v -> applyAccessPolicy());
        }
        config.addListener("slowlog-max-len", v -> slowLog.trim(config.slowlogMaxLen()));
        logMemoryLimit();
        config.addListener("maxmemory", v -> logMemoryLimit());
        this.counted = commands.allWithHandlers().toArray(new CommandSpec[0]);
        List<String> names = new ArrayList<>(counted.length);
        for (CommandSpec spec : counted) {
            names.add(spec.fullName());
        }
        this.countedNames = List.copyOf(names);
        // readers (metrics, probes) see real figures from the start, not the empty snapshot
        this.snapshot = takeSnapshot();
    }

    private void attachKeyspaceEvents() {
        if (config.notifyKeyspaceEvents() != 0) {
            keyspace.addListener(keyspaceEvents);
        } else {
            keyspace.removeListener(keyspaceEvents);
        }
    }

    /** DEBUG CHANGE-REPL-ID: a new replication id, the secondary one cleared. */
    public void changeReplicationId() {
        replication.changeReplicationId();
        replication.clearReplicationId2();
    }

    /** LRU or LFU bookkeeping follows maxmemory-policy. */
    public void applyAccessPolicy() {
        String policy = config.maxMemoryPolicy();
        keyspace.access().configure(policy.contains("lfu"), config.lfuLogFactor(), config.lfuDecayTime());
    }

    /**
     * Evicts keys while used memory is above maxmemory (Redis' performEvictions): the dispatcher
     * runs it before every command, and the scripting engine may before its calls. FAIL means
     * nothing more can go, so a denyoom command must be refused with {@link Errors#OOM}.
     */
    public Eviction.Result performEvictions() {
        return eviction.perform();
    }

    /** What eviction keeps used_memory under: maxmemory, capped by {@link #HEAP_DATA_LIMIT}. */
    public long memoryLimit() {
        long max = config.maxMemory();
        return max == 0 ? HEAP_DATA_LIMIT : Math.min(max, HEAP_DATA_LIMIT);
    }

    private void logMemoryLimit() {
        long max = config.maxMemory();
        long heap = Runtime.getRuntime().maxMemory();
        if (max == 0) {
            LOG.infof("maxmemory is not set: data is limited to %d bytes, 3/4 of the %d-byte JVM heap "
                    + "(maxmemory-policy %s applies there)", HEAP_DATA_LIMIT, heap, config.maxMemoryPolicy());
        } else if (max > HEAP_DATA_LIMIT) {
            LOG.warnf("maxmemory %d is more than 3/4 of the %d-byte JVM heap: data is limited to %d bytes "
                    + "(give the JVM a heap of 4/3 x maxmemory or more)", max, heap, HEAP_DATA_LIMIT);
        } else {
            LOG.infof("maxmemory %d bytes, JVM heap %d bytes", max, heap);
        }
    }

    public ServerConfig config() { return config; }
    /** set-max-intset-entries, set-max-listpack-entries and -value as they stand. */
    public SetValue.Limits setLimits() { return setLimits.get(); }
    /** zset-max-listpack-entries and -value as they stand. */
    public SortedSet.Limits zsetLimits() { return zsetLimits.get(); }
    public Keyspace keyspace() { return keyspace; }
    public CommandTable commands() { return commands; }
    public Dispatcher dispatcher() { return dispatcher; }
    public Clients clients() { return clients; }
    public Watches watches() { return watches; }
    public PubSub pubSub() { return pubSub; }
    /** Keyspace notifications (notify-keyspace-events). */
    public KeyspaceEvents keyspaceEvents() { return keyspaceEvents; }
    /** Client-side caching (CLIENT TRACKING). */
    public Tracking tracking() { return tracking; }
    public OutputLimits outputLimits() { return outputLimits; }
    public Eviction eviction() { return eviction; }
    /** Clients blocked on keys (BLPOP & co.). */
    public Blocking blocking() { return blocking; }
    public ServerStats stats() { return stats; }
    public SlowLog slowLog() { return slowLog; }
    public LatencyMonitor latency() { return latency; }
    public long startMs() { return startMs; }
    public String runId() { return runId; }
    public String replicationId() { return replication.replid(); }
    /** The replication stream: ids, offset, backlog. */
    public ReplicationLog replication() { return replication; }
    public void activeExpireEnabled(boolean enabled) { activeExpireEnabled = enabled; }
    public void cronPaused(boolean paused) { cronPaused = paused; }
    public boolean replyBufferResizing() { return replyBufferResizing; }
    public void replyBufferResizing(boolean enabled) { replyBufferResizing = enabled; }
    public long replyBufferPeakResetMs() { return replyBufferPeakResetMs; }
    public void replyBufferPeakResetMs(long ms) { replyBufferPeakResetMs = ms; }
    public Lifecycle lifecycle() { return lifecycle; }
    public int tcpPort() { return tcpPort; }
    /** Loading and persistence state behind the readiness probe; safe to use from any thread. */
    public ReadinessState readiness() { return readiness; }

    /** INFO's loading_* figures while a data file loads (data thread). */
    public LoadingProgress loadingProgress() { return loadingProgress; }
    /** RDB snapshots: SAVE, BGSAVE, save points, loading. */
    public RdbPersistence rdb() { return rdb; }
    public void tcpPort(int port) { tcpPort = port; }

    /** Where write effects go now: every propagation target, or what EXEC or a script collects. */
    public Propagator propagator() {
        return propagator;
    }

    /**
     * EXEC and scripts collect their commands' effects here, then hand them (wrapped in MULTI/EXEC)
     * to the propagator they replaced; {@link #propagateTo(Propagator)} with that one restores it.
     */
    public void propagateTo(Propagator target) {
        propagator = target;
    }

    /** Whether EXEC or a script is collecting effects (they reach the targets only at its end). */
    public boolean collectingEffects() {
        return propagator != fanOut;
    }

    /** A lasting receiver of every effect (the AOF while appendonly is on). */
    public void addPropagationTarget(Propagator target) {
        if (!propagationTargets.contains(target)) {
            propagationTargets.add(target);
        }
    }

    public void removePropagationTarget(Propagator target) {
        propagationTargets.remove(target);
    }

    public boolean propagatesTo(Propagator target) {
        return propagationTargets.contains(target);
    }

    public SnapshotDump runningDump() {
        return runningDump;
    }

    void runningDump(SnapshotDump dump) {
        runningDump = dump;
    }

    /** Makes {@code component} reachable by commands as {@link #component}(type). */
    public <T> void attach(Class<T> type, T component) {
        components.put(type, component);
    }

    /** The component attached for {@code type}, or null (e.g. in tests that build a bare server). */
    public <T> T component(Class<T> type) {
        return type.cast(components.get(type));
    }

    /** The function libraries (RDB files and FUNCTION DUMP carry them); none without scripting. */
    public FunctionLibraryStore functionLibraries() {
        FunctionLibraryStore store = component(FunctionLibraryStore.class);
        return store == null ? FunctionLibraryStore.NONE : store;
    }

    /** The server's instance of a higher layer's component, created by {@code factory} on first use. */
    public <T> T service(Class<T> type, java.util.function.Function<Server, T> factory) {
        Object existing = components.get(type);
        if (existing == null) {
            existing = factory.apply(this);
            components.put(type, existing);
        }
        return type.cast(existing);
    }

    /**
     * The BUSY error for commands without the allow-busy flag while a script or function runs past
     * busy-reply-threshold (the script's hook serves other clients meanwhile); null otherwise.
     */
    public String busyError() {
        return busyError;
    }

    public void busyError(String error) {
        busyError = error;
    }

    public boolean authRequired() {
        return config.hasRequirePass();
    }

    /**
     * The periodic task (hz times a second): active expiry within a quarter of the tick, a
     * millisecond of table-resize progress, idle client timeouts, and a fresh statistics
     * snapshot for other threads.
     */
    public void cron() {
        if (cronPaused) {
            return;
        }
        int hz = Math.max(1, Math.min(500, config.hz()));
        long tickNanos = 1_000_000_000L / hz;
        keyspace.clock().update(); // idle timeouts need the time even with active expiry off
        // a replica's keys expire by its master's DELs only
        if (activeExpireEnabled && !keyspace.replicaExpiry()) {
            activeExpiry.run(tickNanos / 4, config.activeExpireEffort());
            hashFieldExpiry.run(tickNanos / 16);
        }
        tracking.limitTable();
        keyspace.migrateTables(1_000_000);
        clientEviction.enforce(config.maxMemoryClients());
        refreshClientMemory();
        recordClientPeaks();
        eviction.perform(); // memory may have grown without commands (client buffers)
        if (softHeapLimit != null) {
            softHeapLimit.follow(usedMemory());
        }
        rdb.cron();
        clients.closeIdle(keyspace.clock().now(), config.timeoutSeconds());
        stats.sample(System.currentTimeMillis());
        snapshot = takeSnapshot();
    }

    /** The latest statistics snapshot; safe to read from any thread. */
    public StatsSnapshot snapshot() {
        return snapshot;
    }

    /** Full names of the commands and subcommands whose statistics the snapshot carries, in its order. */
    public List<String> countedCommandNames() {
        return countedNames;
    }

    /**
     * Copies the counters into a fresh immutable snapshot. Runs hz times a second on the data
     * thread, so it does no per-key work: a few hundred array slots (per-command counters), one
     * pair of figures per database and the error codes (at most 128).
     */
    private StatsSnapshot takeSnapshot() {
        int n = keyspace.count();
        long[] keys = new long[n];
        long[] expiring = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = keyspace.db(i).size();
            expiring[i] = keyspace.db(i).expiringCount();
        }
        int c = counted.length;
        long[] calls = new long[c];
        long[] micros = new long[c];
        long[] failed = new long[c];
        long[] rejected = new long[c];
        for (int i = 0; i < c; i++) {
            CommandSpec spec = counted[i];
            calls[i] = spec.calls();
            micros[i] = spec.micros();
            failed[i] = spec.failedCalls();
            rejected[i] = spec.rejectedCalls();
        }
        Map<String, Long> errors = stats.errorsByCode().isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(stats.errorsByCode()));
        AofState aof = component(AofState.class);
        StatsSnapshot.Persistence persistence = new StatsSnapshot.Persistence(
                "yes".equalsIgnoreCase(config.get("appendonly")), readiness.loading(), readiness.persistenceWritable(),
                rdb.changesSinceLastSave(), rdb.lastSaveSeconds(), rdb.bgsaveInProgress(), rdb.lastBgsaveOk(),
                aof != null && aof.rewriteInProgress(), aof == null || aof.lastRewriteOk());
        KeyspaceStats ks = keyspace.stats();
        return new StatsSnapshot(System.currentTimeMillis(), startMs, config.hz(),
                clients.count(), blocking.blockedClients() + clients.postponedClients(), config.maxClients(),
                usedMemory(), peakMemory, config.maxMemory(), config.maxMemoryPolicy(),
                stats.connectionsReceived, stats.rejectedConnections, stats.commandsProcessed,
                stats.netInputBytes, stats.netOutputBytes, stats.errorReplies,
                ks.expiredKeys, ks.evictedKeys, ks.hits, ks.misses, keys, expiring,
                new StatsSnapshot.CommandCounters(countedNames, calls, micros, failed, rejected), errors, persistence);
    }

    /**
     * What INFO reports as rdb_changes_since_last_save: keys changed by commands, counted by the
     * mutation funnel as Redis counts server.dirty, since the last successful save or load.
     */
    public long changesSinceLastSave() {
        return rdb.changesSinceLastSave();
    }

    /**
     * Sums what clients hold now (output buffers, MULTI queues) into the figure used_memory includes,
     * and apart what replicas hold (the stream they have not read yet).
     */
    public long refreshClientMemory() {
        long sum = 0;
        long replicas = 0;
        for (Client c : clients.all()) {
            long m = c.memoryUsage();
            sum += m;
            if (c.replica()) {
                replicas += m;
            }
        }
        clientMemory = sum;
        replicaClientMemory = replicas;
        return sum;
    }

    /** The part of {@link #clientMemory} that replicas hold, as last summed. */
    public long replicaClientMemory() {
        return replicaClientMemory;
    }

    /**
     * Each client's input (the largest request it held since the previous pass, or what it holds now
     * if more) and unsent output, into the recent peaks INFO clients reports.
     */
    private void recordClientPeaks() {
        clientPeaks.beginPass(keyspace.clock().now());
        for (Client c : clients.all()) {
            clientPeaks.record(c.transport().takeInputPeak(), c.transport().pendingOutput());
        }
    }

    public RecentClientPeaks clientPeaks() {
        return clientPeaks;
    }

    /** Clients' memory as last summed (see {@link #refreshClientMemory}). */
    public long clientMemory() {
        return clientMemory;
    }

    /**
     * INFO used_memory: the keyspace estimate, clients' memory as the cron last summed it, the
     * client-tracking table, the replication backlog and {@link #BASELINE_MEMORY}; tracks the peak.
     */
    public long usedMemory() {
        long used = keyspace.heapBytes() + BASELINE_MEMORY + clientMemory + tracking.heapBytes() + replication.backlogBytes();
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
