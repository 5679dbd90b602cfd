package kv.engine;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the command table needs at start-up from the facts (name, arity, flags, compiled key
 * specs): one tab-separated line per command and subcommand in {@value #RESOURCE}, generated at
 * build time from the JSON facts by {@link #render}, so that start-up reads a 30 KB text file
 * instead of parsing 600 KB of JSON. {@code CommandIndexTest} fails when the file is stale and
 * says how to regenerate it.
 */
public final class CommandIndex {
    static final String RESOURCE = "/kv/commands/index.txt";

    /** One command's start-up facts. */
    record Entry(String name, int arity, List<String> flags, List<KeySpec> keySpecs) {
    }

    /** Raw lines by full name, decoded on {@link #get} (only the implemented commands ever are). */
    private static final class Lines {
        static final Map<String, String> BY_NAME = read();
    }

    private CommandIndex() {
    }

    /** The entry of a command ("get") or subcommand ("config|get"); null if no reference server has it. */
    static Entry get(String fullName) {
        String line = Lines.BY_NAME.get(fullName);
        if (line == null) {
            return null;
        }
        String[] f = line.split("\t", -1);
        List<KeySpec> specs = new ArrayList<>();
        if (!"-".equals(f[3])) {
            for (String spec : f[3].split(";")) {
                specs.add(KeySpec.decode(spec));
            }
        }
        return new Entry(f[0], Integer.parseInt(f[1]), "-".equals(f[2]) ? List.of() : List.of(f[2].split(",")),
                List.copyOf(specs));
    }

    private static Map<String, String> read() {
        Map<String, String> lines = new HashMap<>(1024);
        try (InputStream in = CommandIndex.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isEmpty() && line.charAt(0) != '#') {
                    lines.put(line.substring(0, line.indexOf('\t')), line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    /** The index file's text for these facts (top-level commands by name; their subcommands inside). */
    static String render(Map<String, JsonObject> facts) {
        StringBuilder out = new StringBuilder();
        out.append("# name\tarity\tflags\tkey specs (see KeySpec.encode). Generated from the JSON facts in this\n")
                .append("# directory by kv.engine.CommandIndexTest; do not edit.\n");
        for (JsonObject command : new TreeMap<>(facts).values()) {
            line(out, command);
            for (Object sub : command.getJsonArray("subcommands", new JsonArray())) {
                line(out, (JsonObject) sub);
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder out, JsonObject command) {
        List<String> flags = new ArrayList<>();
        for (Object flag : command.getJsonArray("flags", new JsonArray())) {
            flags.add(checked((String) flag));
        }
        List<String> specs = new ArrayList<>();
        for (Object spec : command.getJsonArray("key_specs", new JsonArray())) {
            specs.add(KeySpec.fromFacts((JsonObject) spec).encode());
        }
        out.append(checked(command.getString("name"))).append('\t').append(command.getInteger("arity")).append('\t')
                .append(flags.isEmpty() ? "-" : String.join(",", flags)).append('\t')
                .append(specs.isEmpty() ? "-" : String.join(";", specs)).append('\n');
    }

    /** Names and flags are single words; anything else would break the line format. */
    private static String checked(String word) {
        if (word.isEmpty() || word.chars().anyMatch(c -> c <= ' ' || c == ',' || c == ';')) {
            throw new IllegalArgumentException("cannot index '" + word + "'");
        }
        return word;
    }
}
