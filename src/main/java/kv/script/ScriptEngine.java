package kv.script;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jboss.logging.Logger;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import kv.engine.Call;
import kv.engine.Client;
import kv.engine.CommandError;
import kv.engine.CommandSpec;
import kv.engine.DetachedTransport;
import kv.engine.Errors;
import kv.engine.Propagator;
import kv.engine.ScriptMemory;
import kv.engine.Server;
import kv.script.lib.CFunctionError;
import kv.script.lib.RedisRandom;

/**
 * The server's Lua engine (LuaJ, Lua 5.1): one environment for EVAL scripts and one for function
 * libraries, the script cache by SHA1, and the run of a script or function on the data thread,
 * with Redis' conversions, errors, effects propagation, time limit and SCRIPT/FUNCTION KILL.
 */
public final class ScriptEngine implements ScriptMemory {
    private static final Logger LOG = Logger.getLogger(ScriptEngine.class);
    static final String BUSY_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    static final String BUSY_FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
    static final String NOTBUSY = "NOTBUSY No scripts in execution right now.";
    static final String UNKILLABLE = "UNKILLABLE Sorry the script already executed write commands against the dataset. "
            + "You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
    static final String KILLED = "ERR Script killed by user with SCRIPT KILL...";
    /** How often a script past the time limit serves other clients' input. */
    private static final long POLL_NANOS = 10_000_000;
    /** The heap share above which a running script is stopped (after a collection confirms it). */
    static final double HEAP_LIMIT = 0.85;

    private final Server server;
    /** The client redis.call runs commands as (Redis' Lua client): not listed, never blocks. */
    private final Client luaClient;
    private final LuaTable redisApi;
    private LuaSandbox scripts;
    private final Map<String, CachedScript> cache = new HashMap<>();
    /** The bodies of the cached scripts, summed (INFO memory's used_memory_scripts_eval). */
    private long cachedBodyBytes;
    /** Size of the EVALSHA lookup cache in front of {@link #cache} (a power of two). */
    private static final int RECENT = 64;
    private final byte[][] recentSha = new byte[RECENT][];
    private final CachedScript[] recent = new CachedScript[RECENT];
    private final FunctionLibraries functions;
    /** math.random's state: the server's, kept across scripts and SCRIPT FLUSH (as Redis keeps it). */
    private final RedisRandom random = new RedisRandom();
    private ScriptRun running;
    private final ScriptHook.Listener hookListener = this::onHook;
    private int hookCalls;
    private long lastCollectionNanos;

    private ScriptEngine(Server server) {
        ScriptHook.install();
        this.server = server;
        this.luaClient = DetachedTransport.client(server, "lua");
        this.luaClient.denyBlocking(true);
        this.redisApi = RedisLib.create(this);
        this.scripts = new LuaSandbox(redisApi, random);
        this.functions = new FunctionLibraries(redisApi, random);
    }

    /** What a hash-table entry with its key and value holders costs (a HashMap node and two headers). */
    private static final int TABLE_ENTRY_BYTES = 64;

    /** The engine of {@code server}, created on first use. */
    public static ScriptEngine of(Server server) {
        return server.service(ScriptEngine.class, s -> {
            ScriptEngine engine = new ScriptEngine(s);
            s.attach(ScriptMemory.class, engine);
            return engine;
        });
    }

    Server server() {
        return server;
    }

    /** The run in progress; only valid while a script runs. */
    ScriptRun running() {
        return running;
    }

    // ---- EVAL family and SCRIPT ----

    /** EVAL/EVAL_RO (by body) and EVALSHA/EVALSHA_RO. */
    public void eval(Call c, boolean byBody, boolean readOnly) {
        int keys = numKeys(c);
        String sha;
        CachedScript script;
        if (byBody) {
            sha = RedisLib.sha1(c.arg(1));
            script = cache.get(sha);
            if (script == null) {
                script = load(c.arg(1), sha);
            }
        } else {
            script = bySha(c.arg(1));
            if (script == null) {
                throw c.error("NOSCRIPT No matching script. Please use EVAL.");
            }
            sha = script.sha();
        }
        if (readOnly && script.declaresFlags() && !script.noWrites()) {
            throw c.error("ERR Can not execute a script with write flag using *_ro command.");
        }
        scripts.keysAndArgv(stringTable(c.args(), 3, keys), stringTable(c.args(), 3 + keys, c.argc() - 3 - keys));
        ReadOnlyTable globals = scripts.globals();
        run(c, new ScriptRun(c, sha, "@user_script", true, readOnly || script.noWrites(),
                script.declaresFlags() && script.flags().allowOom()), script.function(), LuaValue.NONE, globals);
    }

    /** The numkeys argument of EVAL and FCALL, checked against the arguments that follow. */
    private static int numKeys(Call c) {
        long numkeys = c.longArg(2);
        if (numkeys < 0) {
            throw c.error("ERR Number of keys can't be negative");
        }
        if (numkeys > c.argc() - 3) {
            throw c.error("ERR Number of keys can't be greater than number of args");
        }
        return (int) numkeys;
    }

    /** SCRIPT LOAD: compiles and caches, returns the SHA1. */
    public String load(byte[] body) {
        String sha = RedisLib.sha1(body);
        if (!cache.containsKey(sha)) {
            load(body, sha);
        }
        return sha;
    }

    /**
     * A compiled script and what its {@code #!lua flags=...} shebang declares (Redis 7: a script
     * with a shebang is checked against its flags; one without keeps the old, permissive rules).
     */
    private record CachedScript(String sha, LuaFunction function, ScriptFlags flags, int bodyBytes) {
        boolean declaresFlags() {
            return flags != null;
        }

        boolean noWrites() {
            return flags != null && flags.noWrites();
        }
    }

    /** What a {@code #!lua flags=...} shebang declares (the flags that matter to KV). */
    private record ScriptFlags(boolean noWrites, boolean allowOom) {
        /**
         * Redis' scriptFlagsToCmdFlags: a script that declares flags may grow memory unless it is
         * no-writes or allow-oom; one without a shebang is never refused up front.
         */
        boolean deniesOom() {
            return !noWrites && !allowOom;
        }
    }

    private static final List<String> SCRIPT_FLAGS = List.of("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys");

    private CachedScript load(byte[] body, String sha) {
        ScriptFlags flags = shebangFlags(body);
        byte[] source = flags == null ? body : commentedFirstLine(body);
        CachedScript script = new CachedScript(sha, compile(source, "@user_script", scripts.globals()), flags, body.length);
        cache.put(sha, script);
        cachedBodyBytes += body.length;
        return script;
    }

    /** The flags a script's shebang declares; null without a shebang; Redis' error for a bad one. */
    private static ScriptFlags shebangFlags(byte[] body) {
        if (!(body.length > 1 && body[0] == '#' && body[1] == '!')) {
            return null;
        }
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int eol = text.indexOf('\n');
        if (eol < 0) {
            throw new CommandError("ERR Invalid script shebang");
        }
        String[] tokens = text.substring(0, eol).split(" ");
        if (!tokens[0].equals("#!lua")) {
            throw new CommandError("ERR Unexpected engine in script shebang: " + tokens[0]);
        }
        boolean noWrites = false;
        boolean allowOom = false;
        for (int i = 1; i < tokens.length; i++) {
            if (tokens[i].isEmpty()) {
                continue;
            }
            if (!tokens[i].startsWith("flags=")) {
                throw new CommandError("ERR Unknown lua shebang option: " + tokens[i]);
            }
            for (String flag : tokens[i].substring(6).split(",")) {
                if (flag.isEmpty()) {
                    continue;
                }
                if (!SCRIPT_FLAGS.contains(flag)) {
                    throw new CommandError("ERR Unexpected flag in script shebang: " + flag);
                }
                noWrites |= flag.equals("no-writes");
                allowOom |= flag.equals("allow-oom");
            }
        }
        return new ScriptFlags(noWrites, allowOom);
    }

    /**
     * Redis' evalGetCommandFlags: whether EVAL/EVALSHA with these arguments is refused when out of
     * memory: only a script that declares flags (by its cached entry, else by the body's shebang),
     * and neither no-writes nor allow-oom. A bad shebang is left to the command to report.
     */
    public boolean evalDeniesOom(byte[][] argv, boolean byBody) {
        if (argv.length < 2) {
            return false;
        }
        String sha = byBody ? RedisLib.sha1(argv[1]) : new String(argv[1], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        CachedScript cached = cache.get(sha);
        if (cached != null) {
            return cached.declaresFlags() && cached.flags().deniesOom();
        }
        if (!byBody) {
            return false;
        }
        try {
            ScriptFlags flags = shebangFlags(argv[1]);
            return flags != null && flags.deniesOom();
        } catch (CommandError e) {
            return false;
        }
    }

    /** Redis' fcallGetCommandFlags: a function is refused when out of memory unless no-writes or allow-oom. */
    public boolean fcallDeniesOom(byte[][] argv) {
        LibraryFunction f = argv.length < 2 ? null : functions.function(new String(argv[1], StandardCharsets.ISO_8859_1));
        return f != null && !f.noWrites() && !f.allowOom();
    }

    /** The code with its shebang line turned into a comment, so line numbers stay those of the code as given. */
    static byte[] commentedFirstLine(byte[] code) {
        byte[] source = new byte[code.length + 2];
        source[0] = '-';
        source[1] = '-';
        System.arraycopy(code, 0, source, 2, code.length);
        return source;
    }

    public boolean exists(byte[] sha) {
        return cache.containsKey(new String(sha, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
    }

    /**
     * EVALSHA's lookup: the script of a SHA1 as sent (any case), through a small direct-mapped
     * cache of recent ones keyed by the bytes, so a hot script costs no String per call.
     */
    private CachedScript bySha(byte[] given) {
        int h = 0;
        for (byte b : given) {
            h = 31 * h + lower(b);
        }
        int slot = (h ^ h >>> 16) & (RECENT - 1);
        byte[] known = recentSha[slot];
        if (known != null && known.length == given.length && sameIgnoringCase(known, given)) {
            return recent[slot];
        }
        CachedScript script = cache.get(new String(given, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
        if (script != null) {
            recentSha[slot] = script.sha().getBytes(StandardCharsets.ISO_8859_1);
            recent[slot] = script;
        }
        return script;
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    private static boolean sameIgnoringCase(byte[] lowerCase, byte[] given) {
        for (int i = 0; i < given.length; i++) {
            if (lowerCase[i] != lower(given[i])) {
                return false;
            }
        }
        return true;
    }

    /** SCRIPT FLUSH: forgets every script and starts a fresh Lua environment, as Redis resets its Lua state. */
    public void flush() {
        cache.clear();
        cachedBodyBytes = 0;
        java.util.Arrays.fill(recentSha, null);
        java.util.Arrays.fill(recent, null);
        scripts = new LuaSandbox(redisApi, random);
    }

    // ---- functions ----

    /** FCALL and FCALL_RO. */
    public void fcall(Call c, boolean readOnlyCommand) {
        LibraryFunction f = functions.function(c.text(1));
        if (f == null) {
            throw c.error("ERR Function not found");
        }
        int keys = numKeys(c);
        if (readOnlyCommand && !f.noWrites()) {
            throw c.error("ERR Can not execute a script with write flag using *_ro command.");
        }
        Varargs args = LuaValue.varargsOf(stringTable(c.args(), 3, keys), stringTable(c.args(), 3 + keys, c.argc() - 3 - keys));
        run(c, new ScriptRun(c, f.name(), "@user_function", false, f.noWrites(), f.allowOom()), f.callback(), args, functions.globals());
    }

    /** FUNCTION LOAD [REPLACE]: the library's name. */
    public String loadLibrary(byte[] code, boolean replace) {
        return functions.load(code, replace);
    }

    /** FUNCTION RESTORE: loads the libraries of {@code codes}, joined to the current ones by {@code policy}. */
    public void restoreLibraries(List<byte[]> codes, String policy) {
        functions.restore(codes, FunctionLibraries.RestorePolicy.valueOf(policy));
    }

    /** FUNCTION DUMP's libraries, in order. */
    public List<byte[]> libraryCodes() {
        return functions.codes();
    }

    public boolean deleteLibrary(String name) {
        return functions.delete(name);
    }

    public void flushLibraries() {
        functions.flush();
    }

    /** The libraries in name order. */
    public java.util.Collection<Library> libraries() {
        return functions.libraries();
    }

    @Override
    public int functionCount() {
        return functions.functionCount();
    }

    @Override
    public int libraryCount() {
        return functions.libraries().size();
    }

    /** INFO memory's number_of_cached_scripts: what EVAL and SCRIPT LOAD cached until SCRIPT FLUSH. */
    @Override
    public int cachedScriptCount() {
        return cache.size();
    }

    /**
     * INFO memory's used_memory_scripts_eval, counted as Redis counts it: each cached script's body
     * and SHA1 key with a table entry (the compiled function lives in the Lua state, not here).
     */
    @Override
    public long cachedScriptBytes() {
        return cachedBodyBytes + (long) cache.size() * (40 + TABLE_ENTRY_BYTES);
    }

    /** INFO memory's used_memory_functions: the libraries' code and names, and an entry per library and function. */
    @Override
    public long libraryBytes() {
        long bytes = 0;
        for (Library lib : functions.libraries()) {
            bytes += lib.code().length + lib.name().length() + TABLE_ENTRY_BYTES;
            for (LibraryFunction f : lib.functions()) {
                bytes += f.name().length() + TABLE_ENTRY_BYTES;
            }
        }
        return bytes;
    }

    /**
     * FUNCTION STATS' running_script: name, the calling command and its run time so far; null when
     * no function runs. An EVAL script running makes FUNCTION STATS answer BUSY, as in Redis.
     */
    public RunningScript runningFunction() {
        ScriptRun run = running;
        if (run == null) {
            return null;
        }
        if (run.isEval) {
            throw new CommandError(BUSY_EVAL);
        }
        return new RunningScript(run.name, run.caller.args(), run.elapsedMillis());
    }

    /** What FUNCTION STATS shows of the function running now. */
    public record RunningScript(String name, byte[][] command, long durationMs) {
    }

    /** Compiles Lua source; binary chunks are refused (LuaJ would load bytecode unchecked). */
    static LuaFunction compile(byte[] body, String chunkName, ReadOnlyTable env) {
        clearDebugStack();
        if (body.length > 0 && body[0] == 0x1b) {
            throw new CommandError("ERR Error compiling script (new function): " + chunkName.substring(1)
                    + ": binary chunks are not allowed");
        }
        Prototype p;
        byte[] lexed = LuaSourceFixups.bracketsAndNumerals(body);
        byte[] compiled = LuaSourceFixups.controlCharacters(lexed);
        try {
            p = LuaC.compile(new ByteArrayInputStream(compiled), chunkName);
        } catch (RuntimeException e) {
            // LuaError, or a Java exception where LuaJ reads a malformed number
            throw new CommandError("ERR Error compiling script (new function): "
                    + LuaSyntaxErrors.message(lexed, compiled, chunkName, e));
        } catch (IOException e) {
            throw new CommandError("ERR Error compiling script (new function): " + e.getMessage());
        }
        prepare(p, env);
        return new LuaClosure(p, env);
    }

    /**
     * Drops call frames LuaJ's debug bookkeeping kept from a script that ended by an exception, so
     * error positions ("user_script:N:") name the running script's lines only.
     */
    static void clearDebugStack() {
        org.luaj.vm2.lib.DebugLib.debugOnReturn(LuaThread.getRunning(), 0);
    }

    /**
     * Adapts compiled code, for {@code p} and the functions inside it:
     * <ul>
     * <li>tail calls become plain calls followed by the return the compiler already emits: LuaJ
     * evaluates a tail call after its caller's frame is gone, so an error inside it would have no
     * script line for Redis' "on @user_script:N." suffix;</li>
     * <li>string constants naming globals and library fields become the environment's own key
     * instances ({@link ReadOnlyTable#canonical}), which LuaJ's table lookups match by identity.</li>
     * </ul>
     */
    private static void prepare(Prototype p, ReadOnlyTable env) {
        int[] code = p.code;
        for (int pc = 0; pc < code.length; pc++) {
            if ((code[pc] & 0x3f) == Lua.OP_TAILCALL) {
                code[pc] = code[pc] & ~0x3f | Lua.OP_CALL;
            }
        }
        LuaValue[] constants = p.k;
        for (int i = 0; i < constants.length; i++) {
            if (constants[i] instanceof LuaString s) {
                constants[i] = env.canonical(s);
            }
        }
        for (Prototype child : p.p) {
            prepare(child, env);
        }
    }

    private static LuaTable stringTable(byte[][] argv, int from, int count) {
        LuaValue[] values = new LuaValue[count];
        for (int i = 0; i < count; i++) {
            values[i] = LuaString.valueOf(argv[from + i].clone());
        }
        return LuaValue.listOf(values);
    }

    // ---- running ----

    /**
     * Runs {@code fn} for the caller: its reply (or Redis' error for a failure) goes to the caller,
     * what its commands changed is propagated as those commands, in MULTI/EXEC when more than one.
     */
    void run(Call c, ScriptRun run, LuaFunction fn, Varargs args, ReadOnlyTable globals) {
        luaClient.db(c.client().db());
        luaClient.protocol(2);
        Propagator outer = server.propagator();
        server.propagateTo((db, argv) -> {
            if (run.replication != RedisLib.REPL_NONE) {
                run.effects.propagate(db, argv);
            }
        });
        running = run;
        clearDebugStack();
        ScriptHook.running(hookListener);
        LuaThread.setGlobals(globals);
        String error = null;
        try {
            LuaValue result = fn.invoke(args).arg1();
            LuaToReply.write(result, c.reply(), run.resp);
        } catch (ScriptKilled e) {
            error = e.getMessage();
        } catch (ScriptError e) {
            error = errorText(e.value(), e.line(), run);
        } catch (LuaError e) {
            String message = e.getMessage() == null ? "nil" : LuaMessages.toLua51(e.getMessage());
            if (e instanceof CFunctionError lib && lib.where() != null && lib.where().contains(":")) {
                message = lib.where() + ": " + message;
            }
            error = "ERR " + message + run.errorSuffix(Math.max(1, LuaSandbox.lineOf(message)));
        } catch (StackOverflowError e) {
            error = "ERR stack overflow" + run.errorSuffix(1);
        } catch (OutOfMemoryError e) {
            // a single allocation too big for the heap (string.rep...): the script is abandoned
            error = "ERR Lua script ran out of memory" + run.errorSuffix(1);
        } finally {
            running = null;
            ScriptHook.running(null);
            InternedLuaStrings.trim();
            server.propagateTo(outer);
            if (run.timedOut) {
                server.busyError(null);
                LOG.warnf("Slow script finished after %d ms: %s", run.elapsedMillis(), run.name);
            }
            run.effects.flushTo(outer);
        }
        if (error != null) {
            throw c.error(error);
        }
    }

    /** The client's error for a script that raised {@code value}, as Redis 7 formats it. */
    private static String errorText(LuaValue value, int line, ScriptRun run) {
        String message;
        if (value.istable() && value.rawget("err").type() == LuaValue.TSTRING) {
            message = value.rawget("err").tojstring();
        } else if (value.istable()) {
            message = "ERR Error running script: the error object is a table without an 'err' field";
        } else {
            message = "ERR " + value.tojstring();
        }
        return message.replace('\r', ' ').replace('\n', ' ') + run.errorSuffix(line);
    }

    /** redis.call ({@code raise}) and redis.pcall. */
    Varargs call(Varargs args, boolean raise) {
        ScriptRun run = running;
        if (run == null) {
            return fail(raise, "ERR redis.call can only be called inside a script invocation");
        }
        int n = args.narg();
        if (n == 0) {
            return fail(raise, "ERR Please specify at least one argument for this redis lib call");
        }
        byte[][] argv = new byte[n][];
        for (int i = 0; i < n; i++) {
            LuaValue a = args.arg(i + 1);
            if (a.type() == LuaValue.TSTRING) {
                LuaString s = a.checkstring();
                argv[i] = new byte[s.m_length];
                System.arraycopy(s.m_bytes, s.m_offset, argv[i], 0, s.m_length);
            } else if (a.type() == LuaValue.TNUMBER) {
                // Redis 7.2 sends the shortest round-trip form (7.0: %.17g)
                argv[i] = LuaNumbers.commandArgument(a.todouble());
            } else {
                return fail(raise, "ERR Lua redis lib command arguments must be strings or integers");
            }
        }
        CommandSpec spec = server.commands().lookup(argv[0]);
        if (spec != null && spec.isContainer() && argv.length > 1) {
            spec = spec.subcommand(new String(argv[1], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
        }
        if (spec == null || spec.handler() == null && !spec.isContainer()) {
            return fail(raise, "ERR Unknown Redis command called from script");
        }
        if (spec.isContainer() && (spec.handler() == null || !spec.arityAccepts(argv.length)) || !spec.arityAccepts(argv.length)) {
            return fail(raise, "ERR Wrong number of args calling Redis command from script");
        }
        if (spec.has(CommandSpec.NOSCRIPT)) {
            return fail(raise, "ERR This Redis command is not allowed from script");
        }
        if (spec.has(CommandSpec.WRITE) && run.readOnly) {
            return fail(raise, "ERR Write commands are not allowed from read-only scripts.");
        }
        if (spec.has(CommandSpec.WRITE)) {
            String refusal = server.dispatcher().scriptWriteRefusal(run.caller.client(), spec);
            if (refusal != null) {
                return fail(raise, refusal);
            }
        }
        if (refusedForMemory(run, spec)) {
            return fail(raise, Errors.OOM);
        }
        if (spec.has(CommandSpec.WRITE)) {
            run.wrote = true;
        }
        LuaReplyBuilder reply = new LuaReplyBuilder(run.resp);
        luaClient.protocol(run.resp);
        server.dispatcher().runQueued(luaClient, spec, argv, reply);
        LuaValue result = reply.result();
        if (raise && reply.isError()) {
            throw new ScriptError(result, LuaSandbox.currentLine());
        }
        return result;
    }

    /**
     * Redis' scriptVerifyOOM: while the command that started the script found memory full, a
     * denyoom command is refused unless the script is allow-oom or has already written (refusing
     * then would break the script's atomicity).
     */
    private boolean refusedForMemory(ScriptRun run, CommandSpec spec) {
        return !run.allowOom && !run.wrote && server.config().maxMemory() > 0 && server.eviction().outOfMemory()
                && spec.has(CommandSpec.DENYOOM);
    }

    private static Varargs fail(boolean raise, String message) {
        if (raise) {
            throw RedisLib.raise(message);
        }
        return RedisLib.single("err", LuaValue.valueOf(message));
    }

    // ---- time limit, kills, memory ----

    /** Called by the hook every few thousand instructions of the running script. */
    void onHook() {
        ScriptRun run = running;
        if (run == null) {
            return;
        }
        long now = System.nanoTime();
        if (!run.timedOut) {
            long limitMs = server.config().busyReplyThreshold();
            if (limitMs > 0 && now - run.startNanos >= limitMs * 1_000_000) {
                run.timedOut = true;
                server.busyError(run.isEval ? BUSY_EVAL : BUSY_FUNCTION);
                LOG.warnf("Slow script detected: still in execution after %d milliseconds. You can try killing the script "
                        + "using the %s command. Script name is: %s.", run.elapsedMillis(),
                        run.isEval ? "SCRIPT KILL" : "FUNCTION KILL", run.name);
            }
        }
        if (run.timedOut && now - run.lastPollNanos >= POLL_NANOS) {
            run.lastPollNanos = now;
            serveOtherClients(run);
        }
        if (run.killedWith != null) {
            throw new ScriptKilled(run.killedWith + run.errorSuffix(LuaSandbox.currentLine()));
        }
        if ((++hookCalls & 15) == 0) {
            InternedLuaStrings.trim();
            guardMemory(run);
        }
    }

    /**
     * Lets the other connections' waiting input run, new connections included: they get BUSY, except
     * the commands allowed while busy.
     */
    private void serveOtherClients(ScriptRun run) {
        server.lifecycle().admitNewConnections();
        Client self = run.caller.client();
        for (Client other : server.clients().all().toArray(new Client[0])) {
            if (other != self) {
                other.transport().pollInput();
            }
        }
    }

    /**
     * Stops a script that fills the heap (a table grown forever) before the JVM runs out: above
     * {@link #HEAP_LIMIT} of the maximum heap, one collection (at most every second) tells garbage
     * from live data; still above it, the script is stopped.
     */
    private void guardMemory(ScriptRun run) {
        Runtime rt = Runtime.getRuntime();
        long max = rt.maxMemory();
        if (rt.totalMemory() - rt.freeMemory() < max * HEAP_LIMIT) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastCollectionNanos < 1_000_000_000L) {
            return;
        }
        lastCollectionNanos = now;
        System.gc();
        if (rt.totalMemory() - rt.freeMemory() >= max * HEAP_LIMIT) {
            LOG.warnf("Script %s stopped: the heap is over %d%% full", run.name, (int) (HEAP_LIMIT * 100));
            throw new ScriptKilled("ERR Script used too much memory (the heap is over " + (int) (HEAP_LIMIT * 100)
                    + "% full) and was stopped" + run.errorSuffix(LuaSandbox.currentLine()));
        }
    }

    /** SCRIPT KILL ({@code eval}) and FUNCTION KILL: ends the running script if it has not written. */
    public void kill(Call c, boolean eval) {
        ScriptRun run = running;
        if (run == null || run.caller.client() == c.client()) {
            throw c.error(NOTBUSY);
        }
        if (run.wrote) {
            throw c.error(UNKILLABLE);
        }
        if (run.isEval != eval) {
            throw c.error(run.isEval ? BUSY_EVAL : BUSY_FUNCTION);
        }
        run.killedWith = KILLED;
        c.reply().ok();
    }

    /** SHUTDOWN while a script runs: the script ends at its next hook, whatever it wrote. */
    public void killForShutdown() {
        if (running != null) {
            running.killedWith = KILLED;
        }
    }
}
