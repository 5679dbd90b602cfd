package kv.command;

import java.nio.charset.StandardCharsets;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.protocol.Reply;
import kv.rdb.FunctionPayload;
import kv.script.Library;
import kv.script.LibraryFunction;
import kv.script.ScriptEngine;
import kv.util.Glob;

/** FCALL, FCALL_RO and FUNCTION LOAD/DELETE/FLUSH/LIST/STATS/KILL/DUMP/RESTORE/HELP. */
final class FunctionCommands {
    private FunctionCommands() {
    }

    static void register(CommandTable t) {
        t.register("fcall", c -> engine(c).fcall(c, false));
        t.register("fcall_ro", c -> engine(c).fcall(c, true));
        t.registerOomRule("fcall", (server, argv) -> ScriptEngine.of(server).fcallDeniesOom(argv));
        t.registerOomRule("fcall_ro", (server, argv) -> ScriptEngine.of(server).fcallDeniesOom(argv));
        t.register("function|load", FunctionCommands::load);
        t.register("function|delete", FunctionCommands::delete);
        t.register("function|flush", FunctionCommands::flush);
        t.register("function|list", FunctionCommands::list);
        t.register("function|stats", FunctionCommands::stats);
        t.register("function|kill", c -> engine(c).kill(c, false));
        t.register("function|dump", FunctionCommands::dump);
        t.register("function|restore", FunctionCommands::restore);
        t.register("function|help", FunctionCommands::help);
    }

    private static ScriptEngine engine(Call c) {
        return ScriptEngine.of(c.server());
    }

    private static void load(Call c) {
        boolean replace = false;
        int i = 2;
        while (i < c.argc() - 1) {
            if (c.is(i, "REPLACE")) {
                replace = true;
                i++;
            } else {
                throw c.error("ERR Unknown option given: " + c.text(i));
            }
        }
        if (i != c.argc() - 1) {
            throw c.error("ERR Function code is missing");
        }
        String name = engine(c).loadLibrary(c.arg(i), replace);
        changedLibraries(c);
        c.reply().bulkText(name);
    }

    /**
     * Libraries changed: one change for save points, as Redis' server.dirty++, which also makes
     * the command propagate as called (to the AOF).
     */
    private static void changedLibraries(Call c) {
        c.server().keyspace().countChanges(1);
    }

    private static void dump(Call c) {
        c.reply().bulk(FunctionPayload.dump(engine(c).libraryCodes(), c.server().config().rdbCompression()));
    }

    /** FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]: APPEND by default. */
    private static void restore(Call c) {
        if (c.argc() > 4) {
            throw c.error(kv.engine.Errors.subcommandSyntax(c.arg(1), "function"));
        }
        String policy = "APPEND";
        if (c.argc() == 4) {
            policy = c.text(3).toUpperCase(java.util.Locale.ROOT);
            if (!policy.equals("FLUSH") && !policy.equals("APPEND") && !policy.equals("REPLACE")) {
                throw c.error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            }
        }
        java.util.List<byte[]> codes;
        try {
            codes = FunctionPayload.read(c.arg(2), false);
        } catch (FunctionPayload.Refused e) {
            throw c.error("ERR " + e.getMessage());
        }
        engine(c).restoreLibraries(codes, policy);
        changedLibraries(c);
        c.reply().ok();
    }

    private static void delete(Call c) {
        if (!engine(c).deleteLibrary(c.text(2))) {
            throw c.error("ERR Library not found");
        }
        changedLibraries(c);
        c.reply().ok();
    }

    /** FUNCTION FLUSH [ASYNC|SYNC]: both modes free the libraries at once. */
    private static void flush(Call c) {
        if (c.argc() > 3 || c.argc() == 3 && !c.is(2, "ASYNC") && !c.is(2, "SYNC")) {
            throw c.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        }
        engine(c).flushLibraries();
        changedLibraries(c);
        c.reply().ok();
    }

    private static void list(Call c) {
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < c.argc(); i++) {
            if (c.is(i, "WITHCODE")) {
                withCode = true;
            } else if (c.is(i, "LIBRARYNAME")) {
                if (pattern != null) {
                    throw c.error("ERR library name can be given only once");
                }
                if (++i >= c.argc()) {
                    throw c.error("ERR library name argument was not given");
                }
                pattern = c.arg(i);
            } else {
                throw c.error("ERR Unknown argument " + c.text(i));
            }
        }
        java.util.List<Library> shown = new java.util.ArrayList<>();
        for (Library lib : engine(c).libraries()) {
            if (pattern == null || Glob.match(pattern, lib.name().getBytes(StandardCharsets.ISO_8859_1), true)) {
                shown.add(lib);
            }
        }
        Reply r = c.reply();
        r.array(shown.size());
        for (Library lib : shown) {
            r.map(withCode ? 4 : 3);
            r.bulkText("library_name");
            r.bulkText(lib.name());
            r.bulkText("engine");
            r.bulkText("LUA");
            r.bulkText("functions");
            r.array(lib.functions().size());
            for (LibraryFunction f : lib.functions()) {
                r.map(3);
                r.bulkText("name");
                r.bulkText(f.name());
                r.bulkText("description");
                if (f.description() == null) {
                    r.nullBulk();
                } else {
                    r.bulk(f.description().getBytes(StandardCharsets.ISO_8859_1));
                }
                r.bulkText("flags");
                r.set(f.flags().size());
                for (String flag : f.flags()) {
                    r.simple(flag);
                }
            }
            if (withCode) {
                r.bulkText("library_code");
                r.bulk(lib.code());
            }
        }
    }

    private static void stats(Call c) {
        ScriptEngine engine = engine(c);
        ScriptEngine.RunningScript running = engine.runningFunction();
        Reply r = c.reply();
        r.map(2);
        r.bulkText("running_script");
        if (running == null) {
            r.nullBulk();
        } else {
            r.map(3);
            r.bulkText("name");
            r.bulkText(running.name());
            r.bulkText("command");
            r.array(running.command().length);
            for (byte[] arg : running.command()) {
                r.bulk(arg);
            }
            r.bulkText("duration_ms");
            r.integer(running.durationMs());
        }
        r.bulkText("engines");
        r.map(1);
        r.bulkText("LUA");
        r.map(2);
        r.bulkText("libraries_count");
        r.integer(engine.libraries().size());
        r.bulkText("functions_count");
        r.integer(engine.functionCount());
    }

    private static void help(Call c) {
        Help.reply(c, "FUNCTION",
                "LOAD [REPLACE] <FUNCTION CODE>",
                "    Create a new library with the given library name and code.",
                "DELETE <LIBRARY NAME>",
                "    Delete the given library.",
                "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                "    Return general information on all the libraries:",
                "    * Library name",
                "    * The engine used to run the Library",
                "    * Library description",
                "    * Functions list",
                "    * Library code (if WITHCODE is given)",
                "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
                "STATS",
                "    Return information about the current function running:",
                "    * Function name",
                "    * Command used to run the function",
                "    * Duration in MS that the function is running",
                "    If no function is running, return nil",
                "    In addition, returns a list of available engines.",
                "KILL",
                "    Kill the current running function.",
                "FLUSH [ASYNC|SYNC]",
                "    Delete all the libraries.",
                "    When called without the optional mode argument, the behavior is determined by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the libraries.",
                "    * SYNC: Synchronously flush the libraries.",
                "DUMP",
                "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
                "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
                "    control how to handle existing libraries (default APPEND):",
                "    * FLUSH: delete all existing libraries.",
                "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
                "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
                "      libraries with the new libraries (notice that even on this option there is a chance of failure",
                "      in case of functions name collision with another library).");
    }
}
