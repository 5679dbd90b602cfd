package kv.command;

import kv.store.Db;
import kv.store.StringValues;

/** The string family: GET, SET and friends. */
final class StringCommands {
    private StringCommands() {
    }

    static void register(CommandTable t) {
        t.register("get", StringCommands::get);
        t.register("set", StringCommands::set);
    }

    /** The string value of {@code key} for reading, null if absent; WRONGTYPE for other types. */
    static Object readString(Call c, byte[] key) {
        Object v = c.db().read(key);
        if (v != null && !StringValues.isString(v)) {
            throw c.error(Errors.WRONGTYPE);
        }
        return v;
    }

    private static void get(Call c) {
        Object v = readString(c, c.arg(1));
        if (v == null) {
            c.reply().nullBulk();
        } else {
            StringValues.reply(c.reply(), v);
        }
    }

    private static void set(Call c) {
        StringArgs a = StringArgs.parse(c, 3, StringArgs.Grammar.SET);
        long expireAt = a.expireAtMs(c);
        byte[] key = c.arg(1);
        Db db = c.db();
        if (a.has(StringArgs.GET)) {
            Object old = readString(c, key);
            if (old == null) {
                c.reply().nullBulk();
            } else {
                StringValues.reply(c.reply(), old);
            }
        }
        boolean exists = db.exists(key);
        if ((a.has(StringArgs.NX) && exists) || (a.has(StringArgs.XX) && !exists)) {
            if (!a.has(StringArgs.GET)) {
                c.reply().nullBulk();
            }
            return;
        }
        db.put(key, StringValues.of(c.arg(2)), a.has(StringArgs.KEEPTTL));
        if (expireAt >= 0) {
            // a time already past is stored too: the key then expires on its next access, as in Redis
            db.expireAt(key, expireAt);
        }
        if (!a.has(StringArgs.GET)) {
            c.reply().ok();
        }
    }
}
