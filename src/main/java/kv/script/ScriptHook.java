package kv.script;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * LuaJ's instruction-count hook, installed once per JVM on Lua's main thread: every
 * {@link #INSTRUCTIONS} instructions it hands control to the engine of the script running on this
 * thread (time limit, serving other clients while busy, kills, the memory guard).
 */
final class ScriptHook extends VarArgFunction {
    static final int INSTRUCTIONS = 1000;
    private static final ThreadLocal<ScriptEngine> RUNNING = new ThreadLocal<>();

    static {
        // DebugLib switches LuaJ's per-instruction debug calls on; it is loaded into a private table,
        // scripts never see it
        org.luaj.vm2.compiler.LuaC.install();
        LuaTable scratch = new LuaTable();
        scratch.load(new org.luaj.vm2.lib.PackageLib());
        scratch.load(new DebugLib());
        scratch.get("debug").get("sethook").call(new ScriptHook(), LuaValue.valueOf(""), LuaValue.valueOf(INSTRUCTIONS));
    }

    private ScriptHook() {
    }

    /** Makes sure the hook is installed (class initialisation does it). */
    static void install() {
        // the static initializer ran
    }

    static void running(ScriptEngine engine) {
        if (engine == null) {
            RUNNING.remove();
        } else {
            RUNNING.set(engine);
        }
    }

    @Override
    public Varargs invoke(Varargs args) {
        ScriptEngine engine = RUNNING.get();
        if (engine != null) {
            engine.onHook();
        }
        return NONE;
    }
}
