package kv.script;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.jboss.logging.Logger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import kv.util.Version;

/** The {@code redis} table scripts see: redis.call and the rest of Redis' Lua API. */
final class RedisLib {
    private static final Logger LOG = Logger.getLogger("kv.script");
    static final int REPL_NONE = 0;
    static final int REPL_AOF = 1;
    static final int REPL_REPLICA = 2;
    static final int REPL_ALL = 3;

    private RedisLib() {
    }

    /** A Lua function whose body is a lambda. */
    interface Body {
        Varargs invoke(Varargs args);
    }

    static VarArgFunction function(Body body) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return body.invoke(args);
            }
        };
    }

    /** The API table of {@code engine}, without register_function (functions add it). */
    static LuaTable create(ScriptEngine engine) {
        LuaTable t = new LuaTable();
        t.rawset("call", function(args -> engine.call(args, true)));
        t.rawset("pcall", function(args -> engine.call(args, false)));
        t.rawset("error_reply", function(args -> replyTable("err", args)));
        t.rawset("status_reply", function(args -> replyTable("ok", args)));
        t.rawset("sha1hex", function(args -> {
            if (args.narg() != 1) {
                throw raise("ERR wrong number of arguments");
            }
            LuaString s = args.checkstring(1);
            byte[] bytes = new byte[s.m_length];
            System.arraycopy(s.m_bytes, s.m_offset, bytes, 0, s.m_length);
            return LuaNumbers.text(sha1(bytes));
        }));
        t.rawset("log", function(args -> {
            if (args.narg() < 2) {
                throw raise("ERR redis.log() requires two arguments or more.");
            }
            if (!args.arg1().isnumber()) {
                throw raise("ERR First argument must be a number (log level).");
            }
            int level = args.arg1().toint();
            if (level < 0 || level > 3) {
                throw raise("ERR Invalid debug level.");
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 2; i <= args.narg(); i++) {
                if (i > 2) {
                    sb.append(' ');
                }
                sb.append(args.arg(i).tojstring());
            }
            switch (level) {
                case 0 -> LOG.debug(sb);
                case 1, 2 -> LOG.info(sb);
                default -> LOG.warn(sb);
            }
            return NONE;
        }));
        t.rawset("setresp", function(args -> {
            if (args.narg() != 1) {
                throw raise("ERR redis.setresp() requires one argument.");
            }
            int resp = args.arg1().toint();
            if (resp != 2 && resp != 3) {
                throw raise("ERR RESP version must be 2 or 3.");
            }
            engine.running().resp = resp;
            return NONE;
        }));
        t.rawset("set_repl", function(args -> {
            if (args.narg() != 1) {
                throw raise("ERR redis.set_repl() requires one argument.");
            }
            int flags = args.arg1().toint();
            if ((flags & ~REPL_ALL) != 0) {
                throw raise("ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
            }
            engine.running().replication = flags;
            return NONE;
        }));
        // effects replication is the only mode since Redis 7: always on
        t.rawset("replicate_commands", function(args -> LuaValue.TRUE));
        // the debugger (SCRIPT DEBUG) is not supported: its hooks do nothing, as outside a debugging session
        t.rawset("breakpoint", function(args -> LuaValue.FALSE));
        t.rawset("debug", function(args -> NONE));
        t.rawset("LOG_DEBUG", LuaValue.valueOf(0));
        t.rawset("LOG_VERBOSE", LuaValue.valueOf(1));
        t.rawset("LOG_NOTICE", LuaValue.valueOf(2));
        t.rawset("LOG_WARNING", LuaValue.valueOf(3));
        t.rawset("REPL_NONE", LuaValue.valueOf(REPL_NONE));
        t.rawset("REPL_AOF", LuaValue.valueOf(REPL_AOF));
        t.rawset("REPL_SLAVE", LuaValue.valueOf(REPL_REPLICA));
        t.rawset("REPL_REPLICA", LuaValue.valueOf(REPL_REPLICA));
        t.rawset("REPL_ALL", LuaValue.valueOf(REPL_ALL));
        t.rawset("REDIS_VERSION", LuaValue.valueOf(Version.REDIS));
        t.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(versionNumber(Version.REDIS)));
        return t;
    }

    /** 7.2.4 → 0x070204, as Redis encodes REDIS_VERSION_NUM. */
    static int versionNumber(String version) {
        String[] parts = version.split("\\.");
        int n = 0;
        for (int i = 0; i < 3; i++) {
            n = n << 8 | (i < parts.length ? Integer.parseInt(parts[i]) : 0);
        }
        return n;
    }

    private static final Varargs NONE = LuaValue.NONE;

    /** {err=...}/{ok=...}; wrong arguments give an error reply (returned, not raised, as Redis does). */
    private static LuaValue replyTable(String field, Varargs args) {
        if (args.narg() != 1 || !args.arg1().isstring()) {
            return single("err", LuaValue.valueOf("ERR wrong number or type of arguments"));
        }
        return single(field, args.arg1().tostring());
    }

    static LuaTable single(String key, LuaValue value) {
        LuaTable t = new LuaTable();
        t.rawset(key, value);
        return t;
    }

    /** An error raised as Redis' API raises them: a table {err=...} plus the script's current line. */
    static ScriptError raise(String message) {
        return new ScriptError(single("err", LuaValue.valueOf(message)), LuaSandbox.currentLine());
    }

    static String sha1(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
