package kv.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import kv.util.Repr;

/**
 * {@code --hotkeys}: OBJECT FREQ of every key (the server needs an LFU maxmemory-policy), keeping
 * the 16 hottest as redis-cli 7.0 does, with its output.
 */
final class HotKeysMode {
    private static final int KEPT = 16;

    private final CliSession session;
    private final PrintStream out;
    private final PrintStream err;
    private final double intervalSeconds;
    /*
     * redis-cli's ranking: slots sorted by counter, ascending, 0 = empty. A key enters when its
     * counter beats slot 0, at the highest slot whose counter it beats; the keys below that
     * slot move down one and slot 0's key drops out. Ties go below the keys already there.
     */
    private final long[] counters = new long[KEPT];
    private final String[] names = new String[KEPT];
    private long sampled;

    HotKeysMode(CliSession session, PrintStream out, PrintStream err, double intervalSeconds) {
        this.session = session;
        this.out = out;
        this.err = err;
        this.intervalSeconds = intervalSeconds;
    }

    void run() throws IOException, ModeFailure {
        KeyspaceWalk walk = new KeyspaceWalk(session, out, intervalSeconds);
        walk.start("hot keys");
        walk.run(keys -> batch(walk, keys));
        walk.printSummaryHeader(sampled);
        for (int slot = KEPT - 1; slot >= 0; slot--) {
            if (counters[slot] > 0) {
                out.print("hot key found with counter: " + counters[slot] + "\tkeyname: " + names[slot] + "\n");
            }
        }
        out.flush();
    }

    private void batch(KeyspaceWalk walk, List<RespValue> keys) throws IOException, ModeFailure {
        String progress = walk.progress(sampled);
        long[] freqs = frequencies(keys);
        for (int i = 0; i < keys.size(); i++) {
            sampled++;
            if (sampled % KeyspaceWalk.PROGRESS_EVERY == 0) {
                out.print(progress + " Sampled " + sampled + " keys so far\n");
            }
            int beaten = 0;
            while (beaten < KEPT && freqs[i] > counters[beaten]) {
                beaten++;
            }
            if (beaten == 0) {
                continue;
            }
            int slot = beaten - 1;
            if (slot > 0 && counters[slot] != 0) {
                System.arraycopy(counters, 1, counters, 0, slot);
                System.arraycopy(names, 1, names, 0, slot);
            }
            counters[slot] = freqs[i];
            names[slot] = Repr.quote(keys.get(i).str);
            out.print(progress + " Hot key '" + names[slot] + "' found so far with counter " + freqs[i] + "\n");
        }
    }

    private long[] frequencies(List<RespValue> keys) throws IOException, ModeFailure {
        List<List<byte[]>> commands = new ArrayList<>(keys.size());
        for (RespValue key : keys) {
            commands.add(KeyspaceWalk.keyCommand(key.str, "OBJECT", "FREQ"));
        }
        List<RespValue> replies = session.pipeline(commands);
        long[] freqs = new long[keys.size()];
        for (int i = 0; i < freqs.length; i++) {
            RespValue r = replies.get(i);
            if (r.type == ':') {
                freqs[i] = r.integer;
            } else if (r.type == '-') {
                throw new ModeFailure("Error: " + r.text());
            } else {
                out.flush();
                err.println("Warning: OBJECT freq on '" + keys.get(i).text() + "' failed (may have been deleted)");
            }
        }
        return freqs;
    }
}
