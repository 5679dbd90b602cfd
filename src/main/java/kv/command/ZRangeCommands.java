package kv.command;

import java.util.ArrayList;
import java.util.List;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.store.ValueType;
import kv.store.LexBound;
import kv.store.SortedSet;
import kv.store.ZsetCursor;

/**
 * ZRANGE in all its forms (rank, BYSCORE, BYLEX, REV, LIMIT, WITHSCORES), the older
 * ZRANGEBYSCORE/ZREVRANGE... commands that share its code in Redis, ZRANGESTORE, and the
 * ZREMRANGEBY* deletions.
 */
final class ZRangeCommands {
    private enum By { AUTO, RANK, SCORE, LEX }

    private ZRangeCommands() {
    }

    static void register(CommandTable t) {
        t.register("zrange", c -> zrange(c, 1, false, By.AUTO, null));
        t.register("zrangestore", c -> zrange(c, 2, true, By.AUTO, null));
        t.register("zrevrange", c -> zrange(c, 1, false, By.RANK, true));
        t.register("zrangebyscore", c -> zrange(c, 1, false, By.SCORE, false));
        t.register("zrevrangebyscore", c -> zrange(c, 1, false, By.SCORE, true));
        t.register("zrangebylex", c -> zrange(c, 1, false, By.LEX, false));
        t.register("zrevrangebylex", c -> zrange(c, 1, false, By.LEX, true));
        t.register("zremrangebyrank", c -> zremrange(c, By.RANK));
        t.register("zremrangebyscore", c -> zremrange(c, By.SCORE));
        t.register("zremrangebylex", c -> zremrange(c, By.LEX));
    }

    /** The selected elements, in reply order. */
    static final class Result {
        final List<byte[]> members = new ArrayList<>();
        final List<Double> scores = new ArrayList<>();

        void add(byte[] member, double score) {
            members.add(member);
            scores.add(score);
        }

        int size() {
            return members.size();
        }
    }

    /** Replies members, with scores as flat pairs (RESP2) or [member, score] arrays (RESP3). */
    static void replyElements(Call c, List<byte[]> members, List<Double> scores, boolean withScores) {
        boolean nested = withScores && ZsetArgs.nestedPairs(c);
        c.reply().array(withScores && !nested ? members.size() * 2 : members.size());
        for (int i = 0; i < members.size(); i++) {
            if (nested) {
                c.reply().array(2);
            }
            c.reply().bulk(members.get(i));
            if (withScores) {
                ZsetArgs.replyScore(c, scores.get(i));
            }
        }
    }

    /**
     * @param first index of the source key
     * @param fixedReverse null: REV may be given; else the direction the command implies
     */
    private static void zrange(Call c, int first, boolean store, By by, Boolean fixedReverse) {
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        boolean limitGiven = false;
        boolean reverse = fixedReverse != null && fixedReverse;
        boolean revGiven = false;
        By type = by;
        for (int j = first + 3; j < c.argc(); j++) {
            int left = c.argc() - j - 1;
            if (!store && c.is(j, "withscores")) {
                withScores = true;
            } else if (c.is(j, "limit") && left >= 2) {
                offset = c.longArg(j + 1);
                limit = c.longArg(j + 2);
                limitGiven = true;
                j += 2;
            } else if (fixedReverse == null && !revGiven && c.is(j, "rev")) {
                reverse = true;
                revGiven = true;
            } else if (type == By.AUTO && c.is(j, "bylex")) {
                type = By.LEX;
            } else if (type == By.AUTO && c.is(j, "byscore")) {
                type = By.SCORE;
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        if (type == By.AUTO) {
            type = By.RANK;
        }
        if (limitGiven && limit != -1 && type == By.RANK) {
            throw c.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (withScores && type == By.LEX) {
            throw c.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        }
        int minIdx = first + 1;
        int maxIdx = first + 2;
        if (reverse && type != By.RANK) {
            minIdx = first + 2;
            maxIdx = first + 1;
        }
        long start = 0;
        long end = 0;
        ZsetArgs.ScoreBound smin = null;
        ZsetArgs.ScoreBound smax = null;
        LexBound lmin = null;
        LexBound lmax = null;
        switch (type) {
            case SCORE -> {
                smin = ZsetArgs.scoreBound(c, minIdx);
                smax = ZsetArgs.scoreBound(c, maxIdx);
            }
            case LEX -> {
                lmin = ZsetArgs.lexBound(c, minIdx);
                lmax = ZsetArgs.lexBound(c, maxIdx);
            }
            default -> {
                start = c.longArg(minIdx);
                end = c.longArg(maxIdx);
            }
        }
        SortedSet z = ZsetArgs.read(c, c.arg(first));
        Result r = new Result();
        if (z != null) {
            switch (type) {
                case SCORE -> byScore(z, smin, smax, offset, limit, reverse, r);
                case LEX -> byLex(z, lmin, lmax, offset, limit, reverse, r);
                default -> byRank(z, start, end, reverse, r);
            }
        }
        if (store) {
            storeResult(c, c.arg(1), r);
        } else {
            replyElements(c, r.members, r.scores, withScores);
        }
    }

    /** Stores {@code r} at {@code dst} (deleting it when empty) and replies the count: ZRANGESTORE. */
    static void storeResult(Call c, byte[] dst, Result r) {
        if (r.size() == 0) {
            c.db().remove(dst);
            c.reply().integer(0);
            return;
        }
        SortedSet.Limits limits = c.server().zsetLimits();
        SortedSet out = SortedSet.create(r.size(), 0, limits);
        for (int i = 0; i < r.size(); i++) {
            out.put(r.members.get(i), r.scores.get(i), limits);
        }
        c.db().put(dst, out);
        c.reply().integer(out.size());
    }

    /** Normalizes Redis-style start/end ranks; null when the range is empty. */
    static int[] rankRange(long start, long end, int size) {
        if (start < 0) {
            start = size + start;
        }
        if (end < 0) {
            end = size + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= size) {
            return null;
        }
        if (end >= size) {
            end = size - 1;
        }
        return new int[] {(int) start, (int) end};
    }

    private static void byRank(SortedSet z, long start, long end, boolean reverse, Result r) {
        int[] range = rankRange(start, end, z.size());
        if (range == null) {
            return;
        }
        int n = range[1] - range[0] + 1;
        int from = reverse ? z.size() - 1 - range[0] : range[0];
        ZsetCursor cur = z.cursor(from, reverse);
        for (int i = 0; i < n && cur.valid(); i++, cur.advance()) {
            r.add(cur.member(), cur.score());
        }
    }

    private static boolean aboveMin(double s, ZsetArgs.ScoreBound min) {
        return min.exclusive() ? s > min.value() : s >= min.value();
    }

    private static boolean belowMax(double s, ZsetArgs.ScoreBound max) {
        return max.exclusive() ? s < max.value() : s <= max.value();
    }

    private static void byScore(SortedSet z, ZsetArgs.ScoreBound min, ZsetArgs.ScoreBound max, long offset, long limit,
            boolean reverse, Result r) {
        if (offset < 0 || (offset > 0 && offset >= z.size())) {
            return; // Redis' skip loop runs off the end for a negative offset
        }
        int from = reverse ? z.lastRankByScore(max.value(), max.exclusive()) : z.firstRankByScore(min.value(), min.exclusive());
        if (from < 0 || from >= z.size()) {
            return;
        }
        ZsetCursor cur = z.cursor(from, reverse);
        for (; offset > 0 && cur.valid(); offset--) {
            cur.advance();
        }
        for (; limit != 0 && cur.valid(); cur.advance(), limit--) {
            double s = cur.score();
            if (reverse ? !aboveMin(s, min) : !belowMax(s, max)) {
                break;
            }
            r.add(cur.member(), s);
        }
    }

    private static void byLex(SortedSet z, LexBound min, LexBound max, long offset, long limit, boolean reverse, Result r) {
        if (offset < 0 || (offset > 0 && offset >= z.size()) || !z.mayHaveLexRange(min, max)) {
            return;
        }
        int from = reverse ? z.lastRankByLex(max) : z.firstRankByLex(min);
        if (from < 0 || from >= z.size()) {
            return;
        }
        ZsetCursor cur = z.cursor(from, reverse);
        for (; offset > 0 && cur.valid(); offset--) {
            cur.advance();
        }
        for (; limit != 0 && cur.valid(); cur.advance(), limit--) {
            byte[] m = cur.member();
            if (reverse ? !min.allowsAsMin(m) : !max.allowsAsMax(m)) {
                break;
            }
            r.add(m, cur.score());
        }
    }

    private static void zremrange(Call c, By type) {
        long start = 0;
        long end = 0;
        ZsetArgs.ScoreBound smin = null;
        ZsetArgs.ScoreBound smax = null;
        LexBound lmin = null;
        LexBound lmax = null;
        switch (type) {
            case SCORE -> {
                smin = ZsetArgs.scoreBound(c, 2);
                smax = ZsetArgs.scoreBound(c, 3);
            }
            case LEX -> {
                lmin = ZsetArgs.lexBound(c, 2);
                lmax = ZsetArgs.lexBound(c, 3);
            }
            default -> {
                start = c.longArg(2);
                end = c.longArg(3);
            }
        }
        byte[] key = c.arg(1);
        SortedSet z = ZsetArgs.peek(c, key);
        if (z == null) {
            c.reply().integer(0);
            return;
        }
        int from;
        int to;
        switch (type) {
            case SCORE -> {
                from = z.firstRankByScore(smin.value(), smin.exclusive());
                to = z.lastRankByScore(smax.value(), smax.exclusive());
            }
            case LEX -> {
                if (!z.mayHaveLexRange(lmin, lmax)) {
                    from = 0;
                    to = -1;
                } else {
                    from = z.firstRankByLex(lmin);
                    to = z.lastRankByLex(lmax);
                }
            }
            default -> {
                int[] range = rankRange(start, end, z.size());
                from = range == null ? 0 : range[0];
                to = range == null ? -1 : range[1];
            }
        }
        if (to < from) {
            c.reply().integer(0);
            return;
        }
        z = c.db().modify(key, ValueType.ZSET);
        z.removeRange(from, to);
        c.db().modified(key);
        c.reply().integer(to - from + 1);
    }
}
