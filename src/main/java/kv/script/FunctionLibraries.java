package kv.script;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import kv.engine.CommandError;
import kv.script.lib.RedisRandom;

/**
 * The loaded function libraries (FUNCTION LOAD/DELETE/FLUSH/LIST) and their functions by name.
 * A library's code runs once at load, in the shared function environment, with only the load-time
 * API (redis.register_function, redis.log); what it registers is installed only if the whole load
 * succeeds.
 */
final class FunctionLibraries {
    static final String NAME_RULE = "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

    /** Redis' limit on the run of a library's code at load (FUNCTION LOAD, RESTORE, RDB). */
    static final long LOAD_TIMEOUT_NANOS = 500_000_000L;

    private final FunctionGlobals globals;
    /** By name, in name order (FUNCTION LIST and DUMP list them in this order). */
    private final Map<String, Library> libraries = new TreeMap<>();
    private final Map<String, LibraryFunction> functions = new TreeMap<>();
    /** The library being loaded: where register_function puts what it registers. */
    private Library loading;

    FunctionLibraries(LuaTable runApi, RedisRandom random) {
        this.globals = new FunctionGlobals(runApi, loadApi(), random);
    }

    ReadOnlyTable globals() {
        return globals.table();
    }

    Collection<Library> libraries() {
        return libraries.values();
    }

    LibraryFunction function(String name) {
        return functions.get(name);
    }

    int functionCount() {
        return functions.size();
    }

    /** Every library's code, in name order (FUNCTION DUMP and RDB files list them so). */
    List<byte[]> codes() {
        List<byte[]> out = new ArrayList<>(libraries.size());
        for (Library lib : libraries.values()) {
            out.add(lib.code());
        }
        return out;
    }

    /** How FUNCTION RESTORE joins what it loads to the libraries there are. */
    enum RestorePolicy { FLUSH, APPEND, REPLACE }

    /**
     * FUNCTION RESTORE (and loading a data file, with FLUSH): every library is loaded first on its
     * own (one clashing with another of the payload fails), then joined by {@code policy}: FLUSH
     * drops the current ones, APPEND refuses a library that exists, REPLACE replaces it; a function
     * name held by another remaining library is refused either way. Any error leaves everything as
     * it was.
     */
    void restore(List<byte[]> codes, RestorePolicy policy) {
        Map<String, Library> currentLibraries = new TreeMap<>(libraries);
        Map<String, LibraryFunction> currentFunctions = new TreeMap<>(functions);
        Map<String, Library> staged;
        try {
            flush();
            for (byte[] code : codes) {
                load(code, false);
            }
            staged = new TreeMap<>(libraries);
        } finally {
            flush();
            libraries.putAll(currentLibraries);
            functions.putAll(currentFunctions);
        }
        if (policy == RestorePolicy.FLUSH) {
            flush();
        } else {
            for (String name : staged.keySet()) {
                if (libraries.containsKey(name) && policy == RestorePolicy.APPEND) {
                    throw new CommandError("ERR Library " + name + " already exists");
                }
            }
            for (Library lib : staged.values()) {
                for (LibraryFunction f : lib.functions()) {
                    LibraryFunction other = functions.get(f.name());
                    if (other != null && !staged.containsKey(other.library())) {
                        throw new CommandError("ERR Function " + f.name() + " already exists");
                    }
                }
            }
            staged.keySet().forEach(this::delete);
        }
        for (Library lib : staged.values()) {
            libraries.put(lib.name(), lib);
            for (LibraryFunction f : lib.functions()) {
                functions.put(f.name(), f);
            }
        }
    }

    void flush() {
        libraries.clear();
        functions.clear();
    }

    boolean delete(String name) {
        Library lib = libraries.remove(name);
        if (lib == null) {
            return false;
        }
        for (LibraryFunction f : lib.functions()) {
            functions.remove(f.name());
        }
        return true;
    }

    /** FUNCTION LOAD: returns the library's name, or throws Redis' error. */
    String load(byte[] code, boolean replace) {
        String text = new String(code, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("#!")) {
            throw new CommandError("ERR Missing library metadata");
        }
        int eol = text.indexOf('\n');
        if (eol < 0) {
            throw new CommandError("ERR Invalid library metadata");
        }
        String[] tokens = text.substring(2, eol).split(" ");
        String engine = tokens[0];
        if (!engine.equalsIgnoreCase("lua")) {
            throw new CommandError("ERR Engine '" + engine + "' not found");
        }
        String name = null;
        for (int i = 1; i < tokens.length; i++) {
            if (tokens[i].isEmpty()) {
                continue;
            }
            if (tokens[i].startsWith("name=")) {
                name = tokens[i].substring(5);
            } else {
                throw new CommandError("ERR Invalid metadata value given: " + tokens[i]);
            }
        }
        if (name == null) {
            throw new CommandError("ERR Library name was not given");
        }
        if (!validName(name)) {
            throw new CommandError(NAME_RULE);
        }
        Library existing = libraries.get(name);
        if (existing != null && !replace) {
            throw new CommandError("ERR Library '" + name + "' already exists");
        }
        byte[] source = ScriptEngine.commentedFirstLine(code);
        LuaFunction chunk;
        try {
            chunk = ScriptEngine.compile(source, "@user_function", globals.table());
        } catch (CommandError e) {
            throw new CommandError(e.getMessage().replace("ERR Error compiling script (new function): ", "ERR Error compiling function: "));
        }
        Library lib = new Library(name, code.clone());
        runLoad(chunk, lib);
        if (lib.functions().isEmpty()) {
            throw new CommandError("ERR No functions registered");
        }
        for (LibraryFunction f : lib.functions()) {
            LibraryFunction other = functions.get(f.name());
            if (other != null && !other.library().equals(name)) {
                throw new CommandError("ERR Function " + f.name() + " already exists");
            }
        }
        delete(name);
        libraries.put(name, lib);
        for (LibraryFunction f : lib.functions()) {
            functions.put(f.name(), f);
        }
        return name;
    }

    /**
     * Runs a library's code with Redis' load timeout: code still running after
     * {@link #LOAD_TIMEOUT_NANOS} (an endless loop) is stopped, uncatchable by pcall.
     */
    private void runLoad(LuaFunction chunk, Library lib) {
        loading = lib;
        globals.loading(true);
        ScriptEngine.clearDebugStack();
        LuaThread.setGlobals(globals.table());
        long started = System.nanoTime();
        ScriptHook.Listener outer = ScriptHook.running(() -> {
            if (System.nanoTime() - started > LOAD_TIMEOUT_NANOS) {
                throw new ScriptKilled("ERR FUNCTION LOAD timeout");
            }
        });
        try {
            chunk.call();
        } catch (ScriptKilled e) {
            throw new CommandError("ERR Error registering functions: " + e.getMessage());
        } catch (ScriptError e) {
            LuaValue v = e.value();
            String message = v.istable() && v.rawget("err").isstring() ? v.rawget("err").tojstring() : "ERR " + v.tojstring();
            throw new CommandError("ERR Error registering functions: " + message);
        } catch (LuaError e) {
            throw new CommandError("ERR Error registering functions: ERR " + e.getMessage());
        } catch (StackOverflowError e) {
            throw new CommandError("ERR Error registering functions: ERR stack overflow");
        } finally {
            ScriptHook.running(outer);
            loading = null;
            globals.loading(false);
        }
    }

    static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (!(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_')) {
                return false;
            }
        }
        return true;
    }

    /** The {@code redis} table while a library loads: register_function, log and the constants. */
    private LuaTable loadApi() {
        ReadOnlyTable t = new ReadOnlyTable(true);
        t.rawset("register_function", RedisLib.function(this::register));
        LuaTable full = RedisLib.create(null);
        for (String key : new String[] {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
            t.rawset(key, full.rawget(key));
        }
        t.seal();
        return t;
    }

    /** redis.register_function(name, callback) or redis.register_function{function_name=..., callback=..., flags=..., description=...}. */
    private Varargs register(Varargs args) {
        Library lib = loading;
        if (lib == null) {
            throw RedisLib.raise("ERR redis.register_function can only be called on FUNCTION LOAD command");
        }
        LuaValue name;
        LuaValue callback;
        LuaValue flags = LuaValue.NIL;
        LuaValue description = LuaValue.NIL;
        if (args.narg() == 1 && args.arg1().istable()) {
            LuaTable spec = (LuaTable) args.arg1();
            name = LuaValue.NIL;
            callback = LuaValue.NIL;
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs n = spec.next(k);
                if ((k = n.arg1()).isnil()) {
                    break;
                }
                switch (k.isstring() ? k.tojstring() : "") {
                    case "function_name" -> name = n.arg(2);
                    case "callback" -> callback = n.arg(2);
                    case "flags" -> flags = n.arg(2);
                    case "description" -> description = n.arg(2);
                    default -> throw RedisLib.raise("ERR unknown argument given to redis.register_function");
                }
            }
            if (name.isnil()) {
                throw RedisLib.raise("ERR redis.register_function must get a function name argument");
            }
            if (callback.isnil()) {
                throw RedisLib.raise("ERR redis.register_function must get a callback argument");
            }
        } else if (args.narg() == 2) {
            name = args.arg1();
            callback = args.arg(2);
        } else {
            throw RedisLib.raise("ERR wrong number of arguments to redis.register_function");
        }
        if (!name.isstring()) {
            throw RedisLib.raise("ERR first argument to redis.register_function must be a string");
        }
        if (!callback.isfunction()) {
            throw RedisLib.raise("ERR second argument to redis.register_function must be a function");
        }
        if (!description.isnil() && !description.isstring()) {
            throw RedisLib.raise("ERR description argument given to redis.register_function must be a string");
        }
        String fname = name.tojstring();
        if (!validName(fname)) {
            throw RedisLib.raise(NAME_RULE);
        }
        if (lib.has(fname)) {
            throw RedisLib.raise("ERR Function already exists in the library");
        }
        lib.add(new LibraryFunction(fname, lib.name(), (LuaFunction) callback,
                description.isnil() ? null : description.tojstring(), flagList(flags)));
        return LuaValue.NONE;
    }

    private static List<String> flagList(LuaValue flags) {
        if (flags.isnil()) {
            return List.of();
        }
        if (!flags.istable()) {
            throw RedisLib.raise("ERR flags argument to redis.register_function must be a table representing function flags");
        }
        List<String> out = new ArrayList<>();
        for (int i = 1; !flags.rawget(i).isnil(); i++) {
            LuaValue f = flags.rawget(i);
            if (!f.isstring() || !LibraryFunction.KNOWN_FLAGS.contains(f.tojstring())) {
                throw RedisLib.raise("ERR unknown flag given");
            }
            if (!out.contains(f.tojstring())) {
                out.add(f.tojstring());
            }
        }
        // Redis lists flags in its own table order
        out.sort((a, b) -> Integer.compare(LibraryFunction.KNOWN_FLAGS.indexOf(a), LibraryFunction.KNOWN_FLAGS.indexOf(b)));
        return out;
    }
}
