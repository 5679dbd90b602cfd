package kv.command;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import kv.store.Db;
import kv.store.Keyspace;
import kv.store.Values;
import kv.util.Glob;

/**
 * The generic keyspace family: DEL, UNLINK, EXISTS, TYPE, RENAME(NX), COPY, MOVE, SWAPDB, KEYS,
 * RANDOMKEY, TOUCH. Expiry commands live in {@link ExpireCommands}, SCAN in {@link ScanCommand},
 * OBJECT in {@link ObjectCommand}; {@link #register} registers all of them.
 */
final class KeyCommands {
    static final String SAME_OBJECT = "ERR source and destination objects are the same";
    /** getIntFromObjectOrReply's range error (sic: "must between"). */
    static final String INT_RANGE = "ERR value is out of range, value must between -2147483648 and 2147483647";

    private KeyCommands() {
    }

    static void register(CommandTable t) {
        t.register("del", KeyCommands::del);
        t.register("unlink", KeyCommands::del);
        t.register("exists", KeyCommands::exists);
        t.register("type", KeyCommands::type);
        t.register("rename", c -> rename(c, false));
        t.register("renamenx", c -> rename(c, true));
        t.register("copy", KeyCommands::copy);
        t.register("move", KeyCommands::move);
        t.register("swapdb", KeyCommands::swapdb);
        t.register("keys", KeyCommands::keys);
        t.register("randomkey", KeyCommands::randomkey);
        t.register("touch", KeyCommands::touch);
        ExpireCommands.register(t);
        ScanCommand.register(t);
        ObjectCommand.register(t);
    }

    /** DEL and UNLINK: values are dropped for the garbage collector either way, so both are O(1) per key. */
    private static void del(Call c) {
        Db db = c.db();
        long deleted = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (db.remove(c.arg(i))) {
                deleted++;
            }
        }
        c.reply().integer(deleted);
    }

    /** Counts every argument that names a live key, repeats included. */
    private static void exists(Call c) {
        Db db = c.db();
        long found = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (db.read(c.arg(i), Db.NO_TOUCH) != null) {
                found++;
            }
        }
        c.reply().integer(found);
    }

    private static void type(Call c) {
        Object v = c.db().read(c.arg(1), Db.NO_TOUCH);
        c.reply().simple(v == null ? "none" : Values.type(v).typeName());
    }

    private static void rename(Call c, boolean nx) {
        byte[] src = c.arg(1);
        byte[] dst = c.arg(2);
        Db db = c.db();
        if (!db.exists(src)) {
            throw c.error(Errors.NO_SUCH_KEY);
        }
        if (Arrays.equals(src, dst)) {
            if (nx) {
                c.reply().integer(0);
            } else {
                c.reply().ok();
            }
            return;
        }
        if (nx && db.exists(dst)) {
            c.reply().integer(0);
            return;
        }
        db.rename(src, dst);
        if (nx) {
            c.reply().integer(1);
        } else {
            c.reply().ok();
        }
    }

    /** A db index argument as Redis' getIntFromObjectOrReply + selectDb check it. */
    static int dbIndex(Call c, int arg) {
        long v = c.longArg(arg);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw c.error(INT_RANGE);
        }
        int index = (int) v;
        if (index < 0 || index >= c.server().keyspace().count()) {
            throw c.error(Errors.DB_OUT_OF_RANGE);
        }
        return index;
    }

    private static void copy(Call c) {
        Keyspace keyspace = c.server().keyspace();
        int srcIndex = c.client().db();
        int dstIndex = srcIndex;
        boolean replace = false;
        for (int j = 3; j < c.argc(); j++) {
            int additional = c.argc() - j - 1;
            if (c.is(j, "replace")) {
                replace = true;
            } else if (c.is(j, "db") && additional >= 1) {
                dstIndex = dbIndex(c, j + 1);
                j++;
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        byte[] key = c.arg(1);
        byte[] newKey = c.arg(2);
        if (srcIndex == dstIndex && Arrays.equals(key, newKey)) {
            throw c.error(SAME_OBJECT);
        }
        Db src = keyspace.db(srcIndex);
        Db dst = keyspace.db(dstIndex);
        Object value = src.read(key);
        if (value == null) {
            c.reply().integer(0);
            return;
        }
        long expireAt = src.expireTime(key);
        if (!replace && dst.exists(newKey)) {
            c.reply().integer(0);
            return;
        }
        // one change; an existing destination is replaced as a new key (Redis notifies "new")
        dst.putAsNew(newKey, Values.copy(value), expireAt >= 0 ? expireAt : Db.NO_TTL);
        c.reply().integer(1);
    }

    private static void move(Call c) {
        int srcIndex = c.client().db();
        int dstIndex = dbIndex(c, 2);
        if (srcIndex == dstIndex) {
            throw c.error(SAME_OBJECT);
        }
        Keyspace keyspace = c.server().keyspace();
        Db src = keyspace.db(srcIndex);
        Db dst = keyspace.db(dstIndex);
        byte[] key = c.arg(1);
        if (!src.exists(key) || dst.exists(key)) {
            c.reply().integer(0);
            return;
        }
        src.moveTo(key, dst);
        c.reply().integer(1);
    }

    private static void swapdb(Call c) {
        int a = c.intArg(1, Integer.MIN_VALUE, Integer.MAX_VALUE, "ERR invalid first DB index");
        int b = c.intArg(2, Integer.MIN_VALUE, Integer.MAX_VALUE, "ERR invalid second DB index");
        Keyspace keyspace = c.server().keyspace();
        int n = keyspace.count();
        if (a < 0 || a >= n || b < 0 || b >= n) {
            throw c.error(Errors.DB_OUT_OF_RANGE);
        }
        keyspace.swap(a, b);
        c.reply().ok();
    }

    /** All live keys matching the pattern; expired keys are skipped (not deleted), as in Redis. */
    private static void keys(Call c) {
        byte[] pattern = c.arg(1);
        boolean all = pattern.length == 1 && pattern[0] == '*';
        List<byte[]> found = new ArrayList<>();
        c.db().forEachKey(k -> {
            if (all || Glob.match(pattern, k, false)) {
                found.add(k);
            }
        });
        c.reply().array(found.size());
        for (byte[] k : found) {
            c.reply().bulk(k);
        }
    }

    private static void randomkey(Call c) {
        byte[] key = c.db().randomKey();
        if (key == null) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(key);
        }
    }

    /** Counts the keys that exist, touching each (CLIENT NO-TOUCH does not stop TOUCH). */
    private static void touch(Call c) {
        Db db = c.db();
        long found = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (db.read(c.arg(i)) != null) {
                found++;
            }
        }
        c.reply().integer(found);
    }
}
