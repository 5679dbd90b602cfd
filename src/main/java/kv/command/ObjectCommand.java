package kv.command;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.config.ServerConfig;
import kv.store.AccessClock;
import kv.store.Db;
import kv.store.StringValues;
import kv.store.Values;

/** OBJECT ENCODING / REFCOUNT / IDLETIME / FREQ / HELP. */
final class ObjectCommand {
    private static final String NOTE = " Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
    static final String IDLETIME_UNDER_LFU = "ERR An LFU maxmemory policy is selected, idle time not tracked." + NOTE;
    static final String FREQ_WITHOUT_LFU = "ERR An LFU maxmemory policy is not selected, access frequency not tracked." + NOTE;
    /** Redis' OBJ_SHARED_REFCOUNT, reported for its shared small integers. */
    private static final long SHARED_REFCOUNT = Integer.MAX_VALUE;
    /** Redis' OBJ_SHARED_INTEGERS. */
    private static final long SHARED_INTEGERS = 10000;

    private ObjectCommand() {
    }

    static void register(CommandTable t) {
        t.register("object|encoding", ObjectCommand::encoding);
        t.register("object|refcount", ObjectCommand::refcount);
        t.register("object|idletime", ObjectCommand::idletime);
        t.register("object|freq", ObjectCommand::freq);
        t.register("object|help", ObjectCommand::help);
    }

    /** The value of the key, or null after replying null: OBJECT counts a hit or miss but does not touch. */
    private static Object lookup(Call c) {
        Object v = c.db().read(c.arg(2), Db.NO_TOUCH);
        if (v == null) {
            c.reply().nullBulk();
        }
        return v;
    }

    private static void encoding(Call c) {
        Object v = lookup(c);
        if (v != null) {
            c.reply().bulkText(Values.encoding(v));
        }
    }

    private static void refcount(Call c) {
        Object v = lookup(c);
        if (v != null) {
            c.reply().integer(refcount(c.server().config(), v));
        }
    }

    /**
     * Redis shares the integers 0..9999 unless maxmemory is set with an LRU or LFU policy (which
     * need a clock per value); shared objects report INT_MAX. Everything else has one reference.
     */
    static long refcount(ServerConfig config, Object v) {
        boolean shared = false;
        if (StringValues.storedAsInteger(v)) {
            long n = StringValues.longValue(v);
            String policy = config.maxMemoryPolicy();
            boolean perValueClock = policy.contains("lru") || policy.contains("lfu");
            shared = n >= 0 && n < SHARED_INTEGERS && (config.maxMemory() == 0 || !perValueClock);
        }
        return shared ? SHARED_REFCOUNT : 1;
    }

    private static void idletime(Call c) {
        Object v = lookup(c);
        if (v == null) {
            return;
        }
        AccessClock access = c.server().keyspace().access();
        if (access.lfu()) {
            throw c.error(IDLETIME_UNDER_LFU);
        }
        c.reply().integer(access.idleSeconds(c.db().accessField(c.arg(2)), c.now()));
    }

    private static void freq(Call c) {
        Object v = lookup(c);
        if (v == null) {
            return;
        }
        AccessClock access = c.server().keyspace().access();
        if (!access.lfu()) {
            throw c.error(FREQ_WITHOUT_LFU);
        }
        c.reply().integer(access.frequency(c.db().accessField(c.arg(2)), c.now()));
    }

    private static void help(Call c) {
        Help.reply(c, "OBJECT",
                "ENCODING <key>",
                "    Name the internal representation holding the value of <key>.",
                "FREQ <key>",
                "    Logarithmic access counter of <key> (needs an LFU maxmemory-policy).",
                "IDLETIME <key>",
                "    Seconds since <key> was last read or written (not under an LFU policy).",
                "REFCOUNT <key>",
                "    How many references the value of <key> has.");
    }
}
