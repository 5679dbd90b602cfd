package kv.observe;

/**
 * One command's latency distribution, laid out as the HDR histogram Redis 7 keeps per command
 * (lowest value 1 ns, highest 1 s, 2 significant digits), so that percentiles and LATENCY
 * HISTOGRAM's buckets come out as Redis computes them: values 0-255 ns are counted exactly, then
 * every power-of-two range [2^k, 2^(k+1)) is split into 128 equal slots. Recording is O(1) (a
 * leading-zero count and a shift). The 3072 counters are kept in 24 rows of 128, each allocated
 * when a value first falls in it: command latencies usually span a few rows (a few KB).
 */
public final class LatencyHistogram {
    /** Redis' LATENCY_HISTOGRAM_MIN_VALUE and _MAX_VALUE: values are clamped into [1 ns, 1 s]. */
    static final long MIN = 1;
    static final long MAX = 1_000_000_000L;
    private static final int SUB_BUCKET_HALF_MAGNITUDE = 7;
    private static final int SUB_BUCKET_HALF = 1 << SUB_BUCKET_HALF_MAGNITUDE;
    private static final int SUB_BUCKET_MASK = 2 * SUB_BUCKET_HALF - 1;
    /** 23 power-of-two buckets reach past 1 s (256 << 22); counts are indexed as in HDR. */
    private static final int BUCKETS = 23;
    private static final int ROWS = BUCKETS + 1;
    private static final int COUNTS = ROWS * SUB_BUCKET_HALF;

    /** Receives LATENCY HISTOGRAM's buckets. */
    @FunctionalInterface
    public interface BucketConsumer {
        void accept(long micros, long cumulativeCalls);
    }

    private final long[][] rows = new long[ROWS][];
    private long total;

    /** Records one call that took {@code nanos}. */
    public void record(long nanos) {
        int index = index(Math.max(MIN, Math.min(MAX, nanos)));
        long[] row = rows[index >>> SUB_BUCKET_HALF_MAGNITUDE];
        if (row == null) {
            row = new long[SUB_BUCKET_HALF];
            rows[index >>> SUB_BUCKET_HALF_MAGNITUDE] = row;
        }
        row[index & (SUB_BUCKET_HALF - 1)]++;
        total++;
    }

    public long count() {
        return total;
    }

    /**
     * The value at {@code percentile} (0-100) as HDR reports it: the highest value equivalent to
     * the first slot whose cumulative count reaches the rank (the lowest for percentile 0).
     */
    public long valueAtPercentile(double percentile) {
        double p = Math.min(percentile, 100.0);
        long rank = Math.max(1, (long) (p / 100 * total + 0.5));
        long seen = 0;
        for (int i = 0; i < COUNTS; i++) {
            seen += countAt(i);
            if (seen >= rank) {
                long value = valueAt(i);
                return percentile == 0.0 ? lowestEquivalent(value) : highestEquivalent(value);
            }
        }
        return 0;
    }

    /**
     * LATENCY HISTOGRAM's buckets: for the reporting levels 1024 ns, 2048 ns, ... (doubling), the
     * level's highest equivalent value in microseconds and the number of calls up to it, for the
     * levels where that number grew; as HDR's logarithmic iteration from 1024 by 2, which Redis
     * uses. Returns the number of buckets passed to {@code bucket} (micros, cumulative count).
     */
    public int forEachBucket(BucketConsumer bucket) {
        int reported = 0;
        long cumulative = 0;
        long previous = 0;
        int i = 0;
        for (long level = 1024; cumulative < total; level <<= 1) {
            int levelIndex = index(level);
            if (levelIndex >= COUNTS) {
                break; // as in HDR: calls beyond the last full level are never reported
            }
            for (; i <= levelIndex; i++) {
                cumulative += countAt(i);
            }
            if (cumulative > previous) {
                bucket.accept(highestEquivalent(level) / 1000, cumulative);
                reported++;
            }
            previous = cumulative;
        }
        return reported;
    }

    private long countAt(int index) {
        long[] row = rows[index >>> SUB_BUCKET_HALF_MAGNITUDE];
        return row == null ? 0 : row[index & (SUB_BUCKET_HALF - 1)];
    }

    private static int bucketOf(long value) {
        return 64 - Long.numberOfLeadingZeros(value | SUB_BUCKET_MASK) - (SUB_BUCKET_HALF_MAGNITUDE + 1);
    }

    static int index(long value) {
        int bucket = bucketOf(value);
        int sub = (int) (value >>> bucket);
        return ((bucket + 1) << SUB_BUCKET_HALF_MAGNITUDE) + sub - SUB_BUCKET_HALF;
    }

    static long valueAt(int index) {
        int bucket = (index >> SUB_BUCKET_HALF_MAGNITUDE) - 1;
        int sub = (index & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF;
        if (bucket < 0) {
            sub -= SUB_BUCKET_HALF;
            bucket = 0;
        }
        return (long) sub << bucket;
    }

    static long lowestEquivalent(long value) {
        int bucket = bucketOf(value);
        return (value >>> bucket) << bucket;
    }

    static long highestEquivalent(long value) {
        int bucket = bucketOf(value);
        return lowestEquivalent(value) + (1L << bucket) - 1;
    }
}
