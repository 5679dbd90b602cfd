package kv.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SCAN loop under --bigkeys, --memkeys and --hotkeys, with redis-cli 7.0's banner, progress
 * percentage (keys sampled so far against DBSIZE taken before the walk) and pacing: with
 * {@code -i}, a pause after every 100 SCAN calls.
 */
final class KeyspaceWalk {
    /** redis-cli prints a progress line every this many sampled keys. */
    static final long PROGRESS_EVERY = 1_000_000;
    private static final int SCANS_PER_PAUSE = 100;

    interface Batch {
        void keys(List<RespValue> keys) throws IOException, ModeFailure;
    }

    private final CliSession session;
    private final PrintStream out;
    private final double intervalSeconds;
    private long total;
    private String lastProgress = "";
    private boolean cancelled;

    KeyspaceWalk(CliSession session, PrintStream out, double intervalSeconds) {
        this.session = session;
        this.out = out;
        this.intervalSeconds = intervalSeconds;
    }

    /** Takes DBSIZE and prints the banner naming what is looked for ("biggest keys", "hot keys"). */
    void start(String lookingFor) throws IOException, ModeFailure {
        RespValue size = session.call("DBSIZE");
        if (size.type == '-') {
            throw new ModeFailure("Couldn't determine DBSIZE: " + size.text());
        }
        if (size.type != ':') {
            throw new ModeFailure("Couldn't determine DBSIZE!");
        }
        total = size.integer;
        out.print("\n# Scanning the entire keyspace to find " + lookingFor + " as well as\n"
                + "# average sizes per key type.  You can use -i 0.1 to sleep 0.1 sec\n"
                + "# per 100 SCAN commands (not usually needed).\n\n");
    }

    /**
     * SCAN from cursor 0 until it comes back to 0, handing each batch of keys over. An interrupt
     * (Ctrl-C, through {@link KvCli#main}'s shutdown hook) stops it after the current batch, and
     * the summary then says how far it got, as redis-cli's does.
     */
    void run(Batch batch) throws IOException, ModeFailure {
        String cursor = "0";
        long scans = 0;
        do {
            RespValue r = session.call("SCAN", cursor);
            if (r.type == '-') {
                throw new ModeFailure("SCAN error: " + r.text());
            }
            scans++;
            cursor = r.elements.get(0).text();
            batch.keys(r.elements.get(1).elements);
            out.flush();
            if (intervalSeconds > 0 && scans % SCANS_PER_PAUSE == 0) {
                pause(intervalSeconds);
            }
        } while (!cursor.equals("0") && !(cancelled = Thread.currentThread().isInterrupted()));
    }

    /** "[12.50%]": the share of DBSIZE sampled before the current batch. */
    String progress(long sampledBeforeBatch) {
        double pct = total == 0 ? 0 : 100.0 * sampledBeforeBatch / total;
        lastProgress = String.format(Locale.ROOT, "[%05.2f%%]", pct);
        return lastProgress;
    }

    void printSummaryHeader(long sampled) {
        out.print("\n-------- summary -------\n\n" + (cancelled ? lastProgress + " " : "")
                + "Sampled " + sampled + " keys in the keyspace!\n");
    }

    /** {@code words... key}: a command about one key, for {@link CliSession#pipeline}. */
    static List<byte[]> keyCommand(byte[] key, String... words) {
        List<byte[]> args = new ArrayList<>(words.length + 1);
        for (String w : words) {
            args.add(w.getBytes(StandardCharsets.UTF_8));
        }
        args.add(key);
        return args;
    }

    /** Sleeps; an interrupt (a test, or an embedding caller) ends it early and is kept for the caller. */
    static void pause(double seconds) {
        try {
            Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
