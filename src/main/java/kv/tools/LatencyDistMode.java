package kv.tools;

import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code --latency-dist}: PING every 10 ms, and every {@code -i} seconds (default 1) one line
 * of 31 latency buckets, each shaded by the share of the pings that fell in it, in redis-cli
 * 7.0's 256-colour spectrum; a legend before every 20 lines. Runs until interrupted.
 */
final class LatencyDistMode {
    private static final long SAMPLE_EVERY_MS = 10;
    private static final long DEFAULT_INTERVAL_MS = 1_000;
    private static final int LINES_PER_LEGEND = 20;

    /** Upper bounds in microseconds, inclusive; the last bucket ('?') takes everything above. */
    private static final long[] BUCKET_MAX_US = {
        10, 125, 250, 500,
        1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000,
        10_000, 20_000, 30_000, 40_000, 50_000,
        100_000, 200_000, 300_000, 400_000, 500_000,
        1_000_000, 2_000_000, 4_000_000, 8_000_000, 16_000_000, 30_000_000, 60_000_000,
    };
    private static final String BUCKET_NAMES = ".-*#123456789ABCDEFGHIJKLMNOPQ?";
    /** 256-colour background codes from 0% (black) to 100% (red). */
    private static final int[] PALETTE = {0, 233, 234, 235, 237, 239, 241, 243, 245, 247, 144, 143, 142, 184, 226, 214, 208, 202, 196};
    private static final String DASHES = "---------------------------------------------\n";
    static final String LEGEND_TEXT = DASHES
            + ". - * #          .01 .125 .25 .5 milliseconds\n"
            + "1,2,3,...,9      from 1 to 9     milliseconds\n"
            + "A,B,C,D,E        10,20,30,40,50  milliseconds\n"
            + "F,G,H,I,J        .1,.2,.3,.4,.5       seconds\n"
            + "K,L,M,N,O,P,Q,?  1,2,4,8,16,30,60,>60 seconds\n";

    private final CliSession session;
    private final PrintStream out;
    private final long intervalMs;
    private final long[] counts = new long[BUCKET_NAMES.length()];

    LatencyDistMode(CliSession session, PrintStream out, double intervalSeconds) {
        this.session = session;
        this.out = out;
        long ms = (long) (intervalSeconds * 1000);
        this.intervalMs = ms > 0 ? ms : DEFAULT_INTERVAL_MS;
    }

    void run() throws IOException {
        long lines = 0;
        long samples = 0;
        long rangeStart = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            long start = System.nanoTime();
            session.call("PING");
            counts[bucket((System.nanoTime() - start) / 1_000)]++;
            samples++;
            if ((System.nanoTime() - rangeStart) / 1_000_000 > intervalMs) {
                if (lines++ % LINES_PER_LEGEND == 0) {
                    out.print(legend());
                }
                out.print(spectrum(samples));
                out.flush();
                samples = 0;
                rangeStart = System.nanoTime();
            }
            KeyspaceWalk.pause(SAMPLE_EVERY_MS / 1000.0);
        }
    }

    private static int bucket(long micros) {
        for (int i = 0; i < BUCKET_MAX_US.length; i++) {
            if (micros <= BUCKET_MAX_US[i]) {
                return i;
            }
        }
        return BUCKET_MAX_US.length;
    }

    static String legend() {
        StringBuilder sb = new StringBuilder(LEGEND_TEXT).append("From 0 to 100%: ");
        for (int colour : PALETTE) {
            sb.append(background(colour)).append(' ');
        }
        return sb.append("\u001b[0m\n").append(DASHES).toString();
    }

    /** One line: every bucket's letter on its shade (the share rounded up), black text; counts restart. */
    private String spectrum(long samples) {
        StringBuilder sb = new StringBuilder("\u001b[38;5;0m");
        for (int i = 0; i < counts.length; i++) {
            int shade = (int) Math.ceil((double) counts[i] / samples * (PALETTE.length - 1));
            sb.append(background(PALETTE[shade])).append(BUCKET_NAMES.charAt(i));
            counts[i] = 0;
        }
        return sb.append("\u001b[0m\n").toString();
    }

    private static String background(int colour) {
        return "\u001b[48;5;" + colour + "m";
    }
}
