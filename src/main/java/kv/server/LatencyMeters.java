package kv.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import kv.engine.CommandSpec;
import kv.engine.Server;
import kv.observe.LatencyHistogram;
import kv.util.Doubles;

/**
 * INFO latencystats as redis_exporter exports it: {@code redis_latency_percentiles_usec{cmd,
 * quantile}}, one gauge per command with calls and per latency-tracking-info-percentiles value
 * ("50", "99", "99.9"), in microseconds. The percentiles are computed on the data thread (the
 * histograms are its) by {@link #refresh}, which the metrics' background thread calls once a
 * second; a scrape only reads the last result. Gauges come and go with the commands' histograms
 * (CONFIG RESETSTAT) and the configured percentiles.
 */
final class LatencyMeters {
    static final String NAME = "redis_latency_percentiles_usec";

    private final MeterRegistry registry;
    private final RespServer server;
    /** "cmd quantile" → microseconds, as of the last refresh. */
    private volatile Map<String, Double> latest = Map.of();
    private final Map<String, Meter> meters = new ConcurrentHashMap<>();

    LatencyMeters(MeterRegistry registry, RespServer server) {
        this.registry = registry;
        this.server = server;
    }

    /** Off the data thread: fetches the percentiles from it and adds or removes gauges to match. */
    void refresh() throws Exception {
        if (!server.accepting()) {
            return;
        }
        Map<String, Double> now = server.onDataThread(() -> percentiles(server.server()))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        latest = now;
        for (String key : now.keySet()) {
            meters.computeIfAbsent(key, k -> {
                int space = k.indexOf(' ');
                return Gauge.builder(NAME, this, m -> m.latest.getOrDefault(k, Double.NaN))
                        .description("Latency percentiles per command in microseconds (INFO latencystats)")
                        .tag("cmd", k.substring(0, space)).tag("quantile", k.substring(space + 1)).register(registry);
            });
        }
        meters.entrySet().removeIf(e -> {
            if (now.containsKey(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue());
            return true;
        });
    }

    /** On the data thread: every command's configured percentiles, empty while latency-tracking is off. */
    static Map<String, Double> percentiles(Server server) {
        Map<String, Double> out = new HashMap<>();
        if (!server.config().latencyTracking()) {
            return out;
        }
        List<Double> wanted = server.config().latencyTrackingInfoPercentiles();
        for (CommandSpec top : server.commands().commands().values()) {
            add(out, top, wanted);
            for (CommandSpec sub : top.subcommands()) {
                add(out, sub, wanted);
            }
        }
        return out;
    }

    private static void add(Map<String, Double> out, CommandSpec spec, List<Double> wanted) {
        LatencyHistogram h = spec.latency();
        if (h == null) {
            return;
        }
        for (double p : wanted) {
            out.put(spec.fullName() + " " + Doubles.trimmedFixed(p), h.valueAtPercentile(p) / 1000.0);
        }
    }
}
