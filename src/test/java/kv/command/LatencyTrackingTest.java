package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.server.RespServer;

/**
 * INFO latencystats and LATENCY HISTOGRAM: the shapes Redis 7 replies with (durations are not
 * deterministic, so the figures are checked for consistency: counts equal the calls, buckets at
 * HDR's doubling levels, percentiles in order). TIME is used: this test resets the statistics first, and no case in between calls it.
 */
@QuarkusTest
class LatencyTrackingTest {
    /** LATENCY HISTOGRAM's bucket keys: the highest value equivalent to 1024 ns × 2^k, in µs. */
    private static final List<Long> LEVELS = List.of(1L, 2L, 4L, 8L, 16L, 33L, 66L, 132L, 264L, 528L, 1056L, 2113L,
            4227L, 8455L, 16911L, 33822L, 67645L, 135291L, 270582L, 541165L);
    private static final Pattern RESP2 = Pattern.compile(
            "\\*2\r\n\\$4\r\ntime\r\n\\*4\r\n\\$5\r\ncalls\r\n:(\\d+)\r\n\\$14\r\nhistogram_usec\r\n\\*(\\d+)\r\n((?::\\d+\r\n)*)");
    private static final Pattern RESP3 = Pattern.compile(
            "%1\r\n\\$4\r\ntime\r\n%2\r\n\\$5\r\ncalls\r\n:(\\d+)\r\n\\$14\r\nhistogram_usec\r\n%(\\d+)\r\n((?::\\d+\r\n)*)");
    private static final Pattern INFO_LINE = Pattern.compile(
            "latency_percentiles_usec_time:p50=(\\d+\\.\\d{3}),p99=(\\d+\\.\\d{3}),p99\\.9=(\\d+\\.\\d{3})\r\n");

    @Inject
    RespServer server;

    @Test
    void histogramAndPercentilesDescribeTheCalls() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            assertEquals("+OK\r\n", c.call("CONFIG", "RESETSTAT"));
            assertEquals("*0\r\n", c.call("LATENCY", "HISTOGRAM", "time"));
            for (int i = 0; i < 25; i++) {
                c.call("TIME");
            }
            checkBuckets(RESP2, c.call("LATENCY", "HISTOGRAM", "TiMe", "nosuch"), 25);

            String info = c.call("INFO", "latencystats");
            assertTrue(info.contains("# Latencystats\r\n"), info);
            Matcher line = INFO_LINE.matcher(info);
            assertTrue(line.find(), info);
            double p50 = Double.parseDouble(line.group(1));
            double p99 = Double.parseDouble(line.group(2));
            double p999 = Double.parseDouble(line.group(3));
            assertTrue(p50 > 0 && p50 <= p99 && p99 <= p999, info);
            assertTrue(c.call("INFO").indexOf("Latencystats") < 0, "not a default section");
            String everything = c.call("INFO", "everything");
            assertTrue(everything.indexOf("# Errorstats") < everything.indexOf("# Latencystats")
                    && everything.indexOf("# Latencystats") < everything.indexOf("# Cluster"), "Redis' section order");

            c.call("HELLO", "3");
            checkBuckets(RESP3, c.call("LATENCY", "HISTOGRAM", "time"), 25);
        }
    }

    @Test
    void containersReportTheirSubcommands() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            c.call("CONFIG", "GET", "maxmemory");
            String all = c.call("LATENCY", "HISTOGRAM", "config");
            assertTrue(all.contains("$10\r\nconfig|get\r\n*4\r\n$5\r\ncalls\r\n"), all);
            String one = c.call("LATENCY", "HISTOGRAM", "CONFIG|GET");
            assertTrue(one.startsWith("*2\r\n$10\r\nconfig|get\r\n"), one);
            String everything = c.call("LATENCY", "HISTOGRAM");
            assertTrue(everything.contains("$17\r\nlatency|histogram\r\n"), "its own earlier calls: " + everything);
        }
    }

    @Test
    void resetstatClearsAndTrackingOffStopsRecording() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            c.call("TIME");
            assertTrue(c.call("LATENCY", "HISTOGRAM", "time").startsWith("*2\r\n"));
            assertEquals("+OK\r\n", c.call("CONFIG", "RESETSTAT"));
            assertEquals("*0\r\n", c.call("LATENCY", "HISTOGRAM", "time"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "latency-tracking", "no"));
            try {
                c.call("TIME");
                assertEquals("*0\r\n", c.call("LATENCY", "HISTOGRAM", "time"));
                assertEquals("$16\r\n# Latencystats\r\n\r\n", c.call("INFO", "latencystats"));
            } finally {
                c.call("CONFIG", "SET", "latency-tracking", "yes");
            }
            c.call("TIME");
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "latency-tracking-info-percentiles", "0 99.99 100"));
            try {
                String info = c.call("INFO", "latencystats");
                assertTrue(Pattern.compile("latency_percentiles_usec_time:p0=\\d+\\.\\d{3},p99\\.99=\\d+\\.\\d{3},p100=\\d+\\.\\d{3}\r\n")
                        .matcher(info).find(), info);
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", "latency-tracking-info-percentiles", ""));
                assertTrue(c.call("INFO", "latencystats").contains("latency_percentiles_usec_time:\r\n"));
            } finally {
                c.call("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9");
            }
        }
    }

    private static void checkBuckets(Pattern shape, String reply, long calls) {
        Matcher m = shape.matcher(reply);
        assertTrue(m.matches(), reply);
        assertEquals(calls, Long.parseLong(m.group(1)));
        List<Long> numbers = new ArrayList<>();
        for (String n : m.group(3).split("\r\n")) {
            numbers.add(Long.parseLong(n.substring(1)));
        }
        int pairs = Integer.parseInt(m.group(2));
        // RESP2 counts a map's elements, RESP3 its pairs
        assertEquals(numbers.size(), shape == RESP2 ? pairs : pairs * 2);
        long previousLevel = 0;
        long previousCount = 0;
        for (int i = 0; i < numbers.size(); i += 2) {
            long level = numbers.get(i);
            long count = numbers.get(i + 1);
            assertTrue(LEVELS.contains(level) && level > previousLevel, "bucket key " + level);
            assertTrue(count > previousCount, "cumulative counts grow");
            previousLevel = level;
            previousCount = count;
        }
        assertEquals(calls, previousCount, "the last bucket holds every call");
    }
}
