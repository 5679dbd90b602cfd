package kv.observe;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.function.ToDoubleFunction;

import kv.server.RespServer;

/**
 * Prometheus meters named as oliver006/redis_exporter names them, so existing dashboards work.
 * They read the snapshot the data thread publishes each cron tick: a scrape never walks the
 * keyspace or touches live state. Every series exists from start-up (zero until used).
 */
@ApplicationScoped
public class RedisMetrics {
    @Inject
    MeterRegistry registry;

    @Inject
    RespServer server;

    void onStart(@Observes StartupEvent event) {
        Gauge.builder("redis_up", () -> server.accepting() ? 1 : 0).register(registry);
        gauge("redis_connected_clients", StatsSnapshot::connectedClients);
        gauge("redis_memory_used_bytes", StatsSnapshot::usedMemory);
        gauge("redis_memory_max_bytes", StatsSnapshot::maxMemory);
        counter("redis_connections_received_total", StatsSnapshot::connectionsReceived);
        counter("redis_rejected_connections_total", StatsSnapshot::rejectedConnections);
        counter("redis_commands_processed_total", StatsSnapshot::commandsProcessed);
        counter("redis_expired_keys_total", StatsSnapshot::expiredKeys);
        counter("redis_keyspace_hits_total", StatsSnapshot::keyspaceHits);
        counter("redis_keyspace_misses_total", StatsSnapshot::keyspaceMisses);
        counter("redis_net_input_bytes_total", StatsSnapshot::netInputBytes);
        counter("redis_net_output_bytes_total", StatsSnapshot::netOutputBytes);
        counter("redis_errors_total", StatsSnapshot::errorReplies);
        for (int db = 0; db < server.databases(); db++) {
            final int index = db;
            Gauge.builder("redis_db_keys", () -> at(snapshot().keysPerDb(), index)).tag("db", "db" + db).register(registry);
            Gauge.builder("redis_db_keys_expiring", () -> at(snapshot().expiringPerDb(), index)).tag("db", "db" + db).register(registry);
        }
        for (String cmd : server.commandNames()) {
            FunctionCounter.builder("redis_commands_total", this, m -> calls(m.snapshot(), cmd, 0)).tag("cmd", cmd).register(registry);
            FunctionCounter.builder("redis_commands_duration_seconds_total", this, m -> calls(m.snapshot(), cmd, 1) / 1e6)
                    .tag("cmd", cmd).register(registry);
        }
    }

    private void gauge(String name, ToDoubleFunction<StatsSnapshot> f) {
        Gauge.builder(name, () -> f.applyAsDouble(snapshot())).register(registry);
    }

    private void counter(String name, ToDoubleFunction<StatsSnapshot> f) {
        FunctionCounter.builder(name, this, m -> f.applyAsDouble(m.snapshot())).register(registry);
    }

    private StatsSnapshot snapshot() {
        return server.snapshot();
    }

    private static double at(long[] values, int index) {
        return index < values.length ? values[index] : 0;
    }

    private static double calls(StatsSnapshot s, String cmd, int field) {
        long[] v = s.commandCallsAndMicros().get(cmd);
        return v == null ? 0 : v[field];
    }
}
