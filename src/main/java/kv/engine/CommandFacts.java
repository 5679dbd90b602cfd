package kv.engine;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The full facts of every command the reference servers know (documentation, argument syntax,
 * ACL categories, tips), merged from the JSON dumps. Parsing them costs a fifth of a second on a
 * cold JVM, so nothing on the start-up path reads them: the table is built from
 * {@link CommandIndex}, and the JSON is parsed on first use (COMMAND INFO/DOCS/LIST) or by
 * {@link #preloadInBackground()} once the server is up.
 */
public final class CommandFacts {
    private static final String PRIMARY = "/kv/commands/redis-7.0.json";
    /** Source for the Redis 7.2 (sub)commands that 7.0 lacks. */
    private static final String SECONDARY = "/kv/commands/valkey-8.0.json";
    /** Hand-written facts of Redis 8 commands neither dump has (hash field expiration). */
    private static final String LATER = "/kv/commands/redis-8.0-hash-field-expiration.json";
    /** Commands whose 7.2 facts replace 7.0's (their syntax grew: ZRANK ... WITHSCORE). */
    private static final Set<String> SECONDARY_WINS = Set.of("zrank", "zrevrank");

    private CommandFacts() {
    }

    /** Holder idiom: the JVM parses once, and a thread asking during the parse waits for it. */
    private static final class Parsed {
        static final Map<String, JsonObject> ALL = load();
    }

    /** Top-level commands by lower-case name; the objects are shared and never modified. */
    static Map<String, JsonObject> all() {
        return Parsed.ALL;
    }

    /** The facts of a command ("get") or subcommand ("config|get"); null if no reference server has it. */
    static JsonObject of(String fullName) {
        int bar = fullName.indexOf('|');
        if (bar < 0) {
            return Parsed.ALL.get(fullName);
        }
        JsonObject parent = Parsed.ALL.get(fullName.substring(0, bar));
        JsonArray subs = parent == null ? null : parent.getJsonArray("subcommands");
        if (subs != null) {
            for (Object s : subs) {
                if (((JsonObject) s).getString("name").equals(fullName)) {
                    return (JsonObject) s;
                }
            }
        }
        return null;
    }

    /** Parses the facts on a daemon thread, so that the first COMMAND DOCS does not stall the data thread. */
    public static void preloadInBackground() {
        Thread t = new Thread(CommandFacts::all, "kv-command-facts");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static Map<String, JsonObject> load() {
        Map<String, JsonObject> facts = new HashMap<>();
        load(LATER, facts);
        load(SECONDARY, facts);
        load(PRIMARY, facts);
        return Map.copyOf(facts);
    }

    private static void load(String resource, Map<String, JsonObject> facts) {
        try (InputStream in = CommandFacts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            JsonObject root = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            for (Object o : root.getJsonArray("commands")) {
                JsonObject command = (JsonObject) o;
                JsonObject previous = facts.get(command.getString("name"));
                if (previous != null && SECONDARY_WINS.contains(command.getString("name"))) {
                    continue;
                }
                if (previous != null) {
                    // keep the primary's facts, but carry over subcommands only the secondary knows
                    mergeSubcommands(command, previous);
                }
                facts.put(command.getString("name"), command);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mergeSubcommands(JsonObject into, JsonObject from) {
        JsonArray target = into.getJsonArray("subcommands");
        JsonArray extra = from.getJsonArray("subcommands");
        if (target == null || extra == null) {
            return;
        }
        List<String> present = new ArrayList<>();
        for (Object s : target) {
            present.add(((JsonObject) s).getString("name"));
        }
        for (Object s : extra) {
            if (!present.contains(((JsonObject) s).getString("name"))) {
                target.add(s);
            }
        }
    }
}
