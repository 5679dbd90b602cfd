package kv.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.store.Db;
import kv.store.SetValue;
import kv.store.ValueType;

/**
 * SINTER, SUNION, SDIFF, their STORE forms and SINTERCARD, as Redis 7.2's sinterGenericCommand
 * and sunionDiffGenericCommand. A stored result is built the way Redis builds it (an intset
 * receiving every member in turn), so it ends in the same encoding.
 */
final class SetAlgebra {
    private SetAlgebra() {
    }

    static void register(CommandTable t) {
        t.register("sinter", c -> inter(c, 1, c.argc(), null));
        t.register("sinterstore", c -> inter(c, 2, c.argc(), c.arg(1)));
        t.register("sintercard", SetAlgebra::intercard);
        t.register("sunion", c -> unionDiff(c, 1, null, false));
        t.register("sunionstore", c -> unionDiff(c, 2, c.arg(1), false));
        t.register("sdiff", c -> unionDiff(c, 1, null, true));
        t.register("sdiffstore", c -> unionDiff(c, 2, c.arg(1), true));
    }

    /**
     * The sets named by arguments [from, to): null for a missing key. Every key is type-checked,
     * even after a missing one; the STORE forms read their sources as reads too (Redis 7 counts
     * hits and misses and notifies keymiss for them).
     */
    private static SetValue[] lookup(Call c, int from, int to) {
        SetValue[] sets = new SetValue[to - from];
        for (int i = from; i < to; i++) {
            sets[i - from] = SetCommands.readSet(c, c.arg(i));
        }
        return sets;
    }

    private static void inter(Call c, int from, int to, byte[] dst) {
        SetValue[] sets = lookup(c, from, to);
        if (Arrays.asList(sets).contains(null)) {
            if (dst != null) {
                c.db().remove(dst);
                c.reply().integer(0);
            } else {
                c.reply().set(0);
            }
            return;
        }
        Arrays.sort(sets, Comparator.comparingInt(SetValue::size));
        SetValue result = SetValue.emptyIntset();
        SetValue.Limits limits = c.server().setLimits();
        List<byte[]> members = new ArrayList<>();
        sets[0].forEach(m -> {
            if (inAll(sets, m)) {
                members.add(m);
            }
        });
        if (dst == null) {
            c.reply().set(members.size());
            for (byte[] m : members) {
                c.reply().bulk(m);
            }
            return;
        }
        for (byte[] m : members) {
            result.add(m, limits);
        }
        store(c, dst, result);
    }

    private static boolean inAll(SetValue[] sets, byte[] m) {
        for (int j = 1; j < sets.length; j++) {
            if (sets[j] != sets[0] && !sets[j].contains(m)) {
                return false;
            }
        }
        return true;
    }

    /** SINTERCARD numkeys key [key ...] [LIMIT limit]. */
    private static void intercard(Call c) {
        long numkeys = c.longArg(1, "ERR numkeys should be greater than 0");
        if (numkeys <= 0) {
            throw c.error("ERR numkeys should be greater than 0");
        }
        if (numkeys > c.argc() - 2) {
            throw c.error("ERR Number of keys can't be greater than number of args");
        }
        int keysEnd = 2 + (int) numkeys;
        long limit = 0;
        for (int i = keysEnd; i < c.argc(); i++) {
            if (c.is(i, "limit") && i + 1 < c.argc()) {
                limit = c.longArg(i + 1, "ERR LIMIT can't be negative");
                if (limit < 0) {
                    throw c.error("ERR LIMIT can't be negative");
                }
                i++;
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        SetValue[] sets = lookup(c, 2, keysEnd);
        if (Arrays.asList(sets).contains(null)) {
            c.reply().integer(0);
            return;
        }
        Arrays.sort(sets, Comparator.comparingInt(SetValue::size));
        long[] count = {0};
        long max = limit;
        // forEach cannot stop early; a limit only saves the membership tests
        sets[0].forEach(m -> {
            if ((max == 0 || count[0] < max) && inAll(sets, m)) {
                count[0]++;
            }
        });
        c.reply().integer(count[0]);
    }

    private static void unionDiff(Call c, int from, byte[] dst, boolean diff) {
        SetValue[] sets = lookup(c, from, c.argc());
        SetValue.Limits limits = c.server().setLimits();
        SetValue result = SetValue.emptyIntset();
        if (!diff) {
            for (SetValue s : sets) {
                if (s != null) {
                    s.forEach(m -> result.add(m, limits));
                }
            }
        } else {
            diffInto(sets, result, limits);
        }
        if (dst == null) {
            SetCommands.replySet(c, result);
        } else {
            store(c, dst, result);
        }
    }

    /**
     * Redis' two SDIFF algorithms (their cost estimate picks one): test each member of the first
     * set against the others, or copy the first set and remove the others' members. The choice
     * matters beyond speed: the copy may convert to hashtable on the way.
     */
    private static void diffInto(SetValue[] sets, SetValue result, SetValue.Limits limits) {
        SetValue first = sets[0];
        if (first == null) {
            return;
        }
        for (int j = 1; j < sets.length; j++) {
            if (sets[j] == first) {
                return; // a set minus itself
            }
        }
        long oneWork = 0;
        long twoWork = 0;
        for (SetValue s : sets) {
            if (s != null) {
                oneWork += first.size();
                twoWork += s.size();
            }
        }
        if (oneWork / 2 <= twoWork) {
            SetValue[] others = Arrays.copyOfRange(sets, 1, sets.length);
            first.forEach(m -> {
                for (SetValue o : others) {
                    if (o != null && o.contains(m)) {
                        return;
                    }
                }
                result.add(m, limits);
            });
            return;
        }
        first.forEach(m -> result.add(m, limits));
        for (int j = 1; j < sets.length && !result.isEmpty(); j++) {
            if (sets[j] != null) {
                sets[j].forEach(result::remove);
            }
        }
    }

    /** Stores a STORE form's result (replacing dst, TTL dropped), or deletes dst if it is empty. */
    private static void store(Call c, byte[] dst, SetValue result) {
        Db db = c.db();
        if (result.isEmpty()) {
            db.remove(dst);
        } else {
            db.put(dst, result);
        }
        c.reply().integer(result.size());
    }
}
