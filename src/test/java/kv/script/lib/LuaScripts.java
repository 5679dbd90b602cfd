package kv.script.lib;

import java.nio.charset.StandardCharsets;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.jse.JsePlatform;

/** Runs Lua snippets in plain LuaJ globals with the Redis libraries installed, the way the engine installs them. */
final class LuaScripts {
    private final LuaValue globals;

    LuaScripts() {
        LuaTable g = JsePlatform.standardGlobals();
        g.load(new CjsonLib());
        g.load(new CmsgpackLib());
        g.load(new StructLib());
        g.load(new BitLib());
        globals = g;
        // the hex helper the recorded expectations were made with
        run("function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end");
    }

    LuaValue globals() {
        return globals;
    }

    /** The first result of a chunk. */
    LuaValue eval(String script) {
        return run(script).arg1();
    }

    Varargs run(String script) {
        return load(script).invoke();
    }

    private LuaValue load(String script) {
        LuaValue loadstring = globals().get("loadstring");
        Varargs f = loadstring.invoke(LuaValue.valueOf(script), LuaValue.valueOf("=test"));
        if (f.arg1().isnil()) {
            throw new IllegalArgumentException("does not compile: " + f.arg(2));
        }
        return f.arg1();
    }

    /** The result as a Java string (bytes as ISO-8859-1, so every byte survives). */
    String str(String script) {
        LuaValue v = eval(script);
        if (!v.isstring()) {
            throw new AssertionError("not a string: " + v.typename() + " " + v);
        }
        LuaString s = v.checkstring();
        return new String(s.m_bytes, s.m_offset, s.m_length, StandardCharsets.ISO_8859_1);
    }

    /** The message of the error the chunk raises, or a failure when it raises none. */
    String error(String script) {
        try {
            LuaValue v = eval(script);
            throw new AssertionError("no error; got " + v);
        } catch (LuaError e) {
            return e.getMessage();
        }
    }
}
