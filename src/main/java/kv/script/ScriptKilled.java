package kv.script;

/**
 * Ends a running script from its hook (SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE, the memory
 * guard). An {@link Error}, not an exception: Lua's pcall must not catch it, and LuaJ's hook
 * dispatcher swallows exceptions.
 */
final class ScriptKilled extends Error {
    private static final long serialVersionUID = 1L;

    ScriptKilled(String message) {
        super(message, null, false, false);
    }
}
