package kv.server;

import kv.observe.ProcessInfo;
import kv.observe.StatsSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import kv.server.RespServer;
import kv.engine.Server;
import kv.util.Version;

/**
 * Prometheus meters named and typed as oliver006/redis_exporter names them (its INFO field
 * mapping: {@code used_memory} → {@code redis_memory_used_bytes}, {@code cmdstat_<cmd>} →
 * {@code redis_commands_total{cmd}}, ...), so existing dashboards and alerts work unchanged.
 *
 * <p>Every meter reads the {@link StatsSnapshot} the data thread publishes each cron tick: a
 * scrape never walks the keyspace or touches live state. The only figures read at scrape time
 * come from the operating system ({@code /proc/self}): process CPU and resident memory.
 *
 * <p>Meters are registered at start-up, never during a scrape. Two label sets are not known
 * then: error codes (errorstats) and the instance's maxmemory-policy (a label of
 * {@code redis_instance_info}, changeable by CONFIG SET). A background thread looks at the
 * snapshot once a second and registers a new code's counter, or swaps the info gauge.
 */
@ApplicationScoped
public class RedisMetrics {
    /** Error codes registered up front: those KV replies with, and Redis' others that features to come will. */
    static final List<String> KNOWN_ERROR_CODES = List.of("ERR", "WRONGTYPE", "NOAUTH", "WRONGPASS", "NOPROTO", "NOPERM",
            "OOM", "EXECABORT", "BUSY", "NOSCRIPT", "LOADING", "READONLY", "MISCONF", "MASTERDOWN");

    @Inject
    MeterRegistry registry;

    @Inject
    RespServer server;

    private final Set<String> errorCodes = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService labelWatcher;
    private volatile Meter instanceInfo;
    private volatile String instancePolicy;
    /** SLOWLOG LEN, fetched from the data thread by the label watcher (the slow log is the data thread's). */
    private volatile long slowlogLength;
    /** Meters of the replicas seen at the last refresh, by [ip, port, state]; the label-refresh thread only. */
    private final Map<List<String>, List<Meter>> replicaMeters = new java.util.HashMap<>();

    void onStart(@Observes StartupEvent event) {
        Gauge.builder("redis_up", () -> server.accepting() ? 1 : 0)
                .description("1 while the server accepts connections").register(registry);

        // Server
        gauge("redis_uptime_in_seconds", "Seconds since the server started",
                s -> s.startMs() == 0 ? 0 : (s.takenAtMs() - s.startMs()) / 1000);
        gauge("redis_start_time_seconds", "Start time of the server, unix seconds", s -> s.startMs() / 1000);
        Gauge.builder("redis_process_id", () -> ProcessHandle.current().pid())
                .description("Process id of the server").register(registry);
        gauge("redis_hz", "Cron ticks per second (hz)", StatsSnapshot::hz);
        gauge("redis_configured_hz", "Configured hz", StatsSnapshot::hz);
        Gauge.builder("kv_stats_snapshot_age_seconds", this, m -> {
            StatsSnapshot s = m.snapshot();
            return s.takenAtMs() == 0 ? 0 : Math.max(0, System.currentTimeMillis() - s.takenAtMs()) / 1000.0;
        }).description("Age of the statistics snapshot these metrics read (KV only; grows if the data thread stalls)")
                .register(registry);

        // Clients
        gauge("redis_connected_clients", "Client connections", StatsSnapshot::connectedClients);
        gauge("redis_blocked_clients", "Clients blocked in a blocking command", StatsSnapshot::blockedClients);
        gauge("redis_config_maxclients", "The maxclients directive", StatsSnapshot::maxClients);
        counter("redis_connections_received_total", "Connections accepted", StatsSnapshot::connectionsReceived);
        counter("redis_rejected_connections_total", "Connections refused because of maxclients", StatsSnapshot::rejectedConnections);

        // Memory
        gauge("redis_memory_used_bytes", "used_memory: estimated bytes used by the data and the server", StatsSnapshot::usedMemory);
        gauge("redis_memory_used_peak_bytes", "used_memory_peak", StatsSnapshot::peakMemory);
        gauge("redis_memory_used_startup_bytes", "used_memory_startup", s -> Server.BASELINE_MEMORY);
        gauge("redis_memory_used_dataset_bytes", "used_memory_dataset",
                s -> s.usedMemory() == 0 ? 0 : s.usedMemory() - Server.BASELINE_MEMORY);
        gauge("redis_memory_max_bytes", "The maxmemory directive (0 = no limit)", StatsSnapshot::maxMemory);
        gauge("redis_config_maxmemory", "The maxmemory directive", StatsSnapshot::maxMemory);
        Gauge.builder("redis_memory_used_rss_bytes", ProcessInfo::residentSetBytes)
                .description("used_memory_rss: resident set size of the process").register(registry);
        Gauge.builder("redis_mem_fragmentation_ratio", this, m -> {
            long used = m.snapshot().usedMemory();
            return used == 0 ? 0 : (double) ProcessInfo.residentSetBytes() / used;
        }).description("mem_fragmentation_ratio: used_memory_rss / used_memory (for KV mostly JVM overhead, not fragmentation)")
                .register(registry);

        // Slow log
        Gauge.builder("redis_slowlog_length", this, m -> m.slowlogLength)
                .description("SLOWLOG LEN (refreshed every second)").register(registry);

        // Stats
        counter("redis_commands_processed_total", "Commands processed", StatsSnapshot::commandsProcessed);
        counter("redis_net_input_bytes_total", "Bytes read from clients", StatsSnapshot::netInputBytes);
        counter("redis_net_output_bytes_total", "Bytes written to clients", StatsSnapshot::netOutputBytes);
        counter("redis_expired_keys_total", "Keys deleted because their TTL passed", StatsSnapshot::expiredKeys);
        counter("redis_evicted_keys_total", "Keys evicted because of maxmemory", StatsSnapshot::evictedKeys);
        counter("redis_keyspace_hits_total", "Successful key lookups", StatsSnapshot::keyspaceHits);
        counter("redis_keyspace_misses_total", "Failed key lookups", StatsSnapshot::keyspaceMisses);

        // CPU (read from the OS at scrape time, as INFO does)
        FunctionCounter.builder("redis_cpu_sys_seconds_total", this, m -> ProcessInfo.cpuSeconds()[0])
                .description("System CPU seconds used by the process").register(registry);
        FunctionCounter.builder("redis_cpu_user_seconds_total", this, m -> ProcessInfo.cpuSeconds()[1])
                .description("User CPU seconds used by the process").register(registry);

        // Persistence
        Gauge.builder("redis_master_link_up", () -> {
            kv.observe.ReadinessState state = server.readiness();
            return state != null && state.masterLinkUp() ? 1 : 0;
        }).description("1 while this replica's link with its master is up (0 on a master)").register(registry);
        gauge("redis_loading_dump_file", "1 while a data file is being loaded", s -> flag(s.persistence().loading()));
        gauge("redis_rdb_changes_since_last_save", "Changes since the last save or load",
                s -> s.persistence().changesSinceLastSave());
        gauge("redis_rdb_bgsave_in_progress", "1 while a BGSAVE runs", s -> flag(s.persistence().rdbSaveInProgress()));
        gauge("redis_rdb_last_save_timestamp_seconds", "Time of the last save, unix seconds (start time until one happens)",
                s -> s.persistence().lastSaveUnixSeconds());
        gauge("redis_rdb_last_bgsave_status", "1 if the last BGSAVE succeeded (or none ran)", s -> flag(s.persistence().lastBgsaveOk()));
        gauge("redis_aof_enabled", "The appendonly directive", s -> flag(s.persistence().aofEnabled()));
        gauge("redis_aof_rewrite_in_progress", "1 while a BGREWRITEAOF runs", s -> flag(s.persistence().aofRewriteInProgress()));
        gauge("redis_aof_last_bgrewrite_status", "1 if the last BGREWRITEAOF succeeded (or none ran)", s -> flag(s.persistence().lastRewriteOk()));
        gauge("redis_aof_last_write_status", "1 while persistence writes succeed", s -> flag(s.persistence().aofLastWriteOk()));

        // Replication
        Gauge.builder("redis_connected_slaves", this, m -> m.server.replicationFigures().replicas().size())
                .description("Connected replicas").register(registry);
        Gauge.builder("redis_master_repl_offset", this, m -> m.server.replicationFigures().masterReplOffset())
                .description("master_repl_offset: bytes of the replication stream so far").register(registry);
        Gauge.builder("redis_replication_backlog_bytes", this, m -> m.server.replicationFigures().backlogSize())
                .description("repl_backlog_size").register(registry);

        // Keyspace: every database, empty or not
        for (int db = 0; db < server.databases(); db++) {
            final int index = db;
            Gauge.builder("redis_db_keys", this, m -> at(m.snapshot().keysPerDb(), index))
                    .description("Keys per database").tag("db", "db" + db).register(registry);
            Gauge.builder("redis_db_keys_expiring", this, m -> at(m.snapshot().expiringPerDb(), index))
                    .description("Keys with a TTL per database").tag("db", "db" + db).register(registry);
        }

        // Commandstats, by the name INFO commandstats uses ("get", "config|get")
        List<String> names = server.commandNames();
        for (int i = 0; i < names.size(); i++) {
            final int index = i;
            Tags tags = Tags.of("cmd", names.get(i));
            FunctionCounter.builder("redis_commands_total", this, m -> at(m.snapshot().commands().calls(), index))
                    .description("Calls per command").tags(tags).register(registry);
            FunctionCounter.builder("redis_commands_duration_seconds_total", this,
                    m -> at(m.snapshot().commands().micros(), index) / 1e6)
                    .description("Seconds spent per command").tags(tags).register(registry);
            FunctionCounter.builder("redis_commands_failed_calls_total", this, m -> at(m.snapshot().commands().failedCalls(), index))
                    .description("Calls per command that replied with an error").tags(tags).register(registry);
            FunctionCounter.builder("redis_commands_rejected_calls_total", this,
                    m -> at(m.snapshot().commands().rejectedCalls(), index))
                    .description("Calls per command refused before running (arity, auth, ...)").tags(tags).register(registry);
        }

        // Errorstats and instance info: the label sets that can grow or change after start-up
        KNOWN_ERROR_CODES.forEach(this::registerErrorCode);
        refreshLabels();
        labelWatcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kv-metrics-labels");
            t.setDaemon(true);
            return t;
        });
        LatencyMeters latency = new LatencyMeters(registry, server);
        labelWatcher.scheduleWithFixedDelay(() -> {
            refreshLabels();
            try {
                latency.refresh();
            } catch (Exception e) {
                // as refreshLabels: the next tick tries again
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (labelWatcher != null) {
            labelWatcher.shutdownNow();
        }
    }

    /** Registers meters for label values that appeared since start-up; off the data thread and the scrape path. */
    void refreshLabels() {
        try {
            StatsSnapshot s = snapshot();
            for (String code : s.errorsByCode().keySet()) {
                registerErrorCode(code);
            }
            if (server.accepting()) {
                server.onDataThread(() -> server.server().slowLog().size()).onSuccess(n -> slowlogLength = n);
            }
            refreshReplicaMeters();
            String policy = s.takenAtMs() == 0 ? null : s.maxMemoryPolicy();
            if (instanceInfo == null || (policy != null && !policy.equals(instancePolicy))) {
                registerInstanceInfo(policy == null ? "" : policy);
            }
        } catch (RuntimeException e) {
            // a metrics refresh must never take anything down; the next tick tries again
        }
    }

    /**
     * One offset and one lag gauge per connected replica, labelled as redis_exporter labels them;
     * the meters of replicas that left are removed.
     */
    private void refreshReplicaMeters() {
        java.util.Set<List<String>> present = new java.util.HashSet<>();
        for (kv.repl.MasterSide.ReplicaView r : server.replicationFigures().replicas()) {
            List<String> labels = List.of(r.ip(), Integer.toString(r.port()), r.state());
            present.add(labels);
            if (replicaMeters.containsKey(labels)) {
                continue;
            }
            Tags tags = Tags.of("slave_ip", r.ip(), "slave_port", labels.get(1), "slave_state", r.state());
            Meter offset = Gauge.builder("redis_connected_slave_offset_bytes", this, m -> m.replicaFigure(labels, true))
                    .description("Offset acknowledged by a connected replica").tags(tags).register(registry);
            Meter lag = Gauge.builder("redis_connected_slave_lag_seconds", this, m -> m.replicaFigure(labels, false))
                    .description("Seconds since a connected replica's last acknowledgement").tags(tags).register(registry);
            replicaMeters.put(labels, List.of(offset, lag));
        }
        for (java.util.Iterator<Map.Entry<List<String>, List<Meter>>> it = replicaMeters.entrySet().iterator(); it.hasNext();) {
            Map.Entry<List<String>, List<Meter>> e = it.next();
            if (!present.contains(e.getKey())) {
                e.getValue().forEach(registry::remove);
                it.remove();
            }
        }
    }

    private double replicaFigure(List<String> labels, boolean offset) {
        for (kv.repl.MasterSide.ReplicaView r : server.replicationFigures().replicas()) {
            if (r.ip().equals(labels.get(0)) && Integer.toString(r.port()).equals(labels.get(1)) && r.state().equals(labels.get(2))) {
                return offset ? r.ackOffset() : r.lagSeconds();
            }
        }
        return Double.NaN;
    }

    private void registerErrorCode(String code) {
        if (errorCodes.add(code)) {
            FunctionCounter.builder("redis_errors_total", this, m -> m.snapshot().errorsByCode().getOrDefault(code, 0L))
                    .description("Error replies per error code (errorstats)").tag("err", code).register(registry);
        }
    }

    private synchronized void registerInstanceInfo(String policy) {
        Meter old = instanceInfo;
        Tags tags = Tags.of("role", "master", "redis_version", Version.REDIS, "redis_build_id", "0",
                "redis_mode", "standalone", "os", ProcessInfo.os(), "maxmemory_policy", policy,
                "tcp_port", String.valueOf(server.port()), "run_id", server.runId(),
                "process_id", String.valueOf(ProcessHandle.current().pid()), "master_replid", server.replicationId());
        instanceInfo = Gauge.builder("redis_instance_info", () -> 1).description("Information about the server (value 1)")
                .tags(tags).register(registry);
        instancePolicy = policy;
        if (old != null && !old.getId().equals(instanceInfo.getId())) {
            registry.remove(old);
        }
    }

    private void gauge(String name, String help, ToDoubleFunction<StatsSnapshot> f) {
        Gauge.builder(name, this, m -> f.applyAsDouble(m.snapshot())).description(help).register(registry);
    }

    private void counter(String name, String help, ToDoubleFunction<StatsSnapshot> f) {
        FunctionCounter.builder(name, this, m -> f.applyAsDouble(m.snapshot())).description(help).register(registry);
    }

    private StatsSnapshot snapshot() {
        return server.snapshot();
    }

    private static double flag(boolean b) {
        return b ? 1 : 0;
    }

    private static double at(long[] values, int index) {
        return index < values.length ? values[index] : 0;
    }
}
