package kv.engine;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

import kv.util.Numbers;
import kv.util.Tokens;

/**
 * One key specification of a command, compiled once from the command facts: where the search for
 * keys begins (an index, or after a keyword) and how keys are found from there (a range, or a
 * count given in the arguments). COMMAND GETKEYS uses it today; client tracking, ACL key patterns
 * and cluster slots will.
 */
public final class KeySpec {
    /** A key found in a command line: its argument position and the spec that found it. */
    public record KeyRef(int position, KeySpec spec) {
    }

    private final List<String> flags;
    private final boolean notKey;
    // begin_search: an index (> 0), or a keyword searched from startFrom (negative: from the end)
    private final int index;
    private final String keyword;
    private final int startFrom;
    // find_keys: a range (lastKey, keyStep, limit) or a count (keyNumIdx, firstKey, keyStep)
    private final boolean keyNum;
    private final int lastKey;
    private final int keyStep;
    private final int limit;
    private final int keyNumIdx;
    private final int firstKey;
    /** A form of spec Redis marks "unknown": its keys cannot be found from the specs. */
    private final boolean unknown;

    private KeySpec(List<String> flags, int index, String keyword, int startFrom, boolean keyNum, int lastKey,
            int keyStep, int limit, int keyNumIdx, int firstKey, boolean unknown) {
        this.flags = List.copyOf(flags);
        this.notKey = flags.contains("not_key");
        this.index = index;
        this.keyword = keyword;
        this.startFrom = startFrom;
        this.keyNum = keyNum;
        this.lastKey = lastKey;
        this.keyStep = keyStep;
        this.limit = limit;
        this.keyNumIdx = keyNumIdx;
        this.firstKey = firstKey;
        this.unknown = unknown;
    }

    /** Compiles one entry of a command's "key_specs" (the JSON facts; used when generating the index). */
    static KeySpec fromFacts(JsonObject facts) {
        JsonArray f = facts.getJsonArray("flags", new JsonArray());
        List<String> names = new ArrayList<>(f.size());
        for (Object o : f) {
            names.add((String) o);
        }
        JsonObject bs = facts.getJsonObject("begin_search", new JsonObject());
        JsonObject bsSpec = bs.getJsonObject("spec", new JsonObject());
        JsonObject fk = facts.getJsonObject("find_keys", new JsonObject());
        JsonObject fkSpec = fk.getJsonObject("spec", new JsonObject());
        String begin = bs.getString("type", "unknown");
        String find = fk.getString("type", "unknown");
        boolean keyNum = "keynum".equals(find);
        return new KeySpec(names,
                "index".equals(begin) ? bsSpec.getInteger("index") : 0,
                "keyword".equals(begin) ? bsSpec.getString("keyword") : null,
                "keyword".equals(begin) ? bsSpec.getInteger("startfrom") : 0,
                keyNum,
                fkSpec.getInteger("lastkey", 0),
                fkSpec.getInteger("keystep", 1),
                fkSpec.getInteger("limit", 0),
                fkSpec.getInteger("keynumidx", 0),
                fkSpec.getInteger("firstkey", 0),
                !("index".equals(begin) || "keyword".equals(begin)) || !("range".equals(find) || keyNum));
    }

    /**
     * The compiled spec as one space-separated field of {@link CommandIndex}: flags (comma-separated,
     * "-" for none), index, keyword ("-" for none), startfrom, keynum (1/0), lastkey, keystep,
     * limit, keynumidx, firstkey, unknown (1/0).
     */
    String encode() {
        return String.join(" ", flags.isEmpty() ? "-" : String.join(",", flags), Integer.toString(index),
                keyword == null ? "-" : keyword, Integer.toString(startFrom), keyNum ? "1" : "0",
                Integer.toString(lastKey), Integer.toString(keyStep), Integer.toString(limit),
                Integer.toString(keyNumIdx), Integer.toString(firstKey), unknown ? "1" : "0");
    }

    /** The inverse of {@link #encode()}. */
    static KeySpec decode(String encoded) {
        String[] f = encoded.split(" ");
        if (f.length != 11) {
            throw new IllegalArgumentException("malformed key spec: " + encoded);
        }
        return new KeySpec("-".equals(f[0]) ? List.of() : List.of(f[0].split(",")), Integer.parseInt(f[1]),
                "-".equals(f[2]) ? null : f[2], Integer.parseInt(f[3]), "1".equals(f[4]), Integer.parseInt(f[5]),
                Integer.parseInt(f[6]), Integer.parseInt(f[7]), Integer.parseInt(f[8]), Integer.parseInt(f[9]),
                "1".equals(f[10]));
    }

    /** The spec's flags as Redis names them (RW, OW, access, update, insert, delete...). */
    public List<String> flags() {
        return flags;
    }

    /**
     * The keys of {@code argv} (command name at 0) by Redis' getKeysUsingKeySpecs rules; null if
     * the arguments do not fit the specs (a command that would fail with a syntax error).
     */
    static List<KeyRef> find(List<KeySpec> specs, byte[][] argv, int arity) {
        int argc = argv.length;
        List<KeyRef> keys = new ArrayList<>();
        for (KeySpec ks : specs) {
            if (ks.notKey) {
                continue;
            }
            if (ks.unknown) {
                return null;
            }
            int first = ks.index;
            if (ks.keyword != null) {
                first = ks.afterKeyword(argv);
                if (first == 0) {
                    continue;
                }
            }
            int last;
            if (ks.keyNum) {
                if (ks.keyNumIdx >= argc - first) {
                    return null;
                }
                byte[] n = argv[first + ks.keyNumIdx];
                if (!Numbers.isLong(n) || Numbers.parseLong(n) < 0) {
                    return null;
                }
                long count = Numbers.parseLong(n);
                first += ks.firstKey;
                last = (int) Math.min(Integer.MAX_VALUE, first + count - 1);
            } else if (ks.lastKey >= 0) {
                last = first + ks.lastKey;
            } else if (ks.limit == 0) {
                last = argc + ks.lastKey;
            } else {
                last = first + ((argc - first) / ks.limit + ks.lastKey);
            }
            if (last >= argc || last < first || first >= argc) {
                return null;
            }
            for (int i = first; i <= last; i += ks.keyStep) {
                if (i >= argc || i < first) {
                    if (arity < 0) {
                        continue;
                    }
                    return null;
                }
                keys.add(new KeyRef(i, ks));
            }
        }
        return keys;
    }

    /** The position after this spec's keyword, searched as Redis does; 0 if it is not there. */
    private int afterKeyword(byte[][] argv) {
        int argc = argv.length;
        int start = startFrom > 0 ? startFrom : argc + startFrom;
        int end = startFrom > 0 ? argc - 1 : 1;
        for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
            if (i >= argc || i < 1) {
                break;
            }
            if (Tokens.equalsIgnoreCase(argv[i], keyword)) {
                return i + 1;
            }
        }
        return 0;
    }
}
