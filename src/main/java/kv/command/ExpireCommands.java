package kv.command;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.Propagation;
import kv.util.Numbers;
import kv.store.Db;
import kv.util.ClientText;

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST. */
final class ExpireCommands {
    private static final int NX = 1;
    private static final int XX = 2;
    private static final int GT = 4;
    private static final int LT = 8;

    private ExpireCommands() {
    }

    static void register(CommandTable t) {
        t.register("expire", c -> expire(c, false, true));
        t.register("pexpire", c -> expire(c, false, false));
        t.register("expireat", c -> expire(c, true, true));
        t.register("pexpireat", c -> expire(c, true, false));
        t.register("ttl", c -> ttl(c, false, false));
        t.register("pttl", c -> ttl(c, true, false));
        t.register("expiretime", c -> ttl(c, false, true));
        t.register("pexpiretime", c -> ttl(c, true, true));
        t.register("persist", ExpireCommands::persist);
    }

    private static int parseFlags(Call c) {
        int flags = 0;
        for (int j = 3; j < c.argc(); j++) {
            if (c.is(j, "nx")) {
                flags |= NX;
            } else if (c.is(j, "xx")) {
                flags |= XX;
            } else if (c.is(j, "gt")) {
                flags |= GT;
            } else if (c.is(j, "lt")) {
                flags |= LT;
            } else {
                throw c.error("ERR Unsupported option " + ClientText.of(c.arg(j)));
            }
        }
        if ((flags & NX) != 0 && (flags & (XX | GT | LT)) != 0) {
            throw c.error("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if ((flags & GT) != 0 && (flags & LT) != 0) {
            throw c.error("ERR GT and LT options at the same time are not compatible");
        }
        return flags;
    }

    /**
     * The four EXPIRE variants, as Redis' expireGenericCommand: options first, then the time
     * (overflow of the unit conversion or of the base addition is an error), then the key. A
     * time that is already past deletes the key and still replies 1.
     */
    private static void expire(Call c, boolean absolute, boolean seconds) {
        int flags = parseFlags(c);
        long when = c.longArg(2);
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                throw c.error(Errors.invalidExpireTime(c.spec().fullName()));
            }
            when *= 1000;
        }
        long base = absolute ? 0 : c.now();
        if (when > Long.MAX_VALUE - base) {
            throw c.error(Errors.invalidExpireTime(c.spec().fullName()));
        }
        when += base;
        byte[] key = c.arg(1);
        Db db = c.db();
        if (!db.exists(key)) {
            c.reply().integer(0);
            return;
        }
        if (flags != 0) {
            long current = db.expireTime(key);
            if ((flags & NX) != 0 && current != -1
                    || (flags & XX) != 0 && current == -1
                    || (flags & GT) != 0 && (when <= current || current == -1)
                    || (flags & LT) != 0 && current != -1 && when >= current) {
                c.reply().integer(0);
                return;
            }
        }
        if (when <= c.now()) {
            db.remove(key);
            c.propagate(Propagation.delOrUnlink(key, c.server().config().lazyfreeLazyExpire()));
        } else {
            db.expireAt(key, when);
            // as PEXPIREAT with the absolute time, the condition flags kept
            byte[][] rewritten = c.args().clone();
            rewritten[0] = Propagation.pexpireat(key, when)[0];
            rewritten[2] = Numbers.toBytes(when);
            c.propagate(rewritten);
        }
        c.reply().integer(1);
    }

    /** TTL and friends: -2 for a missing key, -1 without TTL; seconds round to nearest. */
    private static void ttl(Call c, boolean millis, boolean absolute) {
        byte[] key = c.arg(1);
        Db db = c.db();
        if (db.read(key, Db.NO_TOUCH) == null) {
            c.reply().integer(-2);
            return;
        }
        long expire = db.expireTime(key);
        if (expire == -1) {
            c.reply().integer(-1);
            return;
        }
        long ttl = absolute ? expire : expire - c.now();
        if (ttl < 0) {
            ttl = 0;
        }
        c.reply().integer(millis ? ttl : (ttl + 500) / 1000);
    }

    private static void persist(Call c) {
        byte[] key = c.arg(1);
        Db db = c.db();
        c.reply().integer(db.persist(key) ? 1 : 0);
    }
}
