package kv.script;

import java.util.List;

import java.util.function.Supplier;

import kv.script.lib.BitLib;
import kv.script.lib.CjsonLib;
import kv.script.lib.CmsgpackLib;
import kv.script.lib.RedisRandom;
import kv.script.lib.StructLib;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * One Lua environment as Redis 7 builds it: the base functions, string, table, math and coroutine,
 * the extra {@link #LIBRARIES}, and the {@code redis} table; no os, io, debug, package, require,
 * loadfile, dofile, print, getfenv/setfenv. Globals and library tables are read-only; reading an
 * undefined global is an error.
 */
final class LuaSandbox {
    /**
     * Libraries Redis exposes beyond Lua's own (cjson, cmsgpack, struct, bit), as LuaJ library
     * functions loaded into the globals (each sets its table there). The one place to add one.
     */
    static final List<Supplier<LuaValue>> LIBRARIES = List.of(
            CjsonLib::new, CmsgpackLib::new, StructLib::new, BitLib::new);

    /** What Redis 7 takes out of Lua's base environment. */
    private static final String[] REMOVED = {
        "print", "dofile", "loadfile", "getfenv", "setfenv", "module", "require", "package", "newproxy"};

    /** The globals the engine sets before each EVAL script. */
    static final LuaString KEYS = LuaValue.valueOf("KEYS");
    static final LuaString ARGV = LuaValue.valueOf("ARGV");

    private final ReadOnlyTable globals;

    /** Where KEYS and ARGV are in the globals' hash part (EVAL's environment only). */
    private final int keysSlot;
    private final int argvSlot;

    /**
     * EVAL's environment, with the globals KEYS and ARGV. {@code redis}: the API table, filled by
     * the engine; {@code random}: the server's math.random.
     */
    LuaSandbox(LuaTable redis, RedisRandom random) {
        this(redis, random, null, true);
    }

    /**
     * The environment of function libraries (no KEYS and ARGV): {@code redisOfTheMoment} decides
     * what the global {@code redis} is at each lookup.
     */
    LuaSandbox(LuaTable redis, RedisRandom random, Supplier<LuaValue> redisOfTheMoment) {
        this(redis, random, redisOfTheMoment, false);
    }

    private LuaSandbox(LuaTable redis, RedisRandom random, Supplier<LuaValue> redisOfTheMoment, boolean keysAndArgv) {
        globals = new ReadOnlyTable(true, redisOfTheMoment);
        ReadOnlyTable g = globals;
        g.load(new JseBaseLib());
        g.load(new PackageLib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new CoroutineLib());
        g.load(new JseMathLib());
        for (Supplier<LuaValue> library : LIBRARIES) {
            g.load(library.get());
        }
        for (String name : REMOVED) {
            g.rawset(name, LuaValue.NIL);
        }
        g.rawset("error", new ErrorFunction());
        g.rawset("pcall", new ProtectedCall(false));
        g.rawset("xpcall", new ProtectedCall(true));
        g.rawset("gcinfo", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                Runtime rt = Runtime.getRuntime();
                return LuaValue.valueOf((int) ((rt.totalMemory() - rt.freeMemory()) >> 10));
            }
        });
        LuaValue loadstring = g.rawget("loadstring");
        g.rawset("loadstring", new TextOnlyLoad(loadstring, false));
        g.rawset("load", new TextOnlyLoad(loadstring, true));
        g.rawset("tostring", new LuaFormat.ToString());
        g.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        ((LuaTable) g.rawget("string")).rawset("format", new LuaFormat.Format());
        random.install((LuaTable) g.rawget("math"));
        Coroutines.install((LuaTable) g.rawget("coroutine"));
        g.rawset("redis", redis);
        // library tables become read-only copies (the globals table itself is sealed below)
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = g.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            LuaValue v = n.arg(2);
            if (v.istable() && v != g) {
                g.rawset(k, ReadOnlyTable.copyOf((LuaTable) v));
            }
        }
        if (keysAndArgv) {
            g.rawset(KEYS, new LuaTable());
            g.rawset(ARGV, new LuaTable());
        }
        g.seal();
        g.indexNames(KEYS, ARGV);
        keysSlot = keysAndArgv ? g.slotOf(KEYS) : -1;
        argvSlot = keysAndArgv ? g.slotOf(ARGV) : -1;
    }

    /** Sets EVAL's KEYS and ARGV for the next script, in place (no hash lookup per call). */
    void keysAndArgv(LuaTable keys, LuaTable argv) {
        globals.setSlot(keysSlot, keys);
        globals.setSlot(argvSlot, argv);
    }

    ReadOnlyTable globals() {
        return globals;
    }

    /** The script line the running code is at (for Redis' "on @user_script:N." suffix), 0 if unknown. */
    static int currentLine() {
        return lineOf(org.luaj.vm2.lib.DebugLib.fileline());
    }

    /** N from a "source:N" or "source:N: message" prefix; 0 if there is none. */
    static int lineOf(String where) {
        if (where == null) {
            return 0;
        }
        int colon = where.indexOf(':');
        if (colon < 0) {
            return 0;
        }
        int n = 0;
        int i = colon + 1;
        while (i < where.length() && Character.isDigit(where.charAt(i))) {
            n = n * 10 + where.charAt(i) - '0';
            i++;
        }
        return i > colon + 1 ? n : 0;
    }

    /** Lua's error(), keeping non-string values (redis.error_reply tables) as the error object. */
    private static final class ErrorFunction extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaValue v = args.arg1();
            int line = currentLine();
            if (v.isstring()) {
                // LuaError adds the "user_script:N: " position of the requested level, as Lua does
                String message = new LuaError(v.tojstring(), args.optint(2, 1)).getMessage();
                throw new ScriptError(LuaValue.valueOf(message), line);
            }
            throw new ScriptError(v, line);
        }
    }

    /**
     * loadstring and load for source text only: LuaJ would load precompiled bytecode without
     * verifying it, so a binary chunk is refused as Lua 5.1 reports a load failure (nil, message).
     */
    private static final class TextOnlyLoad extends VarArgFunction {
        private final LuaValue loadstring;
        private final boolean fromFunction;

        TextOnlyLoad(LuaValue loadstring, boolean fromFunction) {
            this.loadstring = loadstring;
            this.fromFunction = fromFunction;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue source = args.arg1();
            if (fromFunction) {
                LuaValue reader = args.checkfunction(1);
                StringBuilder sb = new StringBuilder();
                while (true) {
                    LuaValue piece = reader.call();
                    if (piece.isnil() || piece.length() == 0) {
                        break;
                    }
                    sb.append(piece.checkjstring());
                }
                source = LuaValue.valueOf(sb.toString());
            }
            if (source.isstring() && source.length() > 0 && source.checkstring().luaByte(0) == 0x1b) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("binary chunks are not allowed"));
            }
            return loadstring.invoke(LuaValue.varargsOf(source, args.arg(2)));
        }
    }

    /** pcall/xpcall that return the error object itself; a killed script is not catchable. */
    private static final class ProtectedCall extends VarArgFunction {
        private final boolean withHandler;

        ProtectedCall(boolean withHandler) {
            this.withHandler = withHandler;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.checkvalue(1);
            LuaValue error;
            try {
                return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(withHandler ? LuaValue.NONE : args.subargs(2)));
            } catch (ScriptError e) {
                // Redis 7.0 hands pcall the text of an error table, not the table
                LuaValue err = e.value().istable() ? e.value().rawget("err") : LuaValue.NIL;
                error = err.isstring() ? err : e.value();
            } catch (LuaError e) {
                error = e.getMessage() == null ? LuaValue.NIL : LuaValue.valueOf(LuaMessages.toLua51(e.getMessage()));
            } catch (StackOverflowError e) {
                error = LuaValue.valueOf("stack overflow");
            }
            if (withHandler) {
                LuaValue handler = args.arg(2);
                return LuaValue.varargsOf(LuaValue.FALSE, handler instanceof LuaFunction ? handler.call(error) : error);
            }
            return LuaValue.varargsOf(LuaValue.FALSE, error);
        }
    }
}
