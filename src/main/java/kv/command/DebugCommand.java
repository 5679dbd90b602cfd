package kv.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import kv.aof.AofException;
import kv.aof.AofLoader;
import kv.aof.AofStartup;
import kv.aof.AppendOnlyFile;
import kv.aof.RdbBaseFile;
import kv.engine.Call;
import kv.engine.Client;
import kv.engine.Clients;
import kv.engine.CommandError;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.Propagator;
import kv.engine.RdbPersistence;
import kv.engine.Server;
import kv.protocol.Reply;
import kv.rdb.LoadedDataset;
import kv.rdb.RdbException;
import kv.store.AccessClock;
import kv.store.DataDigest;
import kv.store.Db;
import kv.store.Keyspace;
import kv.store.RdbLength;
import kv.store.StringValues;
import kv.store.Values;
import kv.util.Bytes;
import kv.util.ClientText;
import kv.util.Numbers;

/**
 * DEBUG: the subcommands operators and Redis' own test tooling rely on, where they make sense for
 * KV: SLEEP, OBJECT, DIGEST, DIGEST-VALUE, RELOAD, LOADAOF, PROTOCOL, SET-ACTIVE-EXPIRE, PAUSE-CRON,
 * CHANGE-REPL-ID, REPLYBUFFER. Any other subcommand (or a known one with the wrong number of arguments) gets
 * Redis' subcommand syntax error. Like Redis, DEBUG is refused unless enable-debug-command is "yes",
 * or "local" and the client is on a loopback connection.
 */
final class DebugCommand {
    private static final Logger LOG = Logger.getLogger(DebugCommand.class);
    static final String NOT_ALLOWED = "ERR DEBUG command not allowed. If the enable-debug-command option is set to "
            + "\"local\", you can run it from a local connection, otherwise you need to set this option in the "
            + "configuration file, and then restart the server.";
    private static final String PROTOCOL_TYPES =
            "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false";

    private DebugCommand() {
    }

    static void register(CommandTable t) {
        t.register("debug", DebugCommand::debug);
    }

    private static void debug(Call c) {
        checkAllowed(c);
        int argc = c.argc();
        String sub = c.text(1).toLowerCase(Locale.ROOT);
        switch (sub) {
            case "help" -> requireArgs(c, argc == 2, DebugCommand::help);
            case "sleep" -> requireArgs(c, argc == 3, DebugCommand::sleep);
            case "object" -> requireArgs(c, argc == 3, DebugCommand::object);
            case "digest" -> requireArgs(c, argc == 2, DebugCommand::digest);
            case "digest-value" -> digestValue(c);
            case "reload" -> reload(c);
            case "loadaof" -> loadAof(c);
            case "protocol" -> requireArgs(c, argc == 3, DebugCommand::protocol);
            case "set-active-expire" -> requireArgs(c, argc == 3, x -> {
                x.server().activeExpireEnabled(atoi(x.arg(2)) != 0);
                x.reply().ok();
            });
            case "pause-cron" -> requireArgs(c, argc == 3, x -> {
                x.server().cronPaused(atoi(x.arg(2)) != 0);
                x.reply().ok();
            });
            case "populate" -> requireArgs(c, argc >= 3 && argc <= 5, DebugCommand::populate);
            case "replybuffer" -> requireArgs(c, argc == 4, DebugCommand::replyBuffer);
            case "change-repl-id" -> requireArgs(c, argc == 2, x -> {
                LOG.info("Changing replication IDs after receiving DEBUG change-repl-id");
                x.server().changeReplicationId();
                x.reply().ok();
            });
            default -> throw Help.syntax(c);
        }
    }

    static final String RELOAD_LOAD_FAILED = "ERR Error trying to load the RDB dump, check server logs.";
    static final String LOADAOF_FAILED = "ERR Error trying to load the AOF files, check server logs.";

    /**
     * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE], on the data thread as Redis does: saves the RDB file
     * (unless NOSAVE), empties the keyspace (unless NOFLUSH) and loads the file back; MERGE lets
     * loaded keys replace existing ones. Unlike Redis, a file that does not load (or, with NOFLUSH
     * alone, holds a key that exists, where Redis panics) leaves the keyspace as it was: the dataset
     * is decoded completely before anything is touched.
     */
    private static void reload(Call c) {
        boolean save = true;
        boolean flush = true;
        boolean merge = false;
        for (int i = 2; i < c.argc(); i++) {
            if (c.is(i, "merge")) {
                merge = true;
            } else if (c.is(i, "noflush")) {
                flush = false;
            } else if (c.is(i, "nosave")) {
                save = false;
            } else {
                throw c.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
            }
        }
        RdbPersistence rdb = c.server().rdb();
        if (save) {
            try {
                rdb.saveNow();
            } catch (IOException e) {
                LOG.warnf("DEBUG RELOAD: failed saving %s: %s", rdb.file(), e.getMessage());
                throw c.error("ERR");
            }
        }
        LoadedDataset data;
        try {
            data = RdbPersistence.read(rdb.file(), c.server().config(), c.now());
        } catch (IOException | RdbException e) {
            LOG.warnf("DEBUG RELOAD: %s: %s", rdb.file(), e.getMessage());
            throw c.error(RELOAD_LOAD_FAILED);
        }
        if (data == null) {
            LOG.warnf("DEBUG RELOAD: %s does not exist", rdb.file());
            throw c.error(RELOAD_LOAD_FAILED);
        }
        Keyspace keyspace = c.server().keyspace();
        if (flush) {
            keyspace.clearAll();
        } else if (!merge) {
            for (LoadedDataset.Entry e : data.entries()) {
                if (keyspace.db(e.db()).peek(e.key()) != null) {
                    LOG.warnf("DEBUG RELOAD NOFLUSH: duplicated key '%s' found in %s (MERGE replaces it)",
                            ClientText.of(e.key()), rdb.file());
                    throw c.error(RELOAD_LOAD_FAILED);
                }
            }
        }
        try {
            rdb.install(data);
        } catch (CommandError e) {
            LOG.warnf("DEBUG RELOAD: %s: a function library does not load: %s", rdb.file(), e.getMessage());
            throw c.error(RELOAD_LOAD_FAILED);
        }
        LOG.info("DB reloaded by DEBUG RELOAD");
        c.reply().ok();
    }

    /**
     * DEBUG LOADAOF: writes out what the AOF has buffered, empties the keyspace and replays the AOF
     * files (as named by the manifest on disk) on the data thread, propagating nothing, as Redis
     * does. Files that are missing are refused before anything is emptied; a file that breaks off
     * mid-way leaves what was replayed so far, as in Redis 7.2 (which replies the same error).
     */
    private static void loadAof(Call c) {
        Server server = c.server();
        AppendOnlyFile aof = server.component(AppendOnlyFile.class);
        if (aof != null) {
            aof.writeOut();
        }
        AofStartup.Plan plan;
        try {
            plan = AofStartup.plan(server.config());
        } catch (AofException e) {
            LOG.warnf("DEBUG LOADAOF: %s", e.getMessage());
            throw c.error(LOADAOF_FAILED);
        }
        if (plan.empty()) {
            LOG.warn("DEBUG LOADAOF: there is no append only file to load");
            throw c.error(LOADAOF_FAILED);
        }
        server.keyspace().clearAll();
        Propagator propagator = server.propagator();
        server.propagateTo(Propagator.NONE);
        try {
            AofLoader loader = new AofLoader(server, plan, new RdbBaseFile());
            while (!loader.step(Long.MAX_VALUE)) {
                // one go: Redis loads on its only thread too
            }
        } catch (AofException e) {
            LOG.warnf("DEBUG LOADAOF: %s", e.getMessage());
            throw c.error(LOADAOF_FAILED);
        } finally {
            server.propagateTo(propagator);
        }
        server.rdb().changesSaved();
        LOG.info("Append Only File loaded by DEBUG LOADAOF");
        c.reply().ok();
    }

    private static void checkAllowed(Call c) {
        String enabled = c.server().config().enableDebugCommand();
        boolean allowed = "yes".equalsIgnoreCase(enabled) || "local".equalsIgnoreCase(enabled) && c.client().isLocal();
        if (!allowed) {
            throw c.error(NOT_ALLOWED);
        }
    }

    /** Redis matches a DEBUG subcommand by name and argument count together; a mismatch is a syntax error. */
    private static void requireArgs(Call c, boolean argsMatch, Consumer<Call> run) {
        if (!argsMatch) {
            throw Help.syntax(c);
        }
        run.accept(c);
    }

    private static void help(Call c) {
        Help.reply(c, "DEBUG",
                "CHANGE-REPL-ID",
                "    Give the instance a new replication ID.",
                "DIGEST",
                "    A hex fingerprint of the whole dataset (equal to Redis' for equal data).",
                "DIGEST-VALUE <key> [<key> ...]",
                "    A hex fingerprint of the value of each <key>.",
                "LOADAOF",
                "    Write out the AOF buffer, empty the dataset and replay the append only files into it.",
                "OBJECT <key>",
                "    Low level details of the value of <key>: encoding, serialized length, access clock.",
                "PAUSE-CRON <0|1>",
                "    1 stops the periodic tasks (active expiry, resizing, timeouts, statistics), 0 resumes them.",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys <prefix>:<num> (prefix \"key\" by default) holding \"value:<num>\",",
                "    cut or padded with zero bytes to <size>; existing keys are left alone. Not propagated.",
                "REPLYBUFFER PEAK-RESET-TIME <NEVER|RESET|milliseconds>",
                "    How often the peak use of a client's reply buffer (CLIENT LIST rbp) starts over; RESET restores 5000.",
                "REPLYBUFFER RESIZING <0|1>",
                "    0 keeps reply buffers as they are, 1 resizes them to their peak use again (and releases idle ones).",
                "PROTOCOL <type>",
                "    Reply with a sample value of <type>: " + PROTOCOL_TYPES.replace("|", ", ") + ".",
                "RELOAD [MERGE] [NOFLUSH] [NOSAVE]",
                "    Save the RDB file (unless NOSAVE), empty the dataset (unless NOFLUSH) and load the file back;",
                "    MERGE: loaded keys replace existing ones (without it, NOFLUSH refuses a file with an existing key).",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    0 leaves expired keys in place until they are accessed, 1 removes them in the background again.",
                "SLEEP <seconds>",
                "    Hold every client for <seconds> (decimals allowed), then reply OK.");
    }

    // ---- POPULATE ----

    private static final byte[] POPULATE_PREFIX = "key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POPULATE_VALUE = "value:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COLON = {':'};
    /** A generous estimate of what a small string entry costs beyond its key and value bytes. */
    private static final long POPULATE_ENTRY_BYTES = 128;

    /**
     * POPULATE count [prefix] [size]: string keys "prefix:N" holding "value:N" (cut or padded with
     * zero bytes to size when size is given) for N below count; existing keys keep their values.
     * As in Redis these are not counted as changes nor propagated. Where Redis would abort when
     * memory runs out, a count that cannot fit in the heap is refused before anything is added.
     */
    private static void populate(Call c) {
        long count = c.positiveLongArg(2);
        byte[] prefix = c.argc() > 3 ? c.arg(3) : POPULATE_PREFIX;
        long size = c.argc() > 4 ? c.positiveLongArg(4) : 0;
        long perKey = POPULATE_ENTRY_BYTES + prefix.length + 21 + Math.max(size, POPULATE_VALUE.length + 20);
        long room = Server.HEAP_DATA_LIMIT - c.server().usedMemory();
        if (count > 0 && (size > Integer.MAX_VALUE - 16 || count > room / perKey)) {
            throw c.error("ERR OOM in dictTryExpand");
        }
        Db db = c.db();
        byte[] keyHead = Bytes.concat(prefix, COLON);
        for (long j = 0; j < count; j++) {
            byte[] number = Numbers.toBytes(j);
            byte[] text = Bytes.concat(POPULATE_VALUE, number);
            byte[] value = size == 0 ? text : Arrays.copyOf(text, (int) size);
            db.populate(Bytes.concat(keyHead, number), StringValues.of(value));
        }
        c.reply().ok();
    }

    // ---- REPLYBUFFER ----

    /** REPLYBUFFER PEAK-RESET-TIME <NEVER|RESET|ms> and RESIZING <0|1>: the settings of the periodic reply-buffer resize. */
    private static void replyBuffer(Call c) {
        if (c.is(2, "peak-reset-time")) {
            long ms;
            if (c.is(3, "never")) {
                ms = -1;
            } else if (c.is(3, "reset")) {
                ms = kv.engine.Server.REPLY_BUFFER_PEAK_RESET_MS;
            } else {
                ms = c.longArg(3);
            }
            c.server().replyBufferPeakResetMs(ms);
        } else if (c.is(2, "resizing")) {
            c.server().replyBufferResizing(atoi(c.arg(3)) != 0);
        } else {
            throw Help.syntax(c);
        }
        c.reply().ok();
    }

    // ---- SLEEP ----

    /**
     * Redis' DEBUG SLEEP blocks the whole server. Blocking the event loop is not an option here, so
     * the same observable effect is produced without sleeping: every client is paused (CLIENT PAUSE
     * ALL semantics: their commands are held, not refused) for the duration, and the caller gets its
     * +OK from a timer when the time is up, just before the pause ends.
     */
    private static void sleep(Call c) {
        double seconds = leadingDouble(c.text(2));
        long millis = (long) (seconds * 1000);
        if (millis <= 0) {
            c.reply().ok();
            return;
        }
        Client caller = c.client();
        boolean muted = caller.replyMode() != Client.ReplyMode.ON;
        long now = System.currentTimeMillis();
        // the reply timer is created first, so it fires before the unpause timer with the same delay
        c.server().lifecycle().schedule(millis, () -> {
            if (!muted) {
                caller.transport().push(Reply::ok);
            }
        });
        c.server().clients().pause(Clients.PauseSource.DEBUG_SLEEP, now + millis, true, now);
    }

    /** strtod semantics: the longest numeric prefix, 0 if there is none. */
    static double leadingDouble(String s) {
        String t = s.strip();
        for (int end = t.length(); end > 0; end--) {
            try {
                return Double.parseDouble(t.substring(0, end));
            } catch (NumberFormatException e) {
                // shorter prefix
            }
        }
        return 0;
    }

    /** atoi semantics: optional blanks and sign, then digits; 0 when there are none. */
    static long atoi(byte[] s) {
        int i = 0;
        while (i < s.length && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r')) {
            i++;
        }
        boolean negative = i < s.length && s[i] == '-';
        if (i < s.length && (s[i] == '-' || s[i] == '+')) {
            i++;
        }
        long n = 0;
        for (; i < s.length && s[i] >= '0' && s[i] <= '9' && n < Integer.MAX_VALUE; i++) {
            n = n * 10 + (s[i] - '0');
        }
        return negative ? -n : n;
    }

    // ---- OBJECT ----

    /**
     * Redis' fields for the value: its address (here the object's identity hash), refcount,
     * encoding, serialized length (see {@link RdbLength}), the raw 24-bit access field and the idle
     * seconds derived from it. Like Redis it reads the key without expiring or touching it. Lists add
     * ql_* quicklist figures.
     */
    private static void object(Call c) {
        Db db = c.db();
        Object v = db.peek(c.arg(2));
        if (v == null) {
            throw c.error(Errors.NO_SUCH_KEY);
        }
        int access = db.peekAccessField(c.arg(2));
        AccessClock clock = c.server().keyspace().access();
        String encoding = Values.encoding(v);
        if ("quicklist".equals(encoding)) {
            // ql_nodes, ql_avg_node, ql_listpack_max, ql_compressed, ql_uncompressed_size come with the list type
            throw new IllegalStateException("DEBUG OBJECT has no quicklist figures yet");
        }
        c.reply().simple("Value at:0x" + Integer.toHexString(System.identityHashCode(v))
                + " refcount:" + ObjectCommand.refcount(c.server().config(), v)
                + " encoding:" + encoding
                + " serializedlength:" + RdbLength.of(v)
                + " lru:" + access
                + " lru_seconds_idle:" + clock.idleSeconds(access, c.now()));
    }

    // ---- DIGEST ----

    private static void digest(Call c) {
        c.reply().simple(DataDigest.hex(DataDigest.of(c.server().keyspace())));
    }

    /** One digest per key, 40 zeros for a missing key; keys past their TTL still count, as in Redis. */
    private static void digestValue(Call c) {
        Db db = c.db();
        c.reply().array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            Object v = db.peek(c.arg(i));
            byte[] digest = v == null ? new byte[20] : DataDigest.ofValue(v, db.expireTime(c.arg(i)) >= 0);
            c.reply().simple(DataDigest.hex(digest));
        }
    }

    // ---- PROTOCOL ----

    /** A sample of each reply type, the same values Redis sends, in the client's protocol. */
    private static void protocol(Call c) {
        Reply r = c.reply();
        switch (c.text(2).toLowerCase(Locale.ROOT)) {
            case "string" -> r.bulkText("Hello World");
            case "integer" -> r.integer(12345);
            case "double" -> r.doubleValue(3.141);
            case "bignum" -> r.bigNumber("1234567999999999999999999999999999999");
            case "null" -> r.nullBulk();
            case "array" -> {
                r.array(3);
                for (int i = 0; i < 3; i++) {
                    r.integer(i);
                }
            }
            case "set" -> {
                r.set(3);
                for (int i = 0; i < 3; i++) {
                    r.integer(i);
                }
            }
            case "map" -> {
                r.map(3);
                for (int i = 0; i < 3; i++) {
                    r.integer(i);
                    r.bool(i == 1);
                }
            }
            case "attrib" -> {
                if (r.protocol() == 3) {
                    r.attribute(1);
                    r.bulkText("key-popularity");
                    r.array(2);
                    r.bulkText("key:123");
                    r.integer(90);
                }
                // an attribute annotates a value: the real reply follows
                r.bulkText("Some real reply following the attribute");
            }
            case "push" -> {
                if (r.protocol() != 3) {
                    throw c.error("ERR RESP2 is not supported by this command");
                }
                r.push(2);
                r.bulkText("server-cpu-usage");
                r.integer(42);
                // a push is out of band: a synchronous reply follows, so the caller is not left waiting
                r.bulkText("Some real reply following the push reply");
            }
            case "verbatim" -> r.verbatim("txt", "This is a verbatim\nstring".getBytes(StandardCharsets.US_ASCII));
            case "true" -> r.bool(true);
            case "false" -> r.bool(false);
            default -> throw c.error("ERR Wrong protocol type name. Please use one of the following: " + PROTOCOL_TYPES);
        }
    }
}
