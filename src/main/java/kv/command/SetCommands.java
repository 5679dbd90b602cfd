package kv.command;

import java.util.ArrayList;
import java.util.List;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.store.Db;
import kv.store.SetValue;
import kv.store.ValueType;
import kv.util.Glob;

/**
 * The set family, as Redis 7.2's t_set.c: SADD/SREM/SMOVE, membership, SMEMBERS/SCARD and SSCAN.
 * The algebra (SINTER, SUNION, SDIFF...) is in {@link SetAlgebra}, the random ones in {@link
 * SetRandom}. A command that changes nothing leaves the key untouched (no change is counted), as
 * Redis signals nothing then.
 */
final class SetCommands {
    private SetCommands() {
    }

    static void register(CommandTable t) {
        t.register("sadd", SetCommands::sadd);
        t.register("srem", SetCommands::srem);
        t.register("smove", SetCommands::smove);
        t.register("scard", SetCommands::scard);
        t.register("sismember", SetCommands::sismember);
        t.register("smismember", SetCommands::smismember);
        t.register("smembers", SetCommands::smembers);
        t.register("sscan", SetCommands::sscan);
        SetAlgebra.register(t);
        SetRandom.register(t);
    }

    static SetValue readSet(Call c, byte[] key) {
        return c.db().read(key, ValueType.SET);
    }

    /** A write command's lookup (Redis' lookupKeyWrite): no hit/miss counted. */
    static SetValue peekSet(Call c, byte[] key) {
        return c.db().read(key, ValueType.SET, Db.NO_STATS);
    }

    private static void sadd(Call c) {
        byte[] key = c.arg(1);
        Db db = c.db();
        SetValue.Limits limits = c.server().setLimits();
        // one key lookup and one member lookup each: a SADD that adds nothing (add changes
        // nothing then, not even the encoding) ends the modification as unmodified
        SetValue s = db.modify(key, ValueType.SET);
        boolean create = s == null;
        if (create) {
            s = SetValue.create(c.arg(2), c.argc() - 2, limits);
        }
        int added = 0;
        for (int i = 2; i < c.argc(); i++) {
            if (s.add(c.arg(i), limits)) {
                added++;
            }
        }
        if (create) {
            db.put(key, s);
        } else if (added == 0) {
            db.unmodified(key);
        } else {
            db.modified(key);
        }
        c.reply().integer(added);
    }

    private static void srem(Call c) {
        byte[] key = c.arg(1);
        SetValue s = peekSet(c, key);
        boolean any = false;
        for (int i = 2; s != null && i < c.argc() && !any; i++) {
            any = s.contains(c.arg(i));
        }
        if (!any) {
            c.reply().integer(0);
            return;
        }
        Db db = c.db();
        s = db.modify(key, ValueType.SET);
        int removed = 0;
        for (int i = 2; i < c.argc() && !s.isEmpty(); i++) {
            if (s.remove(c.arg(i))) {
                removed++;
            }
        }
        db.modified(key);
        c.reply().integer(removed);
    }

    private static void smove(Call c) {
        byte[] src = c.arg(1);
        byte[] dst = c.arg(2);
        byte[] member = c.arg(3);
        Db db = c.db();
        if (db.read(src, Db.NO_STATS) == null) {
            c.reply().integer(0);
            return;
        }
        SetValue from = peekSet(c, src);
        SetValue to = peekSet(c, dst);
        if (from == to) {
            c.reply().integer(from.contains(member) ? 1 : 0);
            return;
        }
        if (!from.contains(member)) {
            c.reply().integer(0);
            return;
        }
        db.modify(src, ValueType.SET);
        from.remove(member);
        db.modified(src);
        SetValue.Limits limits = c.server().setLimits();
        if (to == null) {
            to = SetValue.create(member, 1, limits);
            to.add(member, limits);
            db.put(dst, to);
        } else if (!to.contains(member)) {
            db.modify(dst, ValueType.SET);
            to.add(member, limits);
            db.modified(dst);
        }
        c.reply().integer(1);
    }

    private static void scard(Call c) {
        SetValue s = readSet(c, c.arg(1));
        c.reply().integer(s == null ? 0 : s.size());
    }

    private static void sismember(Call c) {
        SetValue s = readSet(c, c.arg(1));
        c.reply().integer(s != null && s.contains(c.arg(2)) ? 1 : 0);
    }

    private static void smismember(Call c) {
        SetValue s = readSet(c, c.arg(1));
        c.reply().array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            c.reply().integer(s != null && s.contains(c.arg(i)) ? 1 : 0);
        }
    }

    private static void smembers(Call c) {
        SetValue s = readSet(c, c.arg(1));
        if (s == null) {
            c.reply().set(0);
            return;
        }
        replySet(c, s);
    }

    /** The whole set as a set reply (RESP3 {@code ~}, RESP2 array). */
    static void replySet(Call c, SetValue s) {
        c.reply().set(s.size());
        s.forEach(m -> c.reply().bulk(m));
    }

    /** SSCAN key cursor [MATCH pattern] [COUNT count], as Redis' scanGenericCommand. */
    private static void sscan(Call c) {
        long cursor = ScanCommand.parseCursor(c, c.arg(2));
        SetValue s = readSet(c, c.arg(1));
        if (s == null) {
            c.reply().array(2);
            c.reply().bulkText("0");
            c.reply().array(0);
            return;
        }
        ScanOptions options = ScanOptions.parse(c, 3, false);
        long count = options.count();
        byte[] pattern = options.pattern();
        List<byte[]> found = new ArrayList<>();
        if (!s.isHashtable()) {
            cursor = s.scanStep(0, found::add);
        } else {
            long maxSteps = options.maxSteps();
            do {
                cursor = s.scanStep(cursor, found::add);
            } while (cursor != 0 && maxSteps-- != 0 && found.size() < count);
        }
        if (pattern != null) {
            byte[] p = pattern;
            found.removeIf(m -> !Glob.match(p, m, false));
        }
        c.reply().array(2);
        c.reply().bulkText(Long.toUnsignedString(cursor));
        c.reply().array(found.size());
        for (byte[] m : found) {
            c.reply().bulk(m);
        }
    }
}
