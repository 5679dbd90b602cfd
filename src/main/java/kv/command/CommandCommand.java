package kv.command;

import kv.engine.Call;
import kv.engine.CommandSpec;
import kv.engine.CommandTable;
import kv.engine.KeySpec;
import kv.engine.Errors;
import kv.util.Tokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import kv.protocol.Reply;
import kv.util.Glob;

/**
 * COMMAND and its subcommands, answered from the reference facts of the implemented commands only.
 * COMMAND DOCS reports what the facts hold (since, group, arguments, subcommands); the reference
 * dumps carry no prose, so summary, complexity and history are left out rather than invented.
 */
final class CommandCommand {
    private CommandCommand() {
    }

    static void register(CommandTable t) {
        t.register("command", CommandCommand::all);
        t.register("command|count", c -> c.reply().integer(c.server().commands().commands().size()));
        t.register("command|info", CommandCommand::info);
        t.register("command|docs", CommandCommand::docs);
        t.register("command|list", CommandCommand::list);
        t.register("command|getkeys", c -> getKeys(c, false));
        t.register("command|getkeysandflags", c -> getKeys(c, true));
        t.register("command|help", CommandCommand::help);
    }

    /** COMMAND alone: the COMMAND INFO entry of every command. */
    private static void all(Call c) {
        // COMMAND is a container: the dispatcher routes COMMAND <x> to subcommands; bare COMMAND lands here
        Map<String, CommandSpec> commands = c.server().commands().commands();
        c.reply().array(commands.size());
        for (CommandSpec spec : commands.values()) {
            commandInfo(c.reply(), spec);
        }
    }

    /** The spec for a name as COMMAND INFO/DOCS accept it: "get", "config|get" (any case), or null. */
    private static CommandSpec find(Call c, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int bar = lower.indexOf('|');
        CommandSpec top = c.server().commands().lookup(bar < 0 ? lower : lower.substring(0, bar));
        if (top == null || bar < 0) {
            return top;
        }
        return top.subcommand(lower.substring(bar + 1));
    }

    private static void info(Call c) {
        if (c.argc() == 2) {
            all(c);
            return;
        }
        c.reply().array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            CommandSpec spec = find(c, c.text(i));
            if (spec == null) {
                c.reply().nullBulk();
            } else {
                commandInfo(c.reply(), spec);
            }
        }
    }

    /** The 10-element entry of Redis 7 COMMAND INFO. */
    static void commandInfo(Reply r, CommandSpec spec) {
        JsonObject f = spec.facts();
        r.array(10);
        r.bulkText(spec.fullName());
        r.integer(spec.arity());
        statusSet(r, f.getJsonArray("flags"));
        r.integer(f.getInteger("first_key", 0));
        r.integer(f.getInteger("last_key", 0));
        r.integer(f.getInteger("key_step", 0));
        statusSet(r, f.getJsonArray("acl_categories"));
        JsonArray tips = f.getJsonArray("tips", new JsonArray());
        r.set(tips.size());
        for (Object tip : tips) {
            r.bulkText((String) tip);
        }
        JsonArray specs = f.getJsonArray("key_specs", new JsonArray());
        r.set(specs.size()); // a set in Redis 7 (a "~" aggregate in RESP3)
        for (Object o : specs) {
            keySpec(r, (JsonObject) o);
        }
        r.array(spec.subcommands().size());
        for (CommandSpec sub : spec.subcommands()) {
            commandInfo(r, sub);
        }
    }

    private static void statusSet(Reply r, JsonArray values) {
        if (values == null) {
            r.set(0);
            return;
        }
        r.set(values.size());
        for (Object v : values) {
            r.simple((String) v);
        }
    }

    private static void keySpec(Reply r, JsonObject ks) {
        String notes = ks.getString("notes");
        r.map(notes == null ? 3 : 4);
        if (notes != null) {
            r.bulkText("notes");
            r.bulkText(notes);
        }
        r.bulkText("flags");
        statusSet(r, ks.getJsonArray("flags"));
        for (String part : new String[] {"begin_search", "find_keys"}) {
            r.bulkText(part);
            JsonObject p = ks.getJsonObject(part);
            r.map(2);
            r.bulkText("type");
            r.bulkText(p.getString("type"));
            r.bulkText("spec");
            JsonObject s = p.getJsonObject("spec", new JsonObject());
            r.map(s.size());
            for (Map.Entry<String, Object> e : s) {
                r.bulkText(e.getKey());
                if (e.getValue() instanceof Number n) {
                    r.integer(n.longValue());
                } else {
                    r.bulkText(String.valueOf(e.getValue()));
                }
            }
        }
    }

    // ---- DOCS ----

    private static void docs(Call c) {
        List<CommandSpec> found = new ArrayList<>();
        if (c.argc() == 2) {
            found.addAll(c.server().commands().commands().values());
        } else {
            for (int i = 2; i < c.argc(); i++) {
                CommandSpec spec = find(c, c.text(i));
                if (spec != null) {
                    found.add(spec);
                }
            }
        }
        Reply r = c.reply();
        r.map(found.size());
        for (CommandSpec spec : found) {
            r.bulkText(spec.fullName());
            commandDocs(r, spec);
        }
    }

    private static void commandDocs(Reply r, CommandSpec spec) {
        JsonObject f = spec.facts();
        JsonArray args = f.getJsonArray("arguments");
        int n = 1; // group
        n += f.containsKey("since") ? 1 : 0;
        n += f.containsKey("deprecated_since") ? 1 : 0;
        n += f.containsKey("replaced_by") ? 1 : 0;
        n += args != null ? 1 : 0;
        n += spec.isContainer() ? 1 : 0;
        r.map(n);
        if (f.containsKey("since")) {
            r.bulkText("since");
            r.bulkText(f.getString("since"));
        }
        r.bulkText("group");
        r.bulkText(f.getString("group", "generic"));
        if (f.containsKey("deprecated_since")) {
            r.bulkText("deprecated_since");
            r.bulkText(f.getString("deprecated_since"));
        }
        if (f.containsKey("replaced_by")) {
            r.bulkText("replaced_by");
            r.bulkText(f.getString("replaced_by"));
        }
        if (args != null) {
            r.bulkText("arguments");
            arguments(r, args);
        }
        if (spec.isContainer()) {
            r.bulkText("subcommands");
            r.map(spec.subcommands().size());
            for (CommandSpec sub : spec.subcommands()) {
                r.bulkText(sub.fullName());
                commandDocs(r, sub);
            }
        }
    }

    private static final String[] ARG_FIELDS = {"name", "type", "display_text", "key_spec_index", "token", "summary",
        "since", "deprecated_since", "flags", "arguments"};

    private static void arguments(Reply r, JsonArray args) {
        r.array(args.size());
        for (Object o : args) {
            JsonObject a = (JsonObject) o;
            int n = 0;
            for (String field : ARG_FIELDS) {
                n += a.containsKey(field) ? 1 : 0;
            }
            r.map(n);
            for (String field : ARG_FIELDS) {
                if (!a.containsKey(field)) {
                    continue;
                }
                r.bulkText(field);
                Object v = a.getValue(field);
                switch (field) {
                    case "flags" -> statusSet(r, (JsonArray) v);
                    case "arguments" -> arguments(r, (JsonArray) v);
                    default -> {
                        if (v instanceof Number num) {
                            r.integer(num.longValue());
                        } else {
                            r.bulkText(String.valueOf(v));
                        }
                    }
                }
            }
        }
    }

    // ---- LIST ----

    private static void list(Call c) {
        String type = null;
        byte[] arg = null;
        for (int i = 2; i < c.argc(); i++) {
            if (c.is(i, "FILTERBY") && c.argc() - 1 - i == 2) {
                if (c.is(i + 1, "MODULE") || c.is(i + 1, "ACLCAT") || c.is(i + 1, "PATTERN")) {
                    type = c.text(i + 1).toLowerCase(Locale.ROOT);
                } else {
                    throw c.error(Errors.SYNTAX);
                }
                arg = c.arg(i + 2);
                i += 2;
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec top : c.server().commands().commands().values()) {
            if (keep(top, type, arg)) {
                names.add(top.fullName());
            }
            for (CommandSpec sub : top.subcommands()) {
                if (keep(sub, type, arg)) {
                    names.add(sub.fullName());
                }
            }
        }
        c.reply().array(names.size());
        for (String name : names) {
            c.reply().bulkText(name);
        }
    }

    private static boolean keep(CommandSpec spec, String type, byte[] arg) {
        if (type == null) {
            return true;
        }
        switch (type) {
            case "module":
                return false; // no modules
            case "aclcat": {
                String wanted = "@" + new String(arg, StandardCharsets.UTF_8);
                for (Object cat : spec.facts().getJsonArray("acl_categories", new JsonArray())) {
                    if (((String) cat).equalsIgnoreCase(wanted)) {
                        return true;
                    }
                }
                return false;
            }
            default:
                return Glob.match(arg, spec.fullName().getBytes(StandardCharsets.UTF_8), true);
        }
    }

    // ---- GETKEYS ----

    private static void getKeys(Call c, boolean withFlags) {
        CommandSpec spec = c.server().commands().lookup(c.arg(2));
        if (spec != null && spec.isContainer()) {
            spec = c.argc() > 3 ? spec.subcommand(c.text(3)) : spec;
        }
        if (spec == null) {
            throw c.error("ERR Invalid command specified");
        }
        if (spec.keySpecs().isEmpty()) {
            throw c.error("ERR The command has no key arguments");
        }
        int argc = c.argc() - 2;
        if (!spec.arityAccepts(argc)) {
            throw c.error("ERR Invalid number of arguments specified for command");
        }
        byte[][] argv = new byte[argc][];
        System.arraycopy(c.args(), 2, argv, 0, argc);
        List<KeySpec.KeyRef> keys = spec.keys(argv);
        if (keys == null) {
            if (spec.facts().getJsonArray("flags", new JsonArray()).contains("no_mandatory_keys")) {
                keys = List.of();
            } else {
                throw c.error("ERR Invalid arguments specified for command");
            }
        }
        Reply r = c.reply();
        r.array(keys.size());
        for (KeySpec.KeyRef k : keys) {
            if (withFlags) {
                r.array(2);
                r.bulk(argv[k.position()]);
                List<String> flags = spec.keyFlags(argv, k);
                r.set(flags.size());
                for (String flag : flags) {
                    r.simple(flag);
                }
            } else {
                r.bulk(argv[k.position()]);
            }
        }
    }

    private static void help(Call c) {
        Help.reply(c, "COMMAND",
                "(no subcommand)",
                "    Describe every command this server implements.",
                "COUNT",
                "    How many commands this server implements.",
                "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
                "    The names of the implemented commands and subcommands, optionally filtered.",
                "INFO [<command-name> ...]",
                "    Describe the named commands (every command when none is named).",
                "DOCS [<command-name> ...]",
                "    Documentation facts of the named commands (every command when none is named).",
                "GETKEYS <full-command>",
                "    The key arguments of a complete command.",
                "GETKEYSANDFLAGS <full-command>",
                "    The key arguments of a complete command and how each one is accessed.");
    }
}
