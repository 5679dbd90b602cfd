package kv.command;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.script.ScriptEngine;

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD/EXISTS/FLUSH/KILL/DEBUG/HELP. There is no Lua
 * debugger (Redis' LDB): SCRIPT DEBUG NO is accepted, YES and SYNC are refused with an error.
 */
final class ScriptingCommands {
    private ScriptingCommands() {
    }

    static void register(CommandTable t) {
        t.register("eval", c -> engine(c).eval(c, true, false));
        t.register("eval_ro", c -> engine(c).eval(c, true, true));
        t.register("evalsha", c -> engine(c).eval(c, false, false));
        t.register("evalsha_ro", c -> engine(c).eval(c, false, true));
        t.registerOomRule("eval", (server, argv) -> ScriptEngine.of(server).evalDeniesOom(argv, true));
        t.registerOomRule("eval_ro", (server, argv) -> ScriptEngine.of(server).evalDeniesOom(argv, true));
        t.registerOomRule("evalsha", (server, argv) -> ScriptEngine.of(server).evalDeniesOom(argv, false));
        t.registerOomRule("evalsha_ro", (server, argv) -> ScriptEngine.of(server).evalDeniesOom(argv, false));
        t.register("script|load", c -> c.reply().bulkText(engine(c).load(c.arg(2))));
        t.register("script|exists", ScriptingCommands::exists);
        t.register("script|flush", ScriptingCommands::flush);
        t.register("script|kill", c -> engine(c).kill(c, true));
        t.register("script|debug", ScriptingCommands::debug);
        t.register("script|help", ScriptingCommands::help);
    }

    private static ScriptEngine engine(Call c) {
        return ScriptEngine.of(c.server());
    }

    private static void exists(Call c) {
        ScriptEngine engine = engine(c);
        c.reply().array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            c.reply().integer(engine.exists(c.arg(i)) ? 1 : 0);
        }
    }

    /** SCRIPT FLUSH [ASYNC|SYNC]: the cache is small, so both modes free it at once. */
    private static void flush(Call c) {
        if (c.argc() > 3 || c.argc() == 3 && !c.is(2, "ASYNC") && !c.is(2, "SYNC")) {
            throw c.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        }
        engine(c).flush();
        c.reply().ok();
    }

    static final String NO_DEBUGGER = "ERR SCRIPT DEBUG YES/SYNC is not supported: this server has no Lua debugger";

    /**
     * SCRIPT DEBUG: Redis' checks in its order (replies still owed to the client first: inside
     * MULTI or behind other commands of a pipeline), then NO turns the (never enabled) debugger off.
     */
    private static void debug(Call c) {
        if (c.client().transport().pendingOutput() > 0) {
            throw c.error("ERR SCRIPT DEBUG must be called outside a pipeline");
        }
        if (c.is(2, "NO")) {
            c.reply().ok();
        } else if (c.is(2, "YES") || c.is(2, "SYNC")) {
            throw c.error(NO_DEBUGGER);
        } else {
            throw c.error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
        }
    }

    private static void help(Call c) {
        Help.reply(c, "SCRIPT",
                "DEBUG (YES|SYNC|NO)",
                "    Set the debug mode for subsequent scripts executed.",
                "EXISTS <sha1> [<sha1> ...]",
                "    Return information about the existence of the scripts in the script cache.",
                "FLUSH [ASYNC|SYNC]",
                "    Flush the Lua scripts cache. Very dangerous on replicas.",
                "    When called without the optional mode argument, the behavior is determined by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the scripts cache.",
                "    * SYNC: Synchronously flush the scripts cache.",
                "KILL",
                "    Kill the currently executing Lua script.",
                "LOAD <script>",
                "    Load a script into the scripts cache without executing it.");
    }
}
