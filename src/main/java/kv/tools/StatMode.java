package kv.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import kv.util.HumanBytes;

/**
 * {@code --stat}: one line of INFO figures every {@code -i} seconds (default 1), in redis-cli
 * 7.0's columns, the header repeated every 20 lines. Runs until interrupted.
 */
final class StatMode {
    private static final int LINES_PER_HEADER = 20;
    private static final int DBS_COUNTED = 20; // redis-cli sums keys of db0..db19 only
    static final String HEADER =
            "------- data ------ --------------------- load -------------------- - child -\n"
            + "keys       mem      clients blocked requests            connections          \n";

    private final CliSession session;
    private final PrintStream out;
    private final double intervalSeconds;

    StatMode(CliSession session, PrintStream out, double intervalSeconds) {
        this.session = session;
        this.out = out;
        this.intervalSeconds = intervalSeconds > 0 ? intervalSeconds : 1;
    }

    void run() throws IOException, ModeFailure {
        long lastRequests = -1;
        for (long line = 0; !Thread.currentThread().isInterrupted(); line++) {
            RespValue info = session.call("INFO");
            if (info.type == '-') {
                throw new ModeFailure("ERROR: " + info.text());
            }
            Map<String, String> fields = fields(info.text());
            if (line % LINES_PER_HEADER == 0) {
                out.print(HEADER);
            }
            long requests = number(fields, "total_commands_processed");
            out.print(String.format(Locale.ROOT, "%-11s%-8s %-8s%-8s%-19s %-12s%s\n",
                    keys(fields),
                    HumanBytes.format(number(fields, "used_memory")),
                    number(fields, "connected_clients"),
                    number(fields, "blocked_clients"),
                    requests + " (+" + (lastRequests < 0 ? 0 : requests - lastRequests) + ")",
                    number(fields, "total_connections_received"),
                    child(fields)));
            out.flush();
            lastRequests = requests;
            KeyspaceWalk.pause(intervalSeconds);
        }
    }

    /** INFO's {@code name:value} lines. */
    static Map<String, String> fields(String info) {
        Map<String, String> fields = new HashMap<>();
        for (String line : info.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.putIfAbsent(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

    private static long number(Map<String, String> fields, String name) {
        String v = fields.get(name);
        try {
            return v == null ? 0 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The sum of {@code keys=} over the keyspace lines {@code dbN:keys=K,expires=...}. */
    private static long keys(Map<String, String> fields) {
        long sum = 0;
        for (int db = 0; db < DBS_COUNTED; db++) {
            String v = fields.get("db" + db);
            if (v != null && v.startsWith("keys=")) {
                int comma = v.indexOf(',');
                sum += Long.parseLong(v.substring("keys=".length(), comma < 0 ? v.length() : comma));
            }
        }
        return sum;
    }

    /** The "child" column: what a fork-like background job is doing, as redis-cli names it. */
    private static String child(Map<String, String> fields) {
        boolean save = number(fields, "rdb_bgsave_in_progress") != 0;
        boolean aof = number(fields, "aof_rewrite_in_progress") != 0;
        boolean loading = number(fields, "loading") != 0;
        if (loading) {
            return save || aof ? "" : "LOAD"; // redis-cli prints nothing for other combinations
        }
        return save && aof ? "SAVE+AOF" : save ? "SAVE" : aof ? "AOF" : "";
    }
}
