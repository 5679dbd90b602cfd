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

    // ZADD's flags, bits of one int
    private static final int NX = 1;
    private static final int XX = 2;
    private static final int GT = 4;
    private static final int LT = 8;
    private static final int CH = 16;
    private static final int INCR = 32;

    private static int flag(byte[] arg) {
        if (Tokens.equalsIgnoreCase(arg, "nx")) {
            return NX;
        } else if (Tokens.equalsIgnoreCase(arg, "xx")) {
            return XX;
        } else if (Tokens.equalsIgnoreCase(arg, "ch")) {
            return CH;
        } else if (Tokens.equalsIgnoreCase(arg, "incr")) {
            return INCR;
        } else if (Tokens.equalsIgnoreCase(arg, "gt")) {
            return GT;
        } else if (Tokens.equalsIgnoreCase(arg, "lt")) {
            return LT;
        }
        return 0;
    }

    /**
     * The score a member whose current score is {@code current} (NaN: absent) ends with after
     * adding {@code score} under the flags {@code f}; NaN when the pair is skipped (NX, XX, GT,
     * LT). Throws the NaN error when INCR yields NaN (inf + -inf).
     */
    private static double decide(Call c, int f, double current, double score) {
        if (Double.isNaN(current)) {
            return (f & XX) != 0 ? Double.NaN : score;
        }
        if ((f & NX) != 0) {
            return Double.NaN;
        }
        if ((f & INCR) != 0) {
            score += current;
            if (Double.isNaN(score)) {
                throw c.error(ZsetArgs.NAN_RESULT);
            }
        }
        if (((f & LT) != 0 && score >= current) || ((f & GT) != 0 && score <= current)) {
            return Double.NaN;
        }
        return score;
    }

    /** Whether a pair that {@link #decide} let through as {@code result} adds or changes its member. */
    private static boolean changes(double current, double result) {
        return !Double.isNaN(result) && (Double.isNaN(current) || result != current);
    }

    /**
     * ZADD (or ZINCRBY) with the arguments {@code a}, which GEOADD builds from its own; returns
     * true if the key changed.
     */
    static boolean zadd(Call c, byte[][] a, int scoreIdx, boolean zincrby) {
        int f = zincrby ? INCR : 0;
        if (!zincrby) {
            for (int flag; scoreIdx < a.length && (flag = flag(a[scoreIdx])) != 0; scoreIdx++) {
                f |= flag;
            }
        }
        int elements = a.length - scoreIdx;
        if (elements % 2 != 0 || elements == 0) {
            throw c.error(Errors.SYNTAX);
        }
        elements /= 2;
        if ((f & (NX | XX)) == (NX | XX)) {
            throw c.error("ERR XX and NX options at the same time are not compatible");
        }
        if (Integer.bitCount(f & (NX | GT | LT)) > 1) {
            throw c.error("ERR GT, LT, and/or NX options at the same time are not compatible");
        }
        if ((f & INCR) != 0 && elements > 1) {
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
        boolean create = z == null;
        // the first pair's current score, looked up once (no earlier pair can change it)
        double first = create ? Double.NaN : z.score(a[scoreIdx + 1]);
        if (create) {
            if ((f & XX) != 0) {
                replyAdd(c, f, 0, 0, Double.NaN);
                return false;
            }
        } else if (!wouldChange(c, f, z, a, scoreIdx, scores, first)) {
            // nothing changes: no change counted, propagated or notified
            db.unmodified(key);
            replyAdd(c, f, 0, 0, (f & INCR) != 0 ? decide(c, f, first, scores[0]) : Double.NaN);
            return false;
        }
        SortedSet.Limits limits = c.server().zsetLimits();
        if (create) {
            z = SortedSet.create(elements, maxLen, limits);
        }
        int added = 0;
        int updated = 0;
        double last = Double.NaN;
        try {
            for (int j = 0; j < elements; j++) {
                byte[] member = a[scoreIdx + 2 * j + 1];
                double current = j == 0 ? first : z.score(member);
                double result = decide(c, f, current, scores[j]);
                if (Double.isNaN(result)) {
                    continue;
                }
                last = result;
                if (changes(current, result)) {
                    if (Double.isNaN(current)) {
                        added++;
                    } else {
                        updated++;
                    }
                    z.put(member, result, current, limits);
                }
            }
        } finally {
            if (create) {
                db.put(key, z);
            } else {
                db.modified(key);
            }
        }
        replyAdd(c, f, added, updated, last);
        return true;
    }

    /** True if some pair, applied in order, would add or change a member. */
    private static boolean wouldChange(Call c, int f, SortedSet z, byte[][] a, int scoreIdx, double[] scores, double first) {
        for (int j = 0; j < scores.length; j++) {
            double current = j == 0 ? first : z.score(a[scoreIdx + 2 * j + 1]);
            if (changes(current, decide(c, f, current, scores[j]))) {
                return true;
            }
        }
        return false;
    }

    /** The reply: INCR's resulting score ({@code score}; NaN when the pair was skipped: nil), else the count. */
    private static void replyAdd(Call c, int f, int added, int updated, double score) {
        if ((f & INCR) != 0) {
            if (Double.isNaN(score)) {
                c.reply().nullBulk();
            } else {
                ZsetArgs.replyScore(c, score);
            }
        } else {
            c.reply().integer((f & CH) != 0 ? added + updated : added);
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
