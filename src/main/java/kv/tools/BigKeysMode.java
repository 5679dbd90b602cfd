package kv.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import kv.util.Repr;

/**
 * {@code --bigkeys} (sizes in elements: STRLEN, LLEN, SCARD, HLEN, ZCARD, XLEN) and
 * {@code --memkeys [--memkeys-samples N]} (sizes in bytes: MEMORY USAGE), with redis-cli 7.0's
 * output: a line whenever a type's biggest key so far changes, then a summary per type.
 */
final class BigKeysMode {

    /** What is known about one key type; the sizes are elements or, with --memkeys, bytes. */
    private static final class TypeStats {
        final String name;
        final String sizeCommand;
        final String unit;
        long count;
        long totalSize;
        long biggest;
        String biggestKey; // quoted as redis-cli shows keys

        TypeStats(String name, String sizeCommand, String unit) {
            this.name = name;
            this.sizeCommand = sizeCommand;
            this.unit = unit;
        }
    }

    private final CliSession session;
    private final PrintStream out;
    private final PrintStream err;
    private final double intervalSeconds;
    private final boolean memory;
    private final int memorySamples;
    private final List<TypeStats> types = List.of(
            new TypeStats("string", "STRLEN", "bytes"),
            new TypeStats("list", "LLEN", "items"),
            new TypeStats("set", "SCARD", "members"),
            new TypeStats("hash", "HLEN", "fields"),
            new TypeStats("zset", "ZCARD", "members"),
            new TypeStats("stream", "XLEN", "entries"));
    /*
     * The order of the summary: redis-cli 7.0 lists the types as its type dictionary iterates,
     * which depends on how far the dictionary's incremental rehash got, one step per TYPE
     * reply looked up: before any, after one, and after two or more (complete). Indexes into types.
     */
    private static final int[][] SUMMARY_ORDER = {{3, 1, 0, 5, 2, 4}, {0, 1, 3, 5, 2, 4}, {1, 3, 0, 5, 2, 4}};

    private long typeLookups;
    private long sampled;
    private long keyBytes;

    /** {@code memory}: --memkeys; {@code memorySamples} > 0 adds SAMPLES to MEMORY USAGE. */
    BigKeysMode(CliSession session, PrintStream out, PrintStream err, double intervalSeconds,
                boolean memory, int memorySamples) {
        this.session = session;
        this.out = out;
        this.err = err;
        this.intervalSeconds = intervalSeconds;
        this.memory = memory;
        this.memorySamples = memorySamples;
    }

    void run() throws IOException, ModeFailure {
        KeyspaceWalk walk = new KeyspaceWalk(session, out, intervalSeconds);
        walk.start("biggest keys");
        walk.run(keys -> batch(walk, keys));
        walk.printSummaryHeader(sampled);
        out.print(String.format(Locale.ROOT, "Total key length in bytes is %d (avg len %.2f)\n\n",
                keyBytes, sampled == 0 ? 0.0 : (double) keyBytes / sampled));
        List<TypeStats> summary = new ArrayList<>(types.size());
        for (int i : SUMMARY_ORDER[(int) Math.min(typeLookups, 2)]) {
            summary.add(types.get(i));
        }
        for (TypeStats t : summary) {
            if (t.biggestKey != null) {
                out.print(String.format(Locale.ROOT, "Biggest %6s found '%s' has %d %s\n",
                        t.name, t.biggestKey, t.biggest, unit(t)));
            }
        }
        out.print("\n");
        for (TypeStats t : summary) {
            out.print(String.format(Locale.ROOT, "%d %ss with %d %s (%05.2f%% of keys, avg size %.2f)\n",
                    t.count, t.name, t.totalSize, unit(t),
                    sampled == 0 ? 0.0 : 100.0 * t.count / sampled,
                    t.count == 0 ? 0.0 : (double) t.totalSize / t.count));
        }
        out.flush();
    }

    private void batch(KeyspaceWalk walk, List<RespValue> keys) throws IOException, ModeFailure {
        String progress = walk.progress(sampled);
        TypeStats[] keyTypes = types(keys);
        long[] sizes = sizes(keys, keyTypes);
        for (int i = 0; i < keys.size(); i++) {
            TypeStats t = keyTypes[i];
            if (t == null) { // gone between SCAN and TYPE
                continue;
            }
            byte[] key = keys.get(i).str;
            t.count++;
            t.totalSize += sizes[i];
            keyBytes += key.length;
            sampled++;
            if (sizes[i] > t.biggest) {
                t.biggest = sizes[i];
                t.biggestKey = Repr.quote(key);
                out.print(String.format(Locale.ROOT, "%s Biggest %-6s found so far '%s' with %d %s\n",
                        progress, t.name, t.biggestKey, sizes[i], unit(t)));
            }
            if (sampled % KeyspaceWalk.PROGRESS_EVERY == 0) {
                out.print(progress + " Sampled " + sampled + " keys so far\n");
            }
        }
    }

    private TypeStats[] types(List<RespValue> keys) throws IOException, ModeFailure {
        List<List<byte[]>> commands = new ArrayList<>(keys.size());
        for (RespValue key : keys) {
            commands.add(KeyspaceWalk.keyCommand(key.str, "TYPE"));
        }
        List<RespValue> replies = session.pipeline(commands);
        TypeStats[] result = new TypeStats[keys.size()];
        for (int i = 0; i < result.length; i++) {
            RespValue r = replies.get(i);
            typeLookups++;
            if (r.type == '-') {
                throw new ModeFailure("TYPE returned an error: " + r.text());
            }
            result[i] = byName(r.text()); // null for "none" (deleted meanwhile)
        }
        return result;
    }

    private TypeStats byName(String name) {
        for (TypeStats t : types) {
            if (t.name.equals(name)) {
                return t;
            }
        }
        return null;
    }

    private long[] sizes(List<RespValue> keys, TypeStats[] keyTypes) throws IOException {
        List<List<byte[]>> commands = new ArrayList<>(keys.size());
        List<Integer> asked = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            if (keyTypes[i] == null) {
                continue;
            }
            byte[] key = keys.get(i).str;
            List<byte[]> command = memory
                    ? KeyspaceWalk.keyCommand(key, "MEMORY", "USAGE")
                    : KeyspaceWalk.keyCommand(key, keyTypes[i].sizeCommand);
            if (memory && memorySamples > 0) {
                command.add("SAMPLES".getBytes(StandardCharsets.US_ASCII));
                command.add(Integer.toString(memorySamples).getBytes(StandardCharsets.US_ASCII));
            }
            commands.add(command);
            asked.add(i);
        }
        List<RespValue> replies = session.pipeline(commands);
        long[] sizes = new long[keys.size()];
        for (int j = 0; j < replies.size(); j++) {
            int i = asked.get(j);
            RespValue r = replies.get(j);
            if (r.type == ':') {
                sizes[i] = r.integer;
            } else {
                out.flush();
                err.println("Warning:  " + (memory ? "MEMORY USAGE" : keyTypes[i].sizeCommand) + " on '"
                        + keys.get(i).text() + "' failed (may have changed type)");
            }
        }
        return sizes;
    }

    private String unit(TypeStats t) {
        return memory ? "bytes" : t.unit;
    }
}
