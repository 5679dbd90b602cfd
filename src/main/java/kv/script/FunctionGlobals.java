package kv.script;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import kv.script.lib.RedisRandom;

/**
 * The globals of function libraries: one environment shared by every library, whose {@code redis}
 * resolves to the load-time API (register_function, log) while FUNCTION LOAD runs a library's
 * code and to the run-time API (call, pcall...) while a function runs, as Redis switches the
 * globals' lookup. Closures a library keeps (helpers, callbacks) therefore see the API of the moment.
 */
final class FunctionGlobals {
    private final LuaTable runApi;
    private final LuaTable loadApi;
    private boolean loading;
    private final ReadOnlyTable globals;

    FunctionGlobals(LuaTable runApi, LuaTable loadApi, RedisRandom random) {
        this.runApi = runApi;
        this.loadApi = loadApi;
        this.globals = new LuaSandbox(runApi, random, this::redisTable).globals();
    }

    private LuaValue redisTable() {
        return loading ? loadApi : runApi;
    }

    ReadOnlyTable table() {
        return globals;
    }

    void loading(boolean value) {
        loading = value;
    }
}
