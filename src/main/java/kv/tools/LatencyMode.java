package kv.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code --latency} and {@code --latency-history}: PING every 10 ms and report min, max and
 * average round trip in whole milliseconds, as redis-cli 7.0. At a terminal the line is redrawn
 * in place; with {@code --raw} (the default when stdout is not a terminal) or {@code --csv},
 * --latency prints one line after {@code -i} seconds (default 1) and exits, and --latency-history
 * prints a line per sample. --latency-history starts a new range every {@code -i} seconds
 * (default 15). Runs until interrupted otherwise.
 */
final class LatencyMode {
    enum Output { STANDARD, RAW, CSV }

    private static final long SAMPLE_EVERY_MS = 10;
    private static final long DEFAULT_HISTORY_MS = 15_000;
    private static final long DEFAULT_RUN_MS = 1_000;
    private static final String CLEAR_LINE = "\u001b[0G\u001b[2K";

    private final CliSession session;
    private final PrintStream out;
    private final Output output;
    private final boolean history;
    private final long intervalMs;

    LatencyMode(CliSession session, PrintStream out, Output output, boolean history, double intervalSeconds) {
        this.session = session;
        this.out = out;
        this.output = output;
        this.history = history;
        this.intervalMs = (long) (intervalSeconds * 1000);
    }

    void run() throws IOException {
        long rangeMs = intervalMs > 0 ? intervalMs : DEFAULT_HISTORY_MS;
        long runMs = intervalMs > 0 ? intervalMs : DEFAULT_RUN_MS;
        long min = 0;
        long max = 0;
        long total = 0;
        long count = 0;
        long rangeStart = nowMs();
        while (!Thread.currentThread().isInterrupted()) {
            long start = nowMs();
            session.call("PING");
            long latency = nowMs() - start;
            if (count == 0) {
                min = latency;
                max = latency;
            } else {
                min = Math.min(min, latency);
                max = Math.max(max, latency);
            }
            total += latency;
            count++;
            double avg = (double) total / count;
            if (output == Output.STANDARD) {
                out.print(CLEAR_LINE);
                print(min, max, avg, count);
            } else if (history) {
                print(min, max, avg, count);
            } else if (nowMs() - rangeStart > runMs) {
                print(min, max, avg, count);
                return;
            }
            if (history && nowMs() - rangeStart > rangeMs) {
                out.print(String.format(Locale.ROOT, " -- %.2f seconds range\n", (nowMs() - rangeStart) / 1000.0));
                out.flush();
                rangeStart = nowMs();
                count = 0;
                total = 0;
            }
            KeyspaceWalk.pause(SAMPLE_EVERY_MS / 1000.0);
        }
    }

    private void print(long min, long max, double avg, long count) {
        String line = switch (output) {
            case STANDARD -> String.format(Locale.ROOT, "min: %d, max: %d, avg: %.2f (%d samples)", min, max, avg, count);
            case CSV -> String.format(Locale.ROOT, "%d,%d,%.2f,%d\n", min, max, avg, count);
            case RAW -> String.format(Locale.ROOT, "%d %d %.2f %d\n", min, max, avg, count);
        };
        out.print(line);
        out.flush();
    }

    /** Milliseconds on a monotonic clock: latencies are differences of whole-ms readings, as redis-cli's mstime(). */
    private static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }
}
