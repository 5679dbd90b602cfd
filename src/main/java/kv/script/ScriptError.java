package kv.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * A Lua error that carries a Lua value (LuaJ 2.0.3's own errors carry only text, Lua 5.1's carry
 * any value: redis.call raises the table {err=...}) and the script line it was raised on.
 */
final class ScriptError extends LuaError {
    private static final long serialVersionUID = 1L;

    private final transient LuaValue value;
    private final int line;

    ScriptError(LuaValue value, int line) {
        super(value.isstring() ? value.tojstring() : value.typename(), 0);
        this.value = value;
        this.line = line;
    }

    LuaValue value() {
        return value;
    }

    int line() {
        return line;
    }
}
