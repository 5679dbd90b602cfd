package kv.command;

import kv.observe.LatencyHistogram;
import kv.observe.ProcessInfo;
import kv.observe.ServerStats;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import kv.engine.CommandSpec;
import kv.engine.Client;
import kv.aof.AppendOnlyFile;
import kv.engine.ReplicationBacklog;
import kv.engine.ReplicationLog;
import kv.engine.ScriptMemory;
import kv.engine.Server;
import kv.repl.Failover;
import kv.repl.MasterSide;
import kv.repl.ReplicaSide;
import kv.store.Db;
import kv.store.Keyspace;
import kv.util.HumanBytes;
import kv.util.Doubles;
import kv.util.WallClock;
import kv.util.Version;

/**
 * The text of INFO: Redis' sections, field names and formatting ({@code # Section} headers, one
 * {@code name:value} per line, CRLF line ends, a blank line between sections). Figures KV does not
 * have (forks, replication backlog, allocator internals) are reported as Redis reports them on an
 * idle server without that feature; JVM figures Redis has no name for are added as {@code kv_*}.
 */
public final class Info {
    /** Sections of plain INFO / INFO default, in Redis' order. */
    private static final List<String> DEFAULT = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");
    /** Sections of INFO all / everything, in Redis' order. */
    private static final List<String> ALL = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace");

    private Info() {
    }

    /** The sections named by INFO's arguments (lower case); unknown names select nothing. */
    public static Set<String> select(List<String> args) {
        Set<String> out = new LinkedHashSet<>();
        if (args.isEmpty()) {
            out.addAll(DEFAULT);
            return out;
        }
        for (String a : args) {
            String s = a.toLowerCase(Locale.ROOT);
            switch (s) {
                case "default" -> out.addAll(DEFAULT);
                case "all", "everything" -> out.addAll(ALL);
                default -> out.add(s);
            }
        }
        return out;
    }

    public static String render(Server server, Client caller, Set<String> sections) {
        StringBuilder sb = new StringBuilder(4096);
        for (String name : ALL) {
            if (!sections.contains(name)) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append("\r\n");
            }
            switch (name) {
                case "server" -> server(sb, server);
                case "clients" -> clients(sb, server);
                case "memory" -> memory(sb, server);
                case "persistence" -> persistence(sb, server);
                case "stats" -> stats(sb, server);
                case "replication" -> replication(sb, server);
                case "cpu" -> cpu(sb);
                case "modules" -> sb.append("# Modules\r\n");
                case "commandstats" -> commandStats(sb, server);
                case "errorstats" -> errorStats(sb, server);
                case "latencystats" -> latencyStats(sb, server);
                case "cluster" -> sb.append("# Cluster\r\n").append("cluster_enabled:0\r\n");
                case "keyspace" -> keyspace(sb, server);
                default -> { }
            }
        }
        return sb.toString();
    }

    private static void field(StringBuilder sb, String name, Object value) {
        sb.append(name).append(':').append(value).append("\r\n");
    }

    private static void server(StringBuilder sb, Server s) {
        long nowMs = System.currentTimeMillis();
        long uptime = (nowMs - s.startMs()) / 1000;
        sb.append("# Server\r\n");
        field(sb, "redis_version", Version.REDIS);
        field(sb, "kv_version", Version.KV);
        field(sb, "redis_git_sha1", "00000000");
        field(sb, "redis_git_dirty", 0);
        field(sb, "redis_build_id", "0");
        field(sb, "redis_mode", "standalone");
        field(sb, "os", ProcessInfo.os());
        field(sb, "arch_bits", System.getProperty("os.arch").contains("64") ? 64 : 32);
        field(sb, "monotonic_clock", "POSIX clock_gettime");
        field(sb, "multiplexing_api", "vertx");
        field(sb, "atomicvar_api", "java");
        field(sb, "gcc_version", "0.0.0");
        field(sb, "java_version", System.getProperty("java.version"));
        field(sb, "process_id", ProcessHandle.current().pid());
        field(sb, "process_supervised", "no");
        field(sb, "run_id", s.runId());
        field(sb, "tcp_port", s.tcpPort());
        field(sb, "kv_management_port", s.config().managementPort());
        field(sb, "server_time_usec", WallClock.micros());
        field(sb, "uptime_in_seconds", uptime);
        field(sb, "uptime_in_days", uptime / 86400);
        field(sb, "hz", s.config().hz());
        field(sb, "configured_hz", s.config().hz());
        field(sb, "lru_clock", (nowMs / 1000) & ((1 << 24) - 1));
        field(sb, "executable", ProcessHandle.current().info().command().orElse(""));
        String configFile = s.config().configFile() == null ? "" : s.config().configFile().toString();
        field(sb, "config_file", configFile == null ? "" : configFile);
        field(sb, "io_threads_active", 0);
        ShutdownCommand.info(s, sb);
    }

    private static void clients(StringBuilder sb, Server s) {
        sb.append("# Clients\r\n");
        MasterSide master = s.component(MasterSide.class);
        // replicas are clients, but not counted here (Redis: clients minus slaves)
        field(sb, "connected_clients", s.clients().count() - (master == null ? 0 : master.replicaCount()));
        field(sb, "cluster_connections", 0);
        field(sb, "maxclients", s.config().maxClients());
        field(sb, "client_recent_max_input_buffer", s.clientPeaks().maxInput());
        field(sb, "client_recent_max_output_buffer", s.clientPeaks().maxOutput());
        field(sb, "blocked_clients", s.blocking().blockedClients() + s.clients().postponedClients());
        field(sb, "tracking_clients", s.tracking().trackingClients());
        int pubsubClients = 0;
        for (Client c : s.clients().all()) {
            if (s.pubSub().subscribed(c)) {
                pubsubClients++;
            }
        }
        field(sb, "pubsub_clients", pubsubClients);
        field(sb, "watching_clients", s.watches().watchingClients());
        field(sb, "clients_in_timeout_table", s.blocking().timedClients());
        field(sb, "total_watched_keys", s.watches().watchedKeys());
        field(sb, "total_blocking_keys", s.blocking().blockingKeys());
        field(sb, "total_blocking_keys_on_nokey", s.blocking().blockingKeysOnNoKey());
    }

    private static void memory(StringBuilder sb, Server s) {
        s.refreshClientMemory();
        MemoryFigures m = MemoryFigures.of(s);
        long used = m.used();
        long rss = m.rss();
        sb.append("# Memory\r\n");
        field(sb, "used_memory", used);
        field(sb, "used_memory_human", human(used));
        field(sb, "used_memory_rss", rss);
        field(sb, "used_memory_rss_human", human(rss));
        field(sb, "used_memory_peak", m.peak());
        field(sb, "used_memory_peak_human", human(m.peak()));
        field(sb, "used_memory_peak_perc", percent(used, m.peak()));
        field(sb, "used_memory_overhead", m.overhead());
        field(sb, "used_memory_startup", m.startup());
        field(sb, "used_memory_dataset", m.dataset());
        field(sb, "used_memory_dataset_perc", String.format(Locale.ROOT, "%.2f%%", m.datasetPercent()));
        field(sb, "allocator_allocated", m.heapUsed());
        field(sb, "allocator_active", m.heapCommitted());
        field(sb, "allocator_resident", rss);
        field(sb, "total_system_memory", m.totalSystem());
        field(sb, "total_system_memory_human", human(m.totalSystem()));
        // the Lua states live on the Java heap and are not measured apart: the vm figures stay 0
        ScriptMemory scripts = s.component(ScriptMemory.class);
        long scriptsEval = scripts == null ? 0 : scripts.cachedScriptBytes();
        long functions = scripts == null ? 0 : scripts.libraryBytes();
        field(sb, "used_memory_lua", 0);
        field(sb, "used_memory_vm_eval", 0);
        field(sb, "used_memory_lua_human", human(0));
        field(sb, "used_memory_scripts_eval", scriptsEval);
        field(sb, "number_of_cached_scripts", scripts == null ? 0 : scripts.cachedScriptCount());
        field(sb, "number_of_functions", scripts == null ? 0 : scripts.functionCount());
        field(sb, "number_of_libraries", scripts == null ? 0 : scripts.libraryCount());
        field(sb, "used_memory_vm_functions", 0);
        field(sb, "used_memory_vm_total", 0);
        field(sb, "used_memory_vm_total_human", human(0));
        field(sb, "used_memory_functions", functions);
        field(sb, "used_memory_scripts", scriptsEval + functions);
        field(sb, "used_memory_scripts_human", human(scriptsEval + functions));
        long maxmemory = s.config().maxMemory();
        field(sb, "maxmemory", maxmemory);
        field(sb, "maxmemory_human", human(maxmemory));
        field(sb, "maxmemory_policy", s.config().maxMemoryPolicy());
        field(sb, "allocator_frag_ratio", twoDigits(m.allocatorFragRatio()));
        field(sb, "allocator_frag_bytes", m.heapCommitted() - m.heapUsed());
        field(sb, "allocator_rss_ratio", twoDigits(m.allocatorRssRatio()));
        field(sb, "allocator_rss_bytes", rss - m.heapCommitted());
        field(sb, "rss_overhead_ratio", "1.00");
        field(sb, "rss_overhead_bytes", 0);
        field(sb, "mem_fragmentation_ratio", twoDigits(m.fragmentation()));
        field(sb, "mem_fragmentation_bytes", rss - used);
        field(sb, "mem_not_counted_for_evict", 0);
        field(sb, "mem_replication_backlog", m.replBacklog());
        field(sb, "mem_total_replication_buffers", m.replicationBuffers());
        field(sb, "mem_clients_slaves", m.replicaClients());
        field(sb, "mem_clients_normal", m.normalClients());
        field(sb, "mem_cluster_links", 0);
        field(sb, "mem_aof_buffer", 0);
        field(sb, "mem_allocator", "jvm");
        field(sb, "active_defrag_running", 0);
        field(sb, "lazyfree_pending_objects", 0);
        field(sb, "lazyfreed_objects", 0);
        field(sb, "kv_heap_used", m.heapUsed());
        field(sb, "kv_heap_committed", m.heapCommitted());
        field(sb, "kv_heap_max", m.heapMax());
        // the key slabs: pages held, records in them, and their ratio (free space not yet reused or
        // given back); pages held with no record in use (until the cron, or a snapshot's end) count against 1 byte
        long slabPages = s.keyspace().slabPageBytes();
        long slabUsed = s.keyspace().slabLiveBytes();
        field(sb, "kv_slab_pages", slabPages);
        field(sb, "kv_slab_used", slabUsed);
        field(sb, "kv_slab_frag_ratio", twoDigits(slabPages == 0 ? 1 : (double) slabPages / Math.max(1, slabUsed)));
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        field(sb, "kv_gc_count", gcCount);
        field(sb, "kv_gc_time_ms", gcMillis);
    }

    private static String twoDigits(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static void persistence(StringBuilder sb, Server s) {
        String appendonly = s.config().get("appendonly");
        sb.append("# Persistence\r\n");
        field(sb, "loading", s.readiness().loading() ? 1 : 0);
        field(sb, "async_loading", 0);
        // KV's copy-on-write analogue: what the running dump's snapshot holds beyond the live data
        kv.engine.SnapshotDump dump = s.runningDump();
        field(sb, "current_cow_peak", dump == null ? 0 : dump.cowPeak());
        field(sb, "current_cow_size", dump == null ? 0 : dump.cowBytes());
        field(sb, "current_cow_size_age", 0);
        field(sb, "current_fork_perc", "0.00");
        kv.engine.RdbPersistence rdb = s.rdb();
        field(sb, "current_save_keys_processed", rdb.keysProcessed());
        field(sb, "current_save_keys_total", rdb.keysTotal());
        field(sb, "rdb_changes_since_last_save", s.changesSinceLastSave());
        MasterSide replicas = s.component(MasterSide.class);
        boolean replicationDump = replicas != null && replicas.fullSyncRunning();
        field(sb, "rdb_bgsave_in_progress", rdb.bgsaveInProgress() || replicationDump ? 1 : 0);
        field(sb, "rdb_last_save_time", rdb.lastSaveSeconds());
        field(sb, "rdb_last_bgsave_status", rdb.lastBgsaveOk() ? "ok" : "err");
        field(sb, "rdb_last_bgsave_time_sec", rdb.lastBgsaveSeconds());
        field(sb, "rdb_current_bgsave_time_sec", rdb.currentBgsaveSeconds());
        field(sb, "rdb_saves", rdb.saves());
        field(sb, "rdb_last_cow_size", rdb.lastCowSize());
        field(sb, "rdb_last_load_keys_expired", rdb.lastLoadExpired());
        field(sb, "rdb_last_load_keys_loaded", rdb.lastLoadKeys());
        AppendOnlyFile aof = s.component(AppendOnlyFile.class);
        AppendOnlyFile.RewriteStats rw = aof == null ? null : aof.rewrites();
        boolean aofOn = aof != null && aof.enabled();
        field(sb, "aof_enabled", "yes".equalsIgnoreCase(appendonly) ? 1 : 0);
        field(sb, "aof_rewrite_in_progress", aof != null && aof.rewriteInProgress() ? 1 : 0);
        field(sb, "aof_rewrite_scheduled", aof != null && aof.rewriteScheduled() ? 1 : 0);
        field(sb, "aof_last_rewrite_time_sec", rw == null ? -1 : rw.lastSeconds());
        field(sb, "aof_current_rewrite_time_sec", aof == null ? -1 : aof.currentRewriteSeconds());
        field(sb, "aof_last_bgrewrite_status", rw == null || rw.lastOk() ? "ok" : "err");
        field(sb, "aof_rewrites", rw == null ? 0 : rw.count());
        field(sb, "aof_rewrites_consecutive_failures", rw == null ? 0 : rw.consecutiveFailures());
        field(sb, "aof_last_write_status", aof == null || aof.lastWriteOk() ? "ok" : "err");
        field(sb, "aof_last_cow_size", aof == null ? 0 : aof.lastCowSize());
        field(sb, "module_fork_in_progress", 0);
        field(sb, "module_fork_last_cow_size", 0);
        if (aofOn) {
            // as Redis, these only while the AOF is on
            field(sb, "aof_current_size", aof.currentSize());
            field(sb, "aof_base_size", aof.baseSize());
            field(sb, "aof_pending_rewrite", 0);
            field(sb, "aof_buffer_length", aof.bufferLength());
            field(sb, "aof_pending_bio_fsync", aof.pendingFsyncs());
            field(sb, "aof_delayed_fsync", aof.delayedFsyncs());
        }
        if (s.readiness().loading()) {
            loadingProgress(sb, s.loadingProgress());
        }
    }

    private static void loadingProgress(StringBuilder sb, kv.observe.LoadingProgress p) {
        field(sb, "loading_start_time", p.startSeconds());
        field(sb, "loading_total_bytes", p.totalBytes());
        field(sb, "loading_rdb_used_mem", p.rdbUsedMem());
        field(sb, "loading_loaded_bytes", p.loadedBytes());
        field(sb, "loading_loaded_perc", twoDigits(p.percent()));
        field(sb, "loading_eta_seconds", p.etaSeconds(System.currentTimeMillis() / 1000));
    }

    private static void stats(StringBuilder sb, Server s) {
        ServerStats st = s.stats();
        Keyspace ks = s.keyspace();
        sb.append("# Stats\r\n");
        field(sb, "total_connections_received", st.connectionsReceived);
        field(sb, "total_commands_processed", st.commandsProcessed);
        field(sb, "instantaneous_ops_per_sec", st.instantaneousOps());
        field(sb, "total_net_input_bytes", st.netInputBytes);
        field(sb, "total_net_output_bytes", st.netOutputBytes);
        field(sb, "total_net_repl_input_bytes", st.replInputBytes);
        field(sb, "total_net_repl_output_bytes", st.replOutputBytes);
        field(sb, "instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f", st.instantaneousInputKbps()));
        field(sb, "instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f", st.instantaneousOutputKbps()));
        field(sb, "instantaneous_input_repl_kbps", String.format(Locale.ROOT, "%.2f", st.instantaneousReplInputKbps()));
        field(sb, "instantaneous_output_repl_kbps", String.format(Locale.ROOT, "%.2f", st.instantaneousReplOutputKbps()));
        field(sb, "rejected_connections", st.rejectedConnections);
        field(sb, "sync_full", st.syncFull);
        field(sb, "sync_partial_ok", st.syncPartialOk);
        field(sb, "sync_partial_err", st.syncPartialErr);
        field(sb, "expired_keys", ks.stats().expiredKeys);
        field(sb, "expired_stale_perc", String.format(Locale.ROOT, "%.2f", ks.stats().expiredStaleShare * 100));
        field(sb, "expired_time_cap_reached_count", ks.stats().expireCycleTimeCapReached);
        field(sb, "expire_cycle_cpu_milliseconds", ks.stats().expireCycleNanos / 1_000_000);
        field(sb, "evicted_keys", ks.stats().evictedKeys);
        field(sb, "evicted_clients", s.stats().evictedClients);
        field(sb, "total_eviction_exceeded_time", s.eviction().totalExceededMs());
        field(sb, "current_eviction_exceeded_time", s.eviction().currentExceededMs());
        field(sb, "keyspace_hits", ks.stats().hits);
        field(sb, "keyspace_misses", ks.stats().misses);
        field(sb, "pubsub_channels", s.pubSub().channelCount());
        field(sb, "pubsub_patterns", s.pubSub().patternCount());
        field(sb, "pubsubshard_channels", s.pubSub().shardChannelCount());
        field(sb, "latest_fork_usec", 0);
        field(sb, "total_forks", 0);
        field(sb, "migrate_cached_sockets", 0);
        field(sb, "slave_expires_tracked_keys", 0);
        field(sb, "active_defrag_hits", 0);
        field(sb, "active_defrag_misses", 0);
        field(sb, "active_defrag_key_hits", 0);
        field(sb, "active_defrag_key_misses", 0);
        field(sb, "total_active_defrag_time", 0);
        field(sb, "current_active_defrag_time", 0);
        field(sb, "tracking_total_keys", s.tracking().totalKeys());
        field(sb, "tracking_total_items", s.tracking().totalItems());
        field(sb, "tracking_total_prefixes", s.tracking().totalPrefixes());
        field(sb, "unexpected_error_replies", 0);
        field(sb, "total_error_replies", st.errorReplies);
        field(sb, "dump_payload_sanitizations", 0);
        field(sb, "total_reads_processed", st.readsProcessed);
        field(sb, "total_writes_processed", st.writesProcessed);
        field(sb, "io_threaded_reads_processed", 0);
        field(sb, "io_threaded_writes_processed", 0);
        field(sb, "reply_buffer_shrinks", s.stats().replyBufferShrinks);
        field(sb, "reply_buffer_expands", s.stats().replyBufferExpands);
        field(sb, "acl_access_denied_auth", st.authFailures);
        field(sb, "acl_access_denied_cmd", 0);
        field(sb, "acl_access_denied_key", 0);
        field(sb, "acl_access_denied_channel", 0);
    }

    private static void replication(StringBuilder sb, Server s) {
        ReplicationLog log = s.replication();
        ReplicationBacklog backlog = log.backlog();
        sb.append("# Replication\r\n");
        ReplicaSide replica = ReplicaSide.of(s);
        if (replica != null && replica.isReplica()) {
            field(sb, "role", "slave");
            replica.appendInfo(sb);
        } else {
            field(sb, "role", "master");
        }
        MasterSide master = s.component(MasterSide.class);
        if (master == null) {
            field(sb, "connected_slaves", 0);
        } else {
            master.info(sb);
        }
        Failover failover = s.component(Failover.class);
        field(sb, "master_failover_state", failover == null ? "no-failover" : failover.infoState());
        field(sb, "master_replid", log.replid());
        field(sb, "master_replid2", log.replid2());
        field(sb, "master_repl_offset", log.offset());
        field(sb, "second_repl_offset", log.secondOffset());
        field(sb, "repl_backlog_active", backlog == null ? 0 : 1);
        field(sb, "repl_backlog_size", backlog == null ? s.config().replBacklogSize() : backlog.size());
        field(sb, "repl_backlog_first_byte_offset", backlog == null ? 0 : backlog.firstByteOffset());
        field(sb, "repl_backlog_histlen", backlog == null ? 0 : backlog.histlen());
    }

    private static void cpu(StringBuilder sb) {
        double[] process = ProcessInfo.cpuSeconds();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double mainUser = 0;
        double mainSys = 0;
        if (threads.isCurrentThreadCpuTimeSupported()) {
            long total = threads.getCurrentThreadCpuTime();
            long user = threads.getCurrentThreadUserTime();
            mainUser = user / 1e9;
            mainSys = Math.max(0, total - user) / 1e9;
        }
        sb.append("# CPU\r\n");
        field(sb, "used_cpu_sys", sixDigits(process[0]));
        field(sb, "used_cpu_user", sixDigits(process[1]));
        field(sb, "used_cpu_sys_children", "0.000000");
        field(sb, "used_cpu_user_children", "0.000000");
        field(sb, "used_cpu_sys_main_thread", sixDigits(mainSys));
        field(sb, "used_cpu_user_main_thread", sixDigits(mainUser));
    }

    private static void commandStats(StringBuilder sb, Server s) {
        sb.append("# Commandstats\r\n");
        for (CommandSpec top : s.commands().commands().values()) {
            commandStat(sb, top);
            for (CommandSpec sub : top.subcommands()) {
                commandStat(sb, sub);
            }
        }
    }

    private static void commandStat(StringBuilder sb, CommandSpec c) {
        if (c.calls() == 0 && c.failedCalls() == 0 && c.rejectedCalls() == 0) {
            return;
        }
        double perCall = c.calls() == 0 ? 0 : (double) c.micros() / c.calls();
        sb.append("cmdstat_").append(c.fullName()).append(":calls=").append(c.calls())
                .append(",usec=").append(c.micros())
                .append(",usec_per_call=").append(String.format(Locale.ROOT, "%.2f", perCall))
                .append(",rejected_calls=").append(c.rejectedCalls())
                .append(",failed_calls=").append(c.failedCalls()).append("\r\n");
    }

    private static void latencyStats(StringBuilder sb, Server s) {
        sb.append("# Latencystats\r\n");
        if (!s.config().latencyTracking()) {
            return;
        }
        List<Double> percentiles = s.config().latencyTrackingInfoPercentiles();
        for (CommandSpec top : s.commands().commands().values()) {
            latencyPercentiles(sb, top, percentiles);
            for (CommandSpec sub : top.subcommands()) {
                latencyPercentiles(sb, sub, percentiles);
            }
        }
    }

    private static void latencyPercentiles(StringBuilder sb, CommandSpec c, List<Double> percentiles) {
        LatencyHistogram h = c.latency();
        if (h == null) {
            return;
        }
        sb.append("latency_percentiles_usec_").append(c.fullName()).append(':');
        for (int i = 0; i < percentiles.size(); i++) {
            double p = percentiles.get(i);
            sb.append(i == 0 ? "p" : ",p").append(Doubles.trimmedFixed(p)).append('=')
                    .append(Doubles.fixed(h.valueAtPercentile(p) / 1000.0, 3));
        }
        sb.append("\r\n");
    }

    private static void errorStats(StringBuilder sb, Server s) {
        sb.append("# Errorstats\r\n");
        for (Map.Entry<String, Long> e : s.stats().errorsByCode().entrySet()) {
            sb.append("errorstat_").append(e.getKey()).append(":count=").append(e.getValue()).append("\r\n");
        }
    }

    private static void keyspace(StringBuilder sb, Server s) {
        sb.append("# Keyspace\r\n");
        Keyspace ks = s.keyspace();
        for (int i = 0; i < ks.count(); i++) {
            Db db = ks.db(i);
            if (db.size() > 0) {
                sb.append("db").append(i).append(":keys=").append(db.size())
                        .append(",expires=").append(db.expiringCount())
                        .append(",avg_ttl=").append(0).append("\r\n");
            }
        }
    }

    // ---- formatting and host figures ----

    /** Redis' bytesToHuman: B, then K/M/G/T/P with two decimals. */
    public static String human(long n) {
        return HumanBytes.format(n);
    }

    private static String percent(long part, long whole) {
        return String.format(Locale.ROOT, "%.2f%%", whole <= 0 ? 0.0 : part * 100.0 / whole);
    }

    private static String sixDigits(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

}
