package kv.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Expected figures are what redis-server 7.0.15 printed for the same recorded durations. */
class LatencyHistogramTest {

    private static List<String> buckets(LatencyHistogram h) {
        List<String> out = new ArrayList<>();
        int n = h.forEachBucket((micros, calls) -> out.add(micros + "=" + calls));
        assertEquals(out.size(), n);
        return out;
    }

    @Test
    void oneCallAsRedisReportsIt() {
        // SET taking 8 µs: INFO p50=8.031 (p0=8.000), LATENCY HISTOGRAM 8 → 1
        LatencyHistogram set = new LatencyHistogram();
        set.record(8_000);
        assertEquals(8_031, set.valueAtPercentile(50));
        assertEquals(8_031, set.valueAtPercentile(100));
        assertEquals(8_000, set.valueAtPercentile(0));
        assertEquals(List.of("8=1"), buckets(set));
        // CONFIG GET taking 10 µs: p50=10.047, bucket 16
        LatencyHistogram get = new LatencyHistogram();
        get.record(10_000);
        assertEquals(10_047, get.valueAtPercentile(50));
        assertEquals(List.of("16=1"), buckets(get));
        LatencyHistogram ping = new LatencyHistogram();
        ping.record(1_000);
        assertEquals(1_003, ping.valueAtPercentile(99.9));
        assertEquals(List.of("1=1"), buckets(ping));
    }

    @Test
    void bucketsAreCumulativeAtDoublingLevels() {
        // three INFO calls of 60, 120 and 250 µs: Redis printed 66 → 1, 132 → 2, 264 → 3
        LatencyHistogram h = new LatencyHistogram();
        h.record(60_000);
        h.record(120_000);
        h.record(250_000);
        assertEquals(List.of("66=1", "132=2", "264=3"), buckets(h));
        assertEquals(3, h.count());
        // levels with no new calls are left out
        LatencyHistogram gap = new LatencyHistogram();
        gap.record(1_000);
        gap.record(1_000_000);
        assertEquals(List.of("1=1", "1056=2"), buckets(gap));
    }

    @Test
    void percentileRankIsRoundedAsHdrRoundsIt() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 99; i++) {
            h.record(1_000);
        }
        h.record(2_000);
        assertEquals(1_003, h.valueAtPercentile(50));
        assertEquals(1_003, h.valueAtPercentile(99)); // rank 99.5 → 99
        assertEquals(2_007, h.valueAtPercentile(99.9)); // rank 100.4 → 100
        assertEquals(2_007, h.valueAtPercentile(150)); // above 100 reads as 100
    }

    @Test
    void valuesAreClampedToOneNanosecondAndOneSecond() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(0);
        assertEquals(1, h.valueAtPercentile(0));
        assertEquals(1, h.valueAtPercentile(100));
        assertEquals(List.of("1=1"), buckets(h));
        LatencyHistogram slow = new LatencyHistogram();
        slow.record(5_000_000_000L);
        assertEquals(1_002_438_655L, slow.valueAtPercentile(100));
        // as in HDR's log iteration, calls beyond the last full level (~537 ms) get no bucket
        assertEquals(List.of(), buckets(slow));
        assertEquals(1, slow.count());
    }

    @Test
    void percentilesStayWithinTwoSignificantDigitsOfTheTruth() {
        Random random = new Random(19);
        for (int round = 0; round < 50; round++) {
            LatencyHistogram h = new LatencyHistogram();
            long[] values = new long[1 + random.nextInt(500)];
            for (int i = 0; i < values.length; i++) {
                values[i] = 1 + (long) Math.exp(random.nextDouble() * Math.log(1e9));
                h.record(values[i]);
            }
            java.util.Arrays.sort(values);
            for (double p : new double[] {0, 50, 90, 99, 99.9, 100}) {
                int rank = (int) Math.max(1, (long) (p / 100 * values.length + 0.5));
                long truth = values[rank - 1];
                long reported = h.valueAtPercentile(p);
                assertTrue(Math.abs(reported - truth) <= truth / 100 + 1, p + ": " + reported + " vs " + truth);
            }
            long[] last = {0, 0};
            h.forEachBucket((micros, calls) -> {
                assertTrue(micros > last[0] && calls > last[1], "buckets grow");
                last[0] = micros;
                last[1] = calls;
            });
            assertTrue(last[1] <= values.length);
        }
    }

    @Test
    void indexAndValueAreInverse() {
        for (int i = 0; i < 24 * 128; i++) {
            assertEquals(i, LatencyHistogram.index(LatencyHistogram.valueAt(i)), "index " + i);
        }
        assertEquals(1_031, LatencyHistogram.highestEquivalent(1_024));
        assertEquals(255, LatencyHistogram.highestEquivalent(255));
        assertEquals(256, LatencyHistogram.lowestEquivalent(257));
    }
}
