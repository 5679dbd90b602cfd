package kv.script.lib;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Library functions as named closures, bound without LuaJ's reflective {@code bind} (which needs
 * reflection configuration in the native image). The name is what argument errors quote.
 */
final class LibFunctions {
    interface Body {
        Varargs invoke(Varargs args);
    }

    private LibFunctions() {
    }

    static void add(LuaTable table, String name, Body body) {
        table.rawset(name, new Named(name, body));
    }

    private static final class Named extends VarArgFunction {
        private final Body body;

        Named(String name, Body body) {
            this.name = name;
            this.body = body;
        }

        @Override
        public Varargs invoke(Varargs args) {
            return body.invoke(args);
        }
    }
}
