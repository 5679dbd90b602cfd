package kv.script.lib;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.lib.DebugLib;

/**
 * An error raised inside one of the C-style libraries. Its message has no position, which is what
 * a script's {@code pcall(lib.fn, ...)} gets back, as in Redis; but when it ends the script,
 * Redis's message names the script line that called the library ({@code user_script:N: ...}):
 * {@link #where()} is that line, taken when the error was raised.
 */
public final class CFunctionError extends LuaError {
    private static final long serialVersionUID = 1L;
    private final String where;

    CFunctionError(String message) {
        super(message, 0);
        this.where = DebugLib.fileline();
    }

    /** "chunk:line" of the innermost Lua function running when the error was raised. */
    public String where() {
        return where;
    }
}
