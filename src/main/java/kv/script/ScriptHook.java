package kv.script;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * LuaJ's instruction-count hook, installed once per JVM on Lua's main thread: every
 * {@link #INSTRUCTIONS} instructions it hands control to the listener of this thread: the engine
 * of the script running (time limit, serving other clients while busy, kills, the memory guard),
 * or the load timeout of a function library.
 */
final class ScriptHook extends VarArgFunction {
    static final int INSTRUCTIONS = 1000;
    private static final ThreadLocal<Listener> RUNNING = new ThreadLocal<>();

    /** What runs every {@link #INSTRUCTIONS} instructions; it may end the Lua code by throwing. */
    interface Listener {
        void onHook();
    }

    /** DebugLib's sethook, which alone can set a hook on another Lua thread. */
    private static final LuaValue SETHOOK;

    static {
        // DebugLib switches LuaJ's per-instruction debug calls on; it is loaded into a private table,
        // scripts never see it
        org.luaj.vm2.compiler.LuaC.install();
        LuaTable scratch = new LuaTable();
        scratch.load(new org.luaj.vm2.lib.PackageLib());
        scratch.load(new DebugLib());
        SETHOOK = scratch.get("debug").get("sethook");
        SETHOOK.call(new ScriptHook(), LuaValue.valueOf(""), LuaValue.valueOf(INSTRUCTIONS));
    }

    private ScriptHook() {
    }

    /** Makes sure the hook is installed (class initialisation does it). */
    static void install() {
        // the static initializer ran
    }

    /** Makes {@code listener} (null: none) this thread's; returns the one it replaces. */
    static Listener running(Listener listener) {
        Listener previous = RUNNING.get();
        // set, never removed: a removed entry would be created again on the next script's get
        RUNNING.set(listener);
        return previous;
    }

    /** Gives a coroutine's Lua thread its own count hook (the main thread's is not inherited). */
    static void installOn(LuaThread thread, LuaValue hook) {
        SETHOOK.invoke(LuaValue.varargsOf(new LuaValue[] {thread, hook, LuaValue.valueOf(""), LuaValue.valueOf(INSTRUCTIONS)}));
    }

    /** Runs this thread's listener now (for a coroutine's hook, relayed to the data thread). */
    static void fire() {
        Listener listener = RUNNING.get();
        if (listener != null) {
            listener.onHook();
        }
    }

    @Override
    public Varargs invoke(Varargs args) {
        Listener listener = RUNNING.get();
        if (listener != null) {
            listener.onHook();
        }
        return NONE;
    }
}
