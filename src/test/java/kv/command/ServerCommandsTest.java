package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.observe.StatsSnapshot;
import kv.server.RespServer;

@QuarkusTest
class ServerCommandsTest {

    @Inject
    RespServer server;

    private RespTestClient client() throws Exception {
        return new RespTestClient(server.port());
    }

    /** The body of a bulk reply. */
    private static String body(String bulk) {
        return bulk.substring(bulk.indexOf("\r\n") + 2, bulk.length() - 2);
    }

    private static Map<String, String> fields(String info) {
        Map<String, String> m = new HashMap<>();
        for (String line : info.split("\r\n")) {
            int colon = line.indexOf(':');
            if (!line.startsWith("#") && colon > 0) {
                m.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return m;
    }

    @Test
    void dbsizeAndFlush() throws Exception {
        try (RespTestClient c = client()) {
            assertEquals("+OK\r\n", c.call("SELECT", "9"));
            assertEquals("+OK\r\n", c.call("FLUSHDB"));
            assertEquals(":0\r\n", c.call("DBSIZE"));
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
            assertEquals(":2\r\n", c.call("DBSIZE"));
            assertEquals("-ERR syntax error\r\n", c.call("FLUSHDB", "x"));
            assertEquals("-ERR syntax error\r\n", c.call("FLUSHDB", "ASYNC", "SYNC"));
            assertEquals("-ERR syntax error\r\n", c.call("FLUSHALL", "nope"));
            assertEquals("+OK\r\n", c.call("FLUSHDB", "async"));
            assertEquals(":0\r\n", c.call("DBSIZE"));
            c.call("SET", "a", "1");
            assertEquals("+OK\r\n", c.call("FLUSHDB", "SYNC"));
            assertEquals(":0\r\n", c.call("DBSIZE"));
            assertEquals("-ERR wrong number of arguments for 'dbsize' command\r\n", c.call("DBSIZE", "x"));
        }
    }

    @Test
    void time() throws Exception {
        try (RespTestClient c = client()) {
            String r = c.call("TIME");
            Matcher m = Pattern.compile("\\*2\r\n\\$\\d+\r\n(\\d+)\r\n\\$\\d+\r\n(\\d+)\r\n").matcher(r);
            assertTrue(m.matches(), r);
            long secs = Long.parseLong(m.group(1));
            assertTrue(Math.abs(secs - System.currentTimeMillis() / 1000) < 5);
            assertTrue(Long.parseLong(m.group(2)) < 1_000_000);
        }
    }

    private static long wallMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /**
     * TIME and server_time_usec are read from the wall clock, microseconds included: each reply lies
     * between two readings taken around the request. Milliseconds plus an unrelated nanoTime fraction
     * would fall outside that window most of the time, and this checks 20 requests of each.
     */
    @Test
    void timeAndServerTimeUsecAreWallClockMicroseconds() throws Exception {
        Pattern time = Pattern.compile("\\*2\r\n\\$\\d+\r\n(\\d+)\r\n\\$\\d+\r\n(\\d+)\r\n");
        try (RespTestClient c = client()) {
            for (int i = 0; i < 20; i++) {
                long before = wallMicros();
                Matcher m = time.matcher(c.call("TIME"));
                long after = wallMicros();
                assertTrue(m.matches());
                long micros = Long.parseLong(m.group(1)) * 1_000_000L + Long.parseLong(m.group(2));
                assertTrue(before <= micros && micros <= after, before + " <= " + micros + " <= " + after);
            }
            for (int i = 0; i < 20; i++) {
                long before = wallMicros();
                String info = body(c.call("INFO", "server"));
                long after = wallMicros();
                long micros = Long.parseLong(fields(info).get("server_time_usec"));
                assertTrue(before <= micros && micros <= after, before + " <= " + micros + " <= " + after);
            }
        }
    }

    @Test
    void shutdownErrors() throws Exception {
        try (RespTestClient c = client()) {
            assertEquals("-ERR No shutdown in progress.\r\n", c.call("SHUTDOWN", "ABORT"));
            assertEquals("-ERR syntax error\r\n", c.call("SHUTDOWN", "foo"));
            assertEquals("-ERR syntax error\r\n", c.call("SHUTDOWN", "NOSAVE", "SAVE"));
            assertEquals("-ERR syntax error\r\n", c.call("SHUTDOWN", "ABORT", "NOW"));
        }
    }

    @Test
    void infoSectionsAndFormat() throws Exception {
        try (RespTestClient c = client()) {
            String r = c.call("INFO");
            assertTrue(r.startsWith("$"), r);
            String text = body(r);
            assertTrue(text.startsWith("# Server\r\nredis_version:7.2.4\r\nkv_version:0.1.0\r\n"), text);
            assertTrue(text.endsWith("\r\n"));
            for (String section : new String[] {"Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules", "Errorstats", "Cluster", "Keyspace"}) {
                assertTrue(text.contains("# " + section + "\r\n"), section);
            }
            assertTrue(!text.contains("# Commandstats"));
            // sections are separated by exactly one blank line
            assertTrue(text.contains("\r\n\r\n# Clients\r\n"));
            Map<String, String> f = fields(text);
            for (String name : new String[] {"redis_mode", "os", "arch_bits", "process_id", "run_id", "tcp_port", "server_time_usec",
                "uptime_in_seconds", "uptime_in_days", "hz", "configured_hz", "lru_clock", "executable", "config_file",
                "connected_clients", "used_memory", "used_memory_human", "used_memory_rss", "used_memory_peak", "maxmemory",
                "maxmemory_human", "maxmemory_policy", "mem_fragmentation_ratio", "kv_heap_used", "loading", "aof_enabled",
                "rdb_changes_since_last_save", "total_connections_received", "total_commands_processed",
                "instantaneous_ops_per_sec", "total_net_input_bytes", "total_net_output_bytes", "rejected_connections",
                "expired_keys", "evicted_keys", "keyspace_hits", "keyspace_misses", "total_error_replies", "role",
                "connected_slaves", "master_replid", "master_repl_offset", "used_cpu_sys", "used_cpu_user", "cluster_enabled"}) {
                assertTrue(f.containsKey(name), name);
            }
            assertEquals("standalone", f.get("redis_mode"));
            assertEquals(String.valueOf(server.port()), f.get("tcp_port"));
            assertEquals(40, f.get("run_id").length());
            assertEquals("master", f.get("role"));
            assertEquals("0", f.get("loading"));
            assertTrue(f.get("used_cpu_user").matches("\\d+\\.\\d{6}"));
            assertTrue(f.get("mem_fragmentation_ratio").matches("\\d+\\.\\d{2}"));
            assertTrue(f.get("used_memory_human").matches("\\d+(\\.\\d\\d[KMGTP])?B?"), f.get("used_memory_human"));
            assertTrue(Long.parseLong(f.get("used_memory")) >= (1 << 20));
        }
    }

    @Test
    void infoSelectedSectionsAndResp3Verbatim() throws Exception {
        try (RespTestClient c = client()) {
            c.call("SELECT", "7");
            c.call("FLUSHDB");
            c.call("SET", "k", "v");
            String keyspace = body(c.call("INFO", "keyspace"));
            assertTrue(keyspace.startsWith("# Keyspace\r\n"), keyspace);
            assertTrue(keyspace.contains("\r\ndb7:keys=1,expires=0,avg_ttl=0\r\n"), keyspace);
            assertEquals("$0\r\n\r\n", c.call("INFO", "nosuchsection"));
            assertEquals("$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n", c.call("INFO", "CLUSTER"));
            String both = body(c.call("INFO", "cluster", "modules"));
            assertEquals("# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n", both);
            c.call("HELLO", "3");
            assertEquals("=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n", c.call("INFO", "cluster"));
            String all = c.call("INFO", "all");
            assertTrue(all.contains("# Commandstats\r\n"));
            assertTrue(all.contains("cmdstat_set:calls="));
            assertTrue(Pattern.compile("cmdstat_info:calls=\\d+,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=0,failed_calls=0\r\n").matcher(all).find());
        }
    }

    @Test
    void commandAndErrorStats() throws Exception {
        try (RespTestClient c = client()) {
            c.call("CLIENT", "KILL", "ID", "0");
            c.call("GET");
            String all = body(c.call("INFO", "commandstats", "errorstats"));
            assertTrue(Pattern.compile("cmdstat_client\\|kill:calls=\\d+,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=\\d+,failed_calls=[1-9]\\d*\r\n").matcher(all).find(), all);
            assertTrue(Pattern.compile("cmdstat_get:calls=\\d+,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=[1-9]\\d*,failed_calls=\\d+\r\n").matcher(all).find(), all);
            assertTrue(Pattern.compile("# Errorstats\r\nerrorstat_ERR:count=\\d+\r\n").matcher(all).find(), all);
        }
    }

    @Test
    void slowlog() throws Exception {
        try (RespTestClient c = client()) {
            assertEquals("+OK\r\n", c.call("SLOWLOG", "RESET"));
            assertEquals(":0\r\n", c.call("SLOWLOG", "LEN"));
            assertEquals("*0\r\n", c.call("SLOWLOG", "GET"));
            assertEquals("-ERR count should be greater than or equal to -1\r\n", c.call("SLOWLOG", "GET", "-2"));
            assertEquals("-ERR count should be greater than or equal to -1\r\n", c.call("SLOWLOG", "GET", "x"));
            assertEquals("-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.\r\n", c.call("SLOWLOG", "get", "1", "2"));
            assertEquals("-ERR wrong number of arguments for 'slowlog|len' command\r\n", c.call("SLOWLOG", "LEN", "x"));
            String help = c.call("SLOWLOG", "HELP");
            assertTrue(help.startsWith("*11\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"), help);
            assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"));
        }
    }

    @Test
    void latency() throws Exception {
        try (RespTestClient c = client()) {
            assertEquals(":0\r\n", c.call("LATENCY", "RESET", "nosuch"));
            assertEquals("*0\r\n", c.call("LATENCY", "HISTORY", "nosuch"));
            assertEquals("-ERR wrong number of arguments for 'latency|history' command\r\n", c.call("LATENCY", "HISTORY"));
            assertEquals("-ERR unknown subcommand 'DOCTOR'. Try LATENCY HELP.\r\n", c.call("LATENCY", "DOCTOR"));
            assertEquals("-ERR unknown subcommand 'GRAPH'. Try LATENCY HELP.\r\n", c.call("LATENCY", "GRAPH", "command"));
            assertTrue(c.call("LATENCY", "HELP").startsWith("*"));
            assertTrue(c.call("LATENCY", "LATEST").startsWith("*"));
        }
    }

    @Test
    void monitorLineFormat() throws Exception {
        try (RespTestClient m = client(); RespTestClient c = client()) {
            assertEquals("+OK\r\n", m.call("MONITOR"));
            String port = body(c.call("CLIENT", "INFO")).replaceAll("(?s).* addr=127\\.0\\.0\\.1:(\\d+) .*", "$1").trim();
            c.call("SELECT", "3");
            c.call("SET", "k", "a b\"\u0001");
            String line = m.readReply();
            assertTrue(line.matches("\\+\\d{10}\\.\\d{6} \\[0 127\\.0\\.0\\.1:" + port + "\\] \"CLIENT\" \"INFO\"\r\n"), line);
            line = m.readReply();
            assertTrue(line.matches("\\+\\d{10}\\.\\d{6} \\[3 127\\.0\\.0\\.1:" + port + "\\] \"SELECT\" \"3\"\r\n"), line);
            line = m.readReply();
            assertTrue(line.endsWith(" [3 127.0.0.1:" + port + "] \"SET\" \"k\" \"a b\\\"\\x01\"\r\n"), line);
        }
    }

    @Test
    void debugSleepHoldsEveryClient() throws Exception {
        try (RespTestClient a = client(); RespTestClient b = client()) {
            // the test profile sets enable-debug-command local, and the client is on loopback
            assertEquals("+OK\r\n", a.call("DEBUG", "SLEEP", "0"));
            // b's command must be sent while the sleep is known to be on; if this machine is so
            // slow that the sleep ran out first, the run proved nothing: try again, longer
            for (long sleepMs = 1000; sleepMs <= 8000; sleepMs *= 2) {
                long debugCalls = commandCalls(freshSnapshot(), "debug");
                long start = System.nanoTime();
                a.send(RespTestClient.encode("DEBUG", "SLEEP", Double.toString(sleepMs / 1000.0)));
                awaitCommandCalls("debug", debugCalls + 1);
                long sentAfterMs = (System.nanoTime() - start) / 1_000_000;
                b.send(RespTestClient.encode("GET", "debug-sleep-none"));
                assertEquals("$-1\r\n", b.readReply());
                long repliedAfterMs = (System.nanoTime() - start) / 1_000_000;
                assertEquals("+OK\r\n", a.readReply());
                if (sentAfterMs < sleepMs * 3 / 4) {
                    // a lower bound only: a slow machine makes the wait longer, never shorter
                    assertTrue(repliedAfterMs >= sleepMs, "b was answered " + repliedAfterMs + " ms after DEBUG SLEEP " + sleepMs + " ms was sent");
                    return;
                }
            }
            Assumptions.abort("DEBUG SLEEP ran out before its start could be observed, even at 8 s");
        }
    }

    /** A statistics snapshot (the cron publishes one each tick) taken after everything this test has seen answered. */
    private StatsSnapshot freshSnapshot() throws InterruptedException {
        long now = System.currentTimeMillis();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        StatsSnapshot s;
        while ((s = server.snapshot()).takenAtMs() <= now) {
            assertTrue(System.nanoTime() < deadline, "no statistics snapshot within 10 s");
            Thread.sleep(5);
        }
        return s;
    }

    private static long commandCalls(StatsSnapshot snapshot, String name) {
        StatsSnapshot.CommandCounters counters = snapshot.commands();
        int i = counters.indexOf(name);
        assertTrue(i >= 0, name + " is not a counted command: " + counters.names());
        return counters.calls()[i];
    }

    private void awaitCommandCalls(String name, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (commandCalls(server.snapshot(), name) < atLeast) {
            assertTrue(System.nanoTime() < deadline, "the server did not count " + name + " within 10 s");
            Thread.sleep(5);
        }
    }
}
