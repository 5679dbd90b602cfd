package kv.command;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.store.Db;
import kv.store.LexBound;
import kv.store.SortedSet;
import kv.util.Tokens;

/**
 * The sorted-set family's single-key commands, as Redis 7.2's t_zset.c: ZADD/ZINCRBY, ZREM,
 * ZCARD, ZSCORE/ZMSCORE, ZRANK/ZREVRANK, ZCOUNT/ZLEXCOUNT. Ranges live in {@link ZRangeCommands},
 * multi-key algebra in {@link ZSetAlgebra}, pops and random members in {@link ZPopCommands}.
 * A write that would change nothing leaves the key untouched (no dirty count, no notification).
 */
final class SortedSetCommands {
    private SortedSetCommands() {
    }

    static void register(CommandTable t) {
        t.register("zadd", c -> zadd(c, c.args(), 2, false));
        t.register("zincrby", c -> zadd(c, c.args(), 2, true));
        t.register("zrem", SortedSetCommands::zrem);
        t.register("zcard", SortedSetCommands::zcard);
        t.register("zscore", SortedSetCommands::zscore);
        t.register("zmscore", SortedSetCommands::zmscore);
        t.register("zrank", c -> zrank(c, false));
        t.register("zrevrank", c -> zrank(c, true));
        t.register("zcount", SortedSetCommands::zcount);
        t.register("zlexcount", SortedSetCommands::zlexcount);
        t.register("zscan", ZScanCommand::zscan);
        ZRangeCommands.register(t);
        ZSetAlgebra.register(t);
        ZPopCommands.register(t);
        GeoCommands.register(t);
    }

    /** ZADD flags. */
    static final class AddFlags {
        boolean nx;
        boolean xx;
        boolean gt;
        boolean lt;
        boolean ch;
        boolean incr;
    }

    /** What one score-member pair did. */
    enum Outcome { NOP, ADDED, UPDATED, UNCHANGED }

    /**
     * The effect of adding (score, member) with {@code f} when the member's current score is
     * {@code current} (NaN: absent); {@code result[0]} receives the resulting score. Throws the
     * NaN error when INCR yields NaN (inf + -inf).
     */
    static Outcome decide(Call c, AddFlags f, double current, double score, double[] result) {
        if (!Double.isNaN(current)) {
            if (f.nx) {
                return Outcome.NOP;
            }
            if (f.incr) {
                score += current;
                if (Double.isNaN(score)) {
                    throw c.error(ZsetArgs.NAN_RESULT);
                }
            }
            if ((f.lt && score >= current) || (f.gt && score <= current)) {
                return Outcome.NOP;
            }
            result[0] = score;
            return score != current ? Outcome.UPDATED : Outcome.UNCHANGED;
        }
        if (f.xx) {
            return Outcome.NOP;
        }
        result[0] = score;
        return Outcome.ADDED;
    }

    /**
     * ZADD (or ZINCRBY) with the arguments {@code a}, which GEOADD builds from its own; returns
     * true if the key changed.
     */
    static boolean zadd(Call c, byte[][] a, int scoreIdx, boolean zincrby) {
        AddFlags f = new AddFlags();
        f.incr = zincrby;
        if (!zincrby) {
            for (; scoreIdx < a.length; scoreIdx++) {
                if (Tokens.equalsIgnoreCase(a[scoreIdx], "nx")) {
                    f.nx = true;
                } else if (Tokens.equalsIgnoreCase(a[scoreIdx], "xx")) {
                    f.xx = true;
                } else if (Tokens.equalsIgnoreCase(a[scoreIdx], "ch")) {
                    f.ch = true;
                } else if (Tokens.equalsIgnoreCase(a[scoreIdx], "incr")) {
                    f.incr = true;
                } else if (Tokens.equalsIgnoreCase(a[scoreIdx], "gt")) {
                    f.gt = true;
                } else if (Tokens.equalsIgnoreCase(a[scoreIdx], "lt")) {
                    f.lt = true;
                } else {
                    break;
                }
            }
        }
        int elements = a.length - scoreIdx;
        if (elements % 2 != 0 || elements == 0) {
            throw c.error(Errors.SYNTAX);
        }
        elements /= 2;
        if (f.nx && f.xx) {
            throw c.error("ERR XX and NX options at the same time are not compatible");
        }
        if ((f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt)) {
            throw c.error("ERR GT, LT, and/or NX options at the same time are not compatible");
        }
        if (f.incr && elements > 1) {
            throw c.error("ERR INCR option supports a single increment-element pair");
        }
        double[] scores = new double[elements];
        int maxLen = 0;
        for (int j = 0; j < elements; j++) {
            scores[j] = ZsetArgs.parseDouble(a[scoreIdx + 2 * j]);
            if (Double.isNaN(scores[j])) {
                throw c.error(Errors.NOT_FLOAT);
            }
            maxLen = Math.max(maxLen, a[scoreIdx + 2 * j + 1].length);
        }
        byte[] key = a[1];
        Db db = c.db();
        // one key lookup: a ZADD that changes nothing ends the modification as unmodified
        SortedSet z = db.modify(key, kv.store.ValueType.ZSET);
        double[] result = new double[1];
        boolean create = z == null;
        // the first pair's current score, looked up once (no earlier pair can change it)
        double first = create ? Double.NaN : z.score(a[scoreIdx + 1]);
        if (create) {
            if (f.xx) {
                replyAdd(c, f, 0, 0, false, 0);
                return false;
            }
        } else if (!wouldChange(c, f, z, a, scoreIdx, scores, first, result)) {
            // nothing changes: no change counted, propagated or notified
            db.unmodified(key);
            boolean processed = f.incr && decide(c, f, first, scores[0], result) != Outcome.NOP;
            replyAdd(c, f, 0, 0, processed, result[0]);
            return false;
        }
        SortedSet.Limits limits = ZsetArgs.limits(c);
        if (create) {
            z = SortedSet.create(elements, maxLen, limits);
        }
        int added = 0;
        int updated = 0;
        boolean processed = false;
        double last = 0;
        try {
            for (int j = 0; j < elements; j++) {
                byte[] member = a[scoreIdx + 2 * j + 1];
                double current = j == 0 ? first : z.score(member);
                Outcome o = decide(c, f, current, scores[j], result);
                if (o == Outcome.NOP) {
                    continue;
                }
                processed = true;
                last = result[0];
                if (o == Outcome.ADDED) {
                    added++;
                } else if (o == Outcome.UPDATED) {
                    updated++;
                }
                if (o != Outcome.UNCHANGED) {
                    z.put(member, result[0], current, limits);
                }
            }
        } finally {
            if (create) {
                db.put(key, z);
            } else {
                db.modified(key);
            }
        }
        replyAdd(c, f, added, updated, processed, last);
        return true;
    }

    /** True if some pair, applied in order, would add or change a member. */
    private static boolean wouldChange(Call c, AddFlags f, SortedSet z, byte[][] a, int scoreIdx, double[] scores, double first, double[] result) {
        for (int j = 0; j < scores.length; j++) {
            Outcome o = decide(c, f, j == 0 ? first : z.score(a[scoreIdx + 2 * j + 1]), scores[j], result);
            if (o == Outcome.ADDED || o == Outcome.UPDATED) {
                return true;
            }
        }
        return false;
    }

    private static void replyAdd(Call c, AddFlags f, int added, int updated, boolean processed, double score) {
        if (f.incr) {
            if (processed) {
                ZsetArgs.replyScore(c, score);
            } else {
                c.reply().nullBulk();
            }
        } else {
            c.reply().integer(f.ch ? added + updated : added);
        }
    }

    private static void zrem(Call c) {
        byte[] key = c.arg(1);
        SortedSet z = ZsetArgs.peek(c, key);
        boolean any = false;
        for (int i = 2; z != null && i < c.argc() && !any; i++) {
            any = !Double.isNaN(z.score(c.arg(i)));
        }
        if (!any) {
            c.reply().integer(0);
            return;
        }
        z = c.db().modify(key, kv.store.ValueType.ZSET);
        int deleted = 0;
        for (int i = 2; i < c.argc() && !z.isEmpty(); i++) {
            if (z.remove(c.arg(i))) {
                deleted++;
            }
        }
        c.db().modified(key);
        c.reply().integer(deleted);
    }

    private static void zcard(Call c) {
        SortedSet z = ZsetArgs.read(c, c.arg(1));
        c.reply().integer(z == null ? 0 : z.size());
    }

    private static void zscore(Call c) {
        SortedSet z = ZsetArgs.read(c, c.arg(1));
        double s = z == null ? Double.NaN : z.score(c.arg(2));
        if (Double.isNaN(s)) {
            c.reply().nullBulk();
        } else {
            ZsetArgs.replyScore(c, s);
        }
    }

    private static void zmscore(Call c) {
        SortedSet z = ZsetArgs.read(c, c.arg(1));
        c.reply().array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            double s = z == null ? Double.NaN : z.score(c.arg(i));
            if (Double.isNaN(s)) {
                c.reply().nullBulk();
            } else {
                ZsetArgs.replyScore(c, s);
            }
        }
    }

    private static void zrank(Call c, boolean reverse) {
        boolean withScore = false;
        if (c.argc() > 4) {
            throw c.error(Errors.wrongArity(c.spec().fullName()));
        }
        if (c.argc() == 4) {
            if (!c.is(3, "withscore")) {
                throw c.error(Errors.SYNTAX);
            }
            withScore = true;
        }
        SortedSet z = ZsetArgs.read(c, c.arg(1));
        int rank = z == null ? -1 : z.rank(c.arg(2));
        if (rank < 0) {
            if (withScore) {
                c.reply().nullArray();
            } else {
                c.reply().nullBulk();
            }
            return;
        }
        if (reverse) {
            rank = z.size() - 1 - rank;
        }
        if (withScore) {
            c.reply().array(2);
        }
        c.reply().integer(rank);
        if (withScore) {
            ZsetArgs.replyScore(c, z.score(c.arg(2)));
        }
    }

    private static void zcount(Call c) {
        ZsetArgs.ScoreBound min = ZsetArgs.scoreBound(c, 2);
        ZsetArgs.ScoreBound max = ZsetArgs.scoreBound(c, 3);
        SortedSet z = ZsetArgs.read(c, c.arg(1));
        if (z == null) {
            c.reply().integer(0);
            return;
        }
        int first = z.firstRankByScore(min.value(), min.exclusive());
        int last = z.lastRankByScore(max.value(), max.exclusive());
        c.reply().integer(Math.max(0, last - first + 1));
    }

    private static void zlexcount(Call c) {
        LexBound min = ZsetArgs.lexBound(c, 2);
        LexBound max = ZsetArgs.lexBound(c, 3);
        SortedSet z = ZsetArgs.read(c, c.arg(1));
        if (z == null || !z.mayHaveLexRange(min, max)) {
            c.reply().integer(0);
            return;
        }
        int first = z.firstRankByLex(min);
        int last = z.lastRankByLex(max);
        c.reply().integer(Math.max(0, last - first + 1));
    }
}
