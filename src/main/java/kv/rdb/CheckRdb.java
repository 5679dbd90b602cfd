package kv.rdb;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import kv.store.Values;

/**
 * {@code kv-check-rdb FILE}: reads an RDB file the way KV loads it and prints what it found
 * (version, aux fields, keys per database and type, function libraries), or where and why it
 * failed. Exit status 0 when the file loads, 1 when it does not, 2 for a usage error.
 */
public final class CheckRdb {
    private CheckRdb() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        if (args.length != 1 || args[0].startsWith("-")) {
            out.println("Usage: kv-check-rdb <rdb-file-name>");
            return 2;
        }
        Path file = Path.of(args[0]);
        out.println("[offset 0] Checking RDB file " + file);
        LoadedDataset data;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            // every key is checked, however old its TTL: now = 0
            data = new RdbLoader(EncodingLimits.DEFAULTS, Integer.MAX_VALUE, 0, true).load(in);
        } catch (IOException e) {
            out.println("--- RDB ERROR DETECTED ---");
            out.println("[offset 0] can't read " + file + ": " + e.getMessage());
            return 1;
        } catch (RdbException e) {
            out.println("--- RDB ERROR DETECTED ---");
            out.println(e.getMessage());
            out.println("[additional info] file " + file);
            return 1;
        }
        out.println("[info] RDB version " + data.version());
        for (Map.Entry<String, byte[]> aux : data.aux().entrySet()) {
            out.println("[info] AUX FIELD " + aux.getKey() + " = '" + new String(aux.getValue(), StandardCharsets.ISO_8859_1) + "'");
        }
        Map<Integer, Map<String, Integer>> perDb = new TreeMap<>();
        for (LoadedDataset.Entry e : data.entries()) {
            perDb.computeIfAbsent(e.db(), k -> new TreeMap<>()).merge(Values.type(e.value()).typeName(), 1, Integer::sum);
        }
        for (Map.Entry<Integer, Map<String, Integer>> db : perDb.entrySet()) {
            out.println("[info] db " + db.getKey() + ": " + db.getValue());
        }
        out.println("[info] " + data.keysLoaded() + " keys read, " + data.keysExpired() + " expired keys");
        out.println("[info] " + data.functionLibraries().size() + " function libraries");
        out.println("\\o/ RDB looks OK! \\o/");
        return 0;
    }
}
