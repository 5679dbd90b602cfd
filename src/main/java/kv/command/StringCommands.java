package kv.command;

import java.util.List;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.KeySpec;
import kv.engine.Propagation;
import kv.store.Db;
import kv.store.IntegerValueException;
import kv.store.StringValues;
import kv.store.ValueType;
import kv.util.LongDouble;
import kv.util.Tokens;
import kv.util.Numbers;

/**
 * The string family, as Redis 7.2's t_string.c: GET/SET and variants, multi-key MGET/MSET,
 * in-place APPEND/SETRANGE, ranges, the INCR family, INCRBYFLOAT and LCS. Checks run in the order
 * Redis runs them, so the first error a request meets is the one Redis would send.
 */
final class StringCommands {
    private StringCommands() {
    }

    static void register(CommandTable t) {
        t.register("get", StringCommands::get);
        t.register("set", StringCommands::set);
        t.registerKeyFlags("set", StringCommands::setKeyFlags);
        t.register("setnx", StringCommands::setnx);
        t.register("setex", c -> setWithExpire(c, StringArgs.EX));
        t.register("psetex", c -> setWithExpire(c, StringArgs.PX));
        t.register("getset", StringCommands::getset);
        t.register("getdel", StringCommands::getdel);
        t.register("getex", StringCommands::getex);
        t.register("mget", StringCommands::mget);
        t.register("mset", StringCommands::mset);
        t.register("msetnx", StringCommands::msetnx);
        t.register("append", StringCommands::append);
        t.register("strlen", StringCommands::strlen);
        t.register("getrange", StringCommands::getrange);
        t.register("substr", StringCommands::getrange);
        t.register("setrange", StringCommands::setrange);
        t.register("incr", c -> incrDecr(c, 1));
        t.register("decr", c -> incrDecr(c, -1));
        t.register("incrby", c -> incrDecr(c, c.longArg(2)));
        t.register("decrby", StringCommands::decrby);
        t.register("incrbyfloat", StringCommands::incrbyfloat);
        t.register("lcs", LcsCommand::lcs);
    }

    /** The string value of {@code key} for reading, null if absent; WRONGTYPE for other types. */
    static Object readString(Call c, byte[] key) {
        return c.db().read(key, ValueType.STRING);
    }

    /** The string value of {@code key} to change (no hit/miss counting), null if absent. */
    private static Object modifyString(Call c, byte[] key) {
        return c.db().modify(key, ValueType.STRING);
    }

    private static void replyValue(Call c, Object v) {
        if (v == null) {
            c.reply().nullBulk();
        } else {
            StringValues.writeTo(c.reply(), v);
        }
    }

    private static final List<String> SET_READS_OLD = List.of("RW", "access", "update");
    private static final List<String> SET_OVERWRITES = List.of("OW", "update");

    /** SET reads the old value only with GET, so its key flags depend on the arguments (as in Redis). */
    private static List<String> setKeyFlags(byte[][] argv, KeySpec.KeyRef key) {
        for (int i = 3; i < argv.length; i++) {
            if (Tokens.equalsIgnoreCase(argv[i], "GET")) {
                return SET_READS_OLD;
            }
        }
        return SET_OVERWRITES;
    }

    private static void get(Call c) {
        if (!c.db().writeString(c.arg(1), c.reply())) {
            c.reply().nullBulk();
        }
    }

    private static void set(Call c) {
        StringArgs a = StringArgs.parse(c, 3, StringArgs.Grammar.SET);
        long expireAt = a.expireAtMs(c);
        byte[] key = c.arg(1);
        Db db = c.db();
        if (a.has(StringArgs.GET)) {
            replyValue(c, readString(c, key));
        }
        if ((a.has(StringArgs.NX) && db.exists(key)) || (a.has(StringArgs.XX) && !db.exists(key))) {
            if (!a.has(StringArgs.GET)) {
                c.reply().nullBulk();
            }
            return;
        }
        db.put(key, StringValues.of(c.arg(2)), expireAt >= 0 ? expireAt : a.has(StringArgs.KEEPTTL) ? Db.KEEP_TTL : Db.NO_TTL);
        if (expireAt >= 0 && !a.has(StringArgs.PXAT)) {
            // relative times become absolute, so a replay sets the same deadline
            c.propagate(Propagation.setPxat(c.arg(1), c.arg(2), expireAt));
        }
        if (!a.has(StringArgs.GET)) {
            c.reply().ok();
        }
    }

    private static void setnx(Call c) {
        byte[] key = c.arg(1);
        Db db = c.db();
        if (db.exists(key)) {
            c.reply().integer(0);
            return;
        }
        db.put(key, StringValues.of(c.arg(2)));
        c.reply().integer(1);
    }

    /** SETEX key seconds value / PSETEX key milliseconds value. */
    private static void setWithExpire(Call c, int unit) {
        StringArgs a = new StringArgs();
        a.flags = unit;
        a.expireArg = 2;
        long expireAt = a.expireAtMs(c);
        byte[] key = c.arg(1);
        c.db().put(key, StringValues.of(c.arg(3)), expireAt);
        c.propagate(Propagation.setPxat(key, c.arg(3), expireAt));
        c.reply().ok();
    }

    private static void getset(Call c) {
        byte[] key = c.arg(1);
        replyValue(c, readString(c, key));
        c.db().put(key, StringValues.of(c.arg(2)));
    }

    private static void getdel(Call c) {
        byte[] key = c.arg(1);
        Object v = readString(c, key);
        replyValue(c, v);
        if (v != null) {
            c.db().remove(key);
            c.propagate(Propagation.del(key));
        }
    }

    private static void getex(Call c) {
        StringArgs a = StringArgs.parse(c, 2, StringArgs.Grammar.GETEX);
        byte[] key = c.arg(1);
        Object v = readString(c, key);
        if (v == null) {
            c.reply().nullBulk();
            return;
        }
        // the expiry is validated only once the key is known to exist, as in Redis
        long expireAt = a.expireAtMs(c);
        StringValues.writeTo(c.reply(), v);
        Db db = c.db();
        if ((a.has(StringArgs.EXAT) || a.has(StringArgs.PXAT)) && expireAt <= c.now()) {
            db.remove(key); // an absolute time already past deletes the key
            c.propagate(Propagation.del(key));
        } else if (expireAt >= 0) {
            db.expireAt(key, expireAt);
            c.propagate(Propagation.pexpireat(key, expireAt));
        } else if (a.has(StringArgs.PERSIST)) {
            if (db.persist(key)) {
                c.propagate(Propagation.persist(key));
            }
        }
    }

    private static void mget(Call c) {
        Db db = c.db();
        c.reply().array(c.argc() - 1);
        for (int i = 1; i < c.argc(); i++) {
            if (!db.writeStringIfString(c.arg(i), c.reply())) {
                c.reply().nullBulk();
            }
        }
    }

    private static void mset(Call c) {
        if (c.argc() % 2 == 0) {
            throw c.error(Errors.wrongArity(c.spec().fullName()));
        }
        Db db = c.db();
        for (int i = 1; i < c.argc(); i += 2) {
            db.put(c.arg(i), StringValues.of(c.arg(i + 1)));
        }
        c.reply().ok();
    }

    private static void msetnx(Call c) {
        if (c.argc() % 2 == 0) {
            throw c.error(Errors.wrongArity(c.spec().fullName()));
        }
        Db db = c.db();
        for (int i = 1; i < c.argc(); i += 2) {
            if (db.exists(c.arg(i))) {
                c.reply().integer(0);
                return;
            }
        }
        for (int i = 1; i < c.argc(); i += 2) {
            db.put(c.arg(i), StringValues.of(c.arg(i + 1)));
        }
        c.reply().integer(1);
    }

    /**
     * Redis' checkStringLength: a string of {@code size} bytes grown by {@code append} must stay
     * within proto-max-bulk-len (and within what a Java array holds), overflow included.
     */
    private static void checkStringLength(Call c, long size, long append) {
        long max = Math.min(c.server().config().protoMaxBulkLen(), Integer.MAX_VALUE - 16);
        long total = size + append;
        if (total > max || total < size) {
            throw c.error(Errors.STRING_TOO_LONG);
        }
    }

    private static void append(Call c) {
        byte[] key = c.arg(1);
        byte[] data = c.arg(2);
        Object v = modifyString(c, key);
        if (v == null) {
            // a new key gets the compact encoding of the argument, as Redis' tryObjectEncoding
            c.db().put(key, StringValues.of(data));
            c.reply().integer(data.length);
            return;
        }
        checkStringLength(c, StringValues.length(v), data.length);
        Object appended = StringValues.append(v, data);
        c.db().modified(key, appended);
        c.reply().integer(StringValues.length(appended));
    }

    private static void strlen(Call c) {
        Object v = readString(c, c.arg(1));
        c.reply().integer(v == null ? 0 : StringValues.length(v));
    }

    /** GETRANGE / SUBSTR key start end, with Redis' clamping of out-of-range indexes. */
    private static void getrange(Call c) {
        long start = c.longArg(2);
        long end = c.longArg(3);
        Object v = readString(c, c.arg(1));
        if (v == null) {
            c.reply().bulk(EMPTY);
            return;
        }
        long length = StringValues.length(v);
        if (start < 0 && end < 0 && start > end) {
            c.reply().bulk(EMPTY);
            return;
        }
        if (start < 0) {
            start += length;
        }
        if (end < 0) {
            end += length;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= length) {
            end = length - 1;
        }
        if (start > end || length == 0) {
            c.reply().bulk(EMPTY);
        } else {
            StringValues.writeRange(c.reply(), v, (int) start, (int) end);
        }
    }

    private static final byte[] EMPTY = new byte[0];

    private static void setrange(Call c) {
        byte[] key = c.arg(1);
        long offset = c.longArg(2);
        byte[] data = c.arg(3);
        if (offset < 0) {
            throw c.error("ERR offset is out of range");
        }
        Object v = modifyString(c, key);
        if (data.length == 0) {
            // nothing to write: no key is created and nothing changes
            c.reply().integer(v == null ? 0 : StringValues.length(v));
            return;
        }
        checkStringLength(c, offset, data.length);
        Object written = StringValues.setRange(v, (int) offset, data);
        if (v == null) {
            c.db().put(key, written);
        } else {
            c.db().modified(key, written);
        }
        c.reply().integer(StringValues.length(written));
    }

    private static void decrby(Call c) {
        long decrement = c.longArg(2);
        if (decrement == Long.MIN_VALUE) {
            throw c.error("ERR decrement would overflow");
        }
        incrDecr(c, -decrement);
    }

    /** INCR, DECR, INCRBY, DECRBY: the result is stored "int"-encoded; the TTL survives. */
    private static void incrDecr(Call c, long increment) {
        long result;
        try {
            result = c.db().addToInteger(c.arg(1), increment);
        } catch (IntegerValueException e) {
            throw c.error(e.overflow() ? Errors.OVERFLOW : Errors.NOT_INTEGER);
        }
        c.reply().integer(result);
    }

    /** Stores the new value of a key read with {@link #modifyString} (absent: created; else TTL kept). */
    private static void store(Call c, byte[] key, Object old, Object value) {
        if (old == null) {
            c.db().put(key, value);
        } else {
            c.db().modified(key, value);
        }
    }

    /**
     * INCRBYFLOAT in C long double arithmetic. The result is stored as its printed form, as Redis
     * stores it ("embstr" or "raw", never "int"), keeping the TTL.
     */
    private static void incrbyfloat(Call c) {
        byte[] key = c.arg(1);
        Object v = modifyString(c, key);
        LongDouble value = v == null ? LongDouble.of(0) : floatValue(c, v);
        LongDouble increment = LongDouble.parse(c.arg(2));
        if (increment == null) {
            throw c.error(Errors.NOT_FLOAT);
        }
        LongDouble result = value.add(increment);
        if (!result.isFinite()) {
            throw c.error("ERR increment would produce NaN or Infinity");
        }
        byte[] printed = result.toHumanBytes();
        store(c, key, v, printed);
        // the printed result, not the increment: replicas and the AOF must not redo the arithmetic
        c.propagate(Propagation.setKeepTtl(key, printed));
        c.reply().bulk(printed);
    }

    private static LongDouble floatValue(Call c, Object v) {
        LongDouble d = StringValues.longDouble(v);
        if (d == null) {
            throw c.error(Errors.NOT_FLOAT);
        }
        return d;
    }
}
