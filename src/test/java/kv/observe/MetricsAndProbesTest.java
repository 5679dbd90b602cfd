package kv.observe;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.RestAssured;
import io.quarkus.test.junit.QuarkusTest;

import jakarta.inject.Inject;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.server.RespServer;

/**
 * The management interface over HTTP: probes and their JSON, every redis_exporter metric name
 * with its Prometheus type, values that follow the server's state, and the separation of the
 * management port from the data port.
 */
@QuarkusTest
class MetricsAndProbesTest {
    /** Snapshots are taken every cron tick (100 ms at hz 10): wait at most this long for one. */
    private static final long DEADLINE_MS = 5_000;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Inject
    RespServer server;

    @Inject
    MeterRegistry registry;

    /**
     * The main HTTP server does not listen (quarkus.http.host-enabled=false), so Quarkus leaves
     * RestAssured's default port at 0; point it at the management interface instead.
     */
    @BeforeEach
    void useManagementPort() {
        RestAssured.port = management.getPort();
    }

    // ---- probes ----

    @Test
    void livenessAnswersFromTheDataThread() {
        given().baseUri(base()).get("/q/health/live").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("data-thread"))
                .body("checks.find { it.name == 'data-thread' }.status", equalTo("UP"));
    }

    @Test
    void readinessIsUpWhileServing() {
        given().baseUri(base()).get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'serving-commands' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'serving-commands' }.data.accepting", equalTo(true))
                .body("checks.find { it.name == 'serving-commands' }.data.loading", equalTo(false))
                .body("checks.find { it.name == 'serving-commands' }.data.persistence", equalTo("ok"))
                .body("checks.find { it.name == 'serving-commands' }.data.port", equalTo(server.port()));
    }

    @Test
    void startedOnceListening() {
        given().baseUri(base()).get("/q/health/started").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'listening' }.status", equalTo("UP"));
    }

    @Test
    void allProbesTogether() {
        given().baseUri(base()).get("/q/health").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("data-thread"))
                .body("checks.name", hasItem("serving-commands"))
                .body("checks.name", hasItem("listening"));
    }

    @Test
    void readinessFollowsTheServerReadinessState() {
        ReadinessState state = server.readiness();
        assertNotNull(state);
        try {
            state.persistenceFailed("No space left on device");
            given().baseUri(base()).get("/q/health/ready").then().statusCode(503)
                    .body("status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'serving-commands' }.data.persistence",
                            equalTo("failing: No space left on device"));
            // liveness is about the data thread only: a full disk must not get the pod restarted
            given().baseUri(base()).get("/q/health/live").then().statusCode(200);
            state.persistenceOk();
            state.loading(true);
            given().baseUri(base()).get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'serving-commands' }.data.loading", equalTo(true));
            assertEquals("1", waitForSample("redis_loading_dump_file", v -> v.equals("1")));
        } finally {
            state.loading(false);
            state.persistenceOk();
        }
        given().baseUri(base()).get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        waitForSample("redis_loading_dump_file", v -> v.equals("0"));
    }

    @Test
    void loadingKeepsThePodStartingAndAliveButNotReady() {
        ReadinessState state = server.readiness();
        try {
            state.loading(true);
            // the startup probe covers the load: liveness is not asked until it passes...
            given().baseUri(base()).get("/q/health/started").then().statusCode(503)
                    .body("checks.find { it.name == 'listening' }.data.loading", equalTo(true));
            // ...and a load after start-up does not get the pod killed either
            given().baseUri(base()).get("/q/health/live").then().statusCode(200)
                    .body("checks.find { it.name == 'data-thread' }.data.loading", equalTo(true));
            given().baseUri(base()).get("/q/health/ready").then().statusCode(503);
        } finally {
            state.loading(false);
        }
        given().baseUri(base()).get("/q/health/started").then().statusCode(200);
    }

    @Test
    void readinessGoesDownWhileTheDataThreadStalls() throws Exception {
        // a task that holds the data thread (what a runaway command or a GC storm looks like);
        // DEBUG SLEEP would not do: KV emulates it without blocking the loop
        var stall = server.onDataThread(() -> {
            try {
                Thread.sleep(6500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        int status = 200;
        // the snapshot stops at most 3 s after the stall began (HealthChecks.MIN_STALL_MS); the stall lasts 6.5 s, so
        // a loaded machine still has seconds to see the 503
        for (int i = 0; i < 120 && status == 200 && !stall.isComplete(); i++) {
            Thread.sleep(50);
            status = given().baseUri(base()).get("/q/health/ready").then().extract().statusCode();
        }
        assertEquals(503, status, "readiness must drop while the data thread does not turn");
        stall.toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        for (int i = 0; i < 100 && status != 200; i++) {
            Thread.sleep(50);
            status = given().baseUri(base()).get("/q/health/ready").then().extract().statusCode();
        }
        assertEquals(200, status, "ready again once the data thread turns");
    }

    @Test
    void slowlogLengthFollowsSlowlogLen() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "slowlog-log-slower-than", "0"));
            try {
                c.call("SLOWLOG", "RESET");
                c.call("PING");
                c.call("PING");
                // stop logging first, so that the length stays what SLOWLOG LEN says
                c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
                String len = c.call("SLOWLOG", "LEN");
                assertNotEquals(":0\r\n", len);
                String expected = len.substring(1, len.length() - 2);
                assertEquals(expected, waitForSample("redis_slowlog_length", v -> v.equals(expected)));
            } finally {
                c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
                c.call("SLOWLOG", "RESET");
            }
        }
        waitForSample("redis_slowlog_length", v -> v.equals("0"));
    }

    @Test
    void latencyPercentilesFollowInfoLatencystats() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            c.call("ECHO", "x");
            String info = c.call("INFO", "latencystats");
            java.util.regex.Matcher m = Pattern.compile("latency_percentiles_usec_echo:p50=([0-9.]+),p99=([0-9.]+),p99\\.9=([0-9.]+)")
                    .matcher(info);
            assertTrue(m.find(), info);
            // the series appears within the refresh second; its value is some p99.9 of ECHO in µs
            String v = waitForSample("redis_latency_percentiles_usec{cmd=\"echo\",quantile=\"99.9\"}", x -> value(x) > 0);
            assertTrue(value(v) >= 0.001, v);
            assertTrue(sampleLine("redis_latency_percentiles_usec{cmd=\"echo\",quantile=\"50\"}") != null);
        }
    }

    // ---- ports ----

    @Test
    void dataPortDoesNotServeHttpAndManagementPortDoes() throws Exception {
        assertTrue(management.getPort() > 0);
        assertNotEquals(server.port(), management.getPort());
        given().baseUri(base()).get("/q/metrics").then().statusCode(200);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(2_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /q/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] head = new byte[5];
            int n = 0;
            try {
                InputStream in = s.getInputStream();
                for (int r; n < head.length && (r = in.read(head, n, head.length - n)) > 0; ) {
                    n += r;
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // no answer or a reset: not HTTP either
            }
            String answer = new String(head, 0, n, StandardCharsets.US_ASCII);
            assertFalse(answer.startsWith("HTTP/"), "data port answered HTTP: " + answer);
        }
    }

    // ---- metrics ----

    /** Every series redis_exporter users query, with the type redis_exporter gives it. */
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("redis_up", "gauge"),
            Map.entry("redis_uptime_in_seconds", "gauge"),
            Map.entry("redis_start_time_seconds", "gauge"),
            Map.entry("redis_process_id", "gauge"),
            Map.entry("redis_instance_info", "gauge"),
            Map.entry("redis_connected_clients", "gauge"),
            Map.entry("redis_blocked_clients", "gauge"),
            Map.entry("redis_config_maxclients", "gauge"),
            Map.entry("redis_config_maxmemory", "gauge"),
            Map.entry("redis_memory_used_bytes", "gauge"),
            Map.entry("redis_memory_used_peak_bytes", "gauge"),
            Map.entry("redis_memory_used_rss_bytes", "gauge"),
            Map.entry("redis_mem_fragmentation_ratio", "gauge"),
            Map.entry("redis_slowlog_length", "gauge"),
            Map.entry("redis_memory_max_bytes", "gauge"),
            Map.entry("redis_connections_received_total", "counter"),
            Map.entry("redis_rejected_connections_total", "counter"),
            Map.entry("redis_commands_processed_total", "counter"),
            Map.entry("redis_net_input_bytes_total", "counter"),
            Map.entry("redis_net_output_bytes_total", "counter"),
            Map.entry("redis_expired_keys_total", "counter"),
            Map.entry("redis_evicted_keys_total", "counter"),
            Map.entry("redis_keyspace_hits_total", "counter"),
            Map.entry("redis_keyspace_misses_total", "counter"),
            Map.entry("redis_cpu_sys_seconds_total", "counter"),
            Map.entry("redis_cpu_user_seconds_total", "counter"),
            Map.entry("redis_commands_total", "counter"),
            Map.entry("redis_commands_duration_seconds_total", "counter"),
            Map.entry("redis_commands_failed_calls_total", "counter"),
            Map.entry("redis_commands_rejected_calls_total", "counter"),
            Map.entry("redis_errors_total", "counter"),
            Map.entry("redis_db_keys", "gauge"),
            Map.entry("redis_db_keys_expiring", "gauge"),
            Map.entry("redis_connected_slaves", "gauge"),
            Map.entry("redis_loading_dump_file", "gauge"),
            Map.entry("redis_rdb_changes_since_last_save", "gauge"),
            Map.entry("redis_rdb_bgsave_in_progress", "gauge"),
            Map.entry("redis_rdb_last_save_timestamp_seconds", "gauge"),
            Map.entry("redis_rdb_last_bgsave_status", "gauge"),
            Map.entry("redis_aof_enabled", "gauge"),
            Map.entry("redis_aof_rewrite_in_progress", "gauge"),
            Map.entry("redis_aof_last_bgrewrite_status", "gauge"),
            Map.entry("redis_aof_last_write_status", "gauge"));

    /** The Prometheus text format (0.0.4), as redis_exporter serves it: TYPE lines name the series exactly. */
    @Test
    void everyMetricIsThereWithItsType() {
        String text = given().baseUri(base()).header("Accept", "text/plain; version=0.0.4; charset=utf-8")
                .get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, String> types = types(text);
        for (Map.Entry<String, String> e : TYPES.entrySet()) {
            assertEquals(e.getValue(), types.get(e.getKey()), "# TYPE of " + e.getKey());
            assertTrue(Pattern.compile("(?m)^" + e.getKey() + "[ {]").matcher(text).find(), "no sample of " + e.getKey());
        }
        // JVM and process metrics from Quarkus' binders, alongside
        assertTrue(text.contains("\njvm_memory_used_bytes{"), "jvm_* metrics");
        assertTrue(Pattern.compile("(?m)^process_cpu_usage ").matcher(text).find(), "process_* metrics");
    }

    /** OpenMetrics (what Prometheus asks for first): a counter's family drops the _total of its samples. */
    @Test
    void openMetricsTypesCountersByFamily() {
        String text = given().baseUri(base()).header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8")
                .get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(text.endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        Map<String, String> types = types(text);
        for (Map.Entry<String, String> e : TYPES.entrySet()) {
            String family = e.getValue().equals("counter") ? e.getKey().substring(0, e.getKey().length() - "_total".length()) : e.getKey();
            assertEquals(e.getValue(), types.get(family), "# TYPE of " + family);
            assertTrue(Pattern.compile("(?m)^" + e.getKey() + "[ {]").matcher(text).find(), "no sample of " + e.getKey());
        }
    }

    /**
     * The last-save status follows what INFO says: a BGSAVE whose temporary file cannot be created
     * (a directory has its name) fails, the next one succeeds.
     */
    @Test
    void lastBgsaveStatusFollowsAFailedSave() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            java.nio.file.Path dir = java.nio.file.Path.of(c.call("CONFIG", "GET", "dir").split("\r\n")[4]);
            java.nio.file.Path blocker = dir.resolve("temp-bg-" + ProcessHandle.current().pid() + ".rdb");
            java.nio.file.Files.createDirectories(blocker);
            try {
                // KV opens the file before it replies: the reply is Redis' to a failed fork
                assertEquals("-ERR\r\n", c.call("BGSAVE"));
                awaitUntil(() -> c.call("INFO", "persistence").contains("rdb_last_bgsave_status:err\r\n"));
                awaitUntil(() -> sample("redis_rdb_last_bgsave_status").equals("0"));
            } finally {
                java.nio.file.Files.delete(blocker);
            }
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            awaitUntil(() -> c.call("INFO", "persistence").contains("rdb_last_bgsave_status:ok\r\n"));
            awaitUntil(() -> sample("redis_rdb_last_bgsave_status").equals("1"));
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitUntil(Condition condition) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.holds()) {
            if (System.currentTimeMillis() > deadline) {
                fail("not reached in 20 s");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void constantsAreTheServersRealState() throws Exception {
        assertEquals("1", sample("redis_up"));
        assertEquals("0", sample("redis_blocked_clients"));
        assertEquals("0", sample("redis_connected_slaves"));
        assertEquals("0", sample("redis_rdb_bgsave_in_progress"));
        assertEquals("0", sample("redis_aof_rewrite_in_progress"));
        assertEquals("1", sample("redis_aof_last_bgrewrite_status"));
        assertEquals("1", sample("redis_aof_last_write_status"));
        String lastSave = sample("redis_rdb_last_save_timestamp_seconds");
        assertTrue(Long.parseLong(lastSave) >= Long.parseLong(sample("redis_start_time_seconds")), "start time until a save");
        try (RespTestClient c = new RespTestClient(server.port())) {
            String appendonly = c.call("CONFIG", "GET", "appendonly");
            assertEquals(appendonly.contains("yes") ? "1" : "0", sample("redis_aof_enabled"));
            String info = c.call("INFO", "persistence");
            Matcher m = Pattern.compile("rdb_last_save_time:(\\d+)").matcher(info);
            assertTrue(m.find());
            assertEquals(m.group(1), lastSave);
        }
        String instance = sampleLine("redis_instance_info");
        assertTrue(instance.contains("redis_version=\"7."), instance);
        assertTrue(instance.contains("role=\"master\""), instance);
        assertTrue(instance.contains("tcp_port=\"" + server.port() + "\""), instance);
        assertTrue(instance.endsWith(" 1.0") || instance.endsWith(" 1"), instance);
    }

    @Test
    void commandCountersFollowCommands() throws Exception {
        double set0 = value(sampleOr("redis_commands_total{cmd=\"set\"}"));
        double get0 = value(sampleOr("redis_commands_total{cmd=\"get\"}"));
        double hits0 = value(sample("redis_keyspace_hits_total"));
        double changes0 = value(sample("redis_rdb_changes_since_last_save"));
        double conns0 = value(sample("redis_connections_received_total"));
        try (RespTestClient c = new RespTestClient(server.port())) {
            assertEquals("+OK\r\n", c.call("SET", "metrics:k", "v"));
            assertEquals("+OK\r\n", c.call("SET", "metrics:k", "w"));
            assertEquals("$1\r\nw\r\n", c.call("GET", "metrics:k"));
            waitForSample("redis_commands_total{cmd=\"set\"}", v -> value(v) >= set0 + 2);
            waitForSample("redis_commands_total{cmd=\"get\"}", v -> value(v) >= get0 + 1);
            waitForSample("redis_keyspace_hits_total", v -> value(v) >= hits0 + 1);
            waitForSample("redis_rdb_changes_since_last_save", v -> value(v) >= changes0 + 2);
            waitForSample("redis_connections_received_total", v -> value(v) >= conns0 + 1);
            waitForSample("redis_connected_clients", v -> value(v) >= 1);
            assertTrue(value(sample("redis_commands_duration_seconds_total{cmd=\"set\"}")) > 0);
            assertTrue(value(sample("redis_net_input_bytes_total")) > 0);

            // subcommands are named as INFO commandstats names them
            double configGet0 = value(sample("redis_commands_total{cmd=\"config|get\"}"));
            c.call("CONFIG", "GET", "maxclients");
            waitForSample("redis_commands_total{cmd=\"config|get\"}", v -> value(v) >= configGet0 + 1);

            // an arity error: rejected call of get, an ERR in errorstats
            double rejected0 = value(sample("redis_commands_rejected_calls_total{cmd=\"get\"}"));
            double err0 = value(sample("redis_errors_total{err=\"ERR\"}"));
            assertTrue(c.call("GET").startsWith("-ERR wrong number of arguments"));
            waitForSample("redis_commands_rejected_calls_total{cmd=\"get\"}", v -> value(v) >= rejected0 + 1);
            waitForSample("redis_errors_total{err=\"ERR\"}", v -> value(v) >= err0 + 1);

            // a call that ran and replied with an error counts as failed
            double failed0 = value(sample("redis_commands_failed_calls_total{cmd=\"incr\"}"));
            c.call("SET", "metrics:text", "abc");
            assertTrue(c.call("INCR", "metrics:text").startsWith("-ERR"));
            waitForSample("redis_commands_failed_calls_total{cmd=\"incr\"}", v -> value(v) >= failed0 + 1);
        }
    }

    @Test
    void instanceInfoFollowsConfigSetMaxmemoryPolicy() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            String before = c.call("CONFIG", "GET", "maxmemory-policy").split("\r\n")[4];
            try {
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"));
                long end = System.currentTimeMillis() + DEADLINE_MS;
                String line = sampleLine("redis_instance_info");
                while (!line.contains("maxmemory_policy=\"allkeys-lfu\"") && System.currentTimeMillis() < end) {
                    Thread.sleep(100);
                    line = sampleLine("redis_instance_info");
                }
                assertTrue(line.contains("maxmemory_policy=\"allkeys-lfu\""), line);
                // the old series is gone: one instance, one info line
                long lines = scrape().lines().filter(l -> l.startsWith("redis_instance_info{")).count();
                assertEquals(1, lines);
            } finally {
                c.call("CONFIG", "SET", "maxmemory-policy", before);
            }
        }
    }

    @Test
    void dbKeysReflectDbsize() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            for (int i = 0; i < 5; i++) {
                c.call("SET", "metrics:db:" + i, "x");
            }
            c.call("SET", "metrics:db:ttl", "x", "EX", "1000");
            String dbsize = c.call("DBSIZE").substring(1).trim();
            waitForSample("redis_db_keys{db=\"db0\"}", v -> (long) value(v) == Long.parseLong(dbsize));
            assertTrue(value(sample("redis_db_keys_expiring{db=\"db0\"}")) >= 1);

            c.call("SELECT", "7");
            c.call("FLUSHDB");
            c.call("SET", "a", "1");
            c.call("SET", "b", "2", "PX", "100000");
            waitForSample("redis_db_keys{db=\"db7\"}", v -> value(v) == 2);
            waitForSample("redis_db_keys_expiring{db=\"db7\"}", v -> value(v) == 1);
            c.call("FLUSHDB");
            waitForSample("redis_db_keys{db=\"db7\"}", v -> value(v) == 0);
        }
        // every database has its series from start-up, empty or not
        assertEquals("0", sample("redis_db_keys{db=\"db15\"}"));
    }

    @Test
    void aScrapeRegistersNothing() throws Exception {
        // a command's first call adds its latency series (once, from the background refresh)
        try (RespTestClient c = new RespTestClient(server.port())) {
            c.call("SET", "metrics:scrape", "1");
            c.call("PING");
        }
        waitForSample("redis_latency_percentiles_usec{cmd=\"set\",quantile=\"50\"}", v -> value(v) > 0);
        waitForSample("redis_latency_percentiles_usec{cmd=\"ping\",quantile=\"50\"}", v -> value(v) > 0);
        scrape();
        int before = registry.getMeters().size();
        try (RespTestClient c = new RespTestClient(server.port())) {
            c.call("SET", "metrics:scrape", "1");
            c.call("PING");
        }
        for (int i = 0; i < 3; i++) {
            scrape();
            Thread.sleep(150);
        }
        assertEquals(before, registry.getMeters().size(), "meters registered while scraping");
    }

    // ---- helpers ----

    /** The management interface's root (the injected URL already carries the /q root path). */
    private String base() {
        return management.getProtocol() + "://" + management.getHost() + ":" + management.getPort();
    }

    private String scrape() {
        return given().baseUri(base()).get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static Map<String, String> types(String text) {
        Map<String, String> types = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(text);
        while (m.find()) {
            types.put(m.group(1), m.group(2));
        }
        return types;
    }

    /** The line of the series named exactly {@code series} (name plus labels, or name alone). */
    private String sampleLine(String series) {
        String text = scrape();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            if (series.contains("{")) {
                String name = series.substring(0, series.indexOf('{'));
                List<String> labels = List.of(series.substring(series.indexOf('{') + 1, series.length() - 1).split(","));
                if (line.startsWith(name + "{") && labels.stream().allMatch(l -> line.contains(l))) {
                    return line;
                }
            } else if (line.startsWith(series + " ") || line.startsWith(series + "{")) {
                return line;
            }
        }
        return null;
    }

    private String sample(String series) {
        String line = sampleLine(series);
        if (line == null) {
            fail("no series " + series);
        }
        return normalise(line.substring(line.lastIndexOf(' ') + 1));
    }

    private String sampleOr(String series) {
        String line = sampleLine(series);
        return line == null ? "0" : normalise(line.substring(line.lastIndexOf(' ') + 1));
    }

    /** 3.0 → 3, so comparisons with INFO's integers read naturally. */
    private static String normalise(String v) {
        double d = Double.parseDouble(v);
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : v;
    }

    private static double value(String v) {
        return Double.parseDouble(v);
    }

    private String waitForSample(String series, Predicate<String> ok) {
        long end = System.currentTimeMillis() + DEADLINE_MS;
        String last = null;
        while (System.currentTimeMillis() < end) {
            last = sampleOr(series);
            if (ok.test(last)) {
                return last;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        fail(series + " did not reach the expected value within " + DEADLINE_MS + " ms; last " + last);
        return last;
    }
}
