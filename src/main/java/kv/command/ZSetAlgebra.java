package kv.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.store.WrongTypeException;
import kv.store.SetValue;
import kv.store.SortedSet;
import kv.store.ZsetCursor;

/**
 * ZUNION/ZINTER/ZDIFF, their STORE forms and ZINTERCARD, as Redis' zunionInterDiffGenericCommand:
 * WEIGHTS, AGGREGATE SUM|MIN|MAX, inputs ordered by size for union and intersection, NaN sums
 * turned into 0.
 *
 * <p>Plain sets are accepted as inputs, every member scoring 1 ({@link Source#of}).
 */
final class ZSetAlgebra {
    private enum Op { UNION, INTER, DIFF }

    private enum Aggregate { SUM, MIN, MAX }

    private ZSetAlgebra() {
    }

    static void register(CommandTable t) {
        t.register("zunion", c -> run(c, null, 1, Op.UNION, false));
        t.register("zinter", c -> run(c, null, 1, Op.INTER, false));
        t.register("zdiff", c -> run(c, null, 1, Op.DIFF, false));
        t.register("zunionstore", c -> run(c, c.arg(1), 2, Op.UNION, false));
        t.register("zinterstore", c -> run(c, c.arg(1), 2, Op.INTER, false));
        t.register("zdiffstore", c -> run(c, c.arg(1), 2, Op.DIFF, false));
        t.register("zintercard", c -> run(c, null, 1, Op.INTER, true));
    }

    /** One input: a sorted set (or none, for a missing key) and its weight. */
    static final class Source {
        final SortedSet zset;
        double weight = 1;

        private Source(SortedSet zset) {
            this.zset = zset;
        }

        static Source of(Object value) {
            if (value == null) {
                return new Source(null);
            }
            if (value instanceof SortedSet) {
                return new Source((SortedSet) value);
            }
            if (value instanceof SetValue) {
                // a plain set counts as a sorted set whose members all score 1, as in Redis
                SetValue set = (SetValue) value;
                SortedSet.Limits skiplist = new SortedSet.Limits(0, 0);
                SortedSet scored = SortedSet.create(set.size(), 0, skiplist);
                set.forEach(member -> scored.put(member, 1.0, skiplist));
                return new Source(scored);
            }
            throw new WrongTypeException();
        }

        int size() {
            return zset == null ? 0 : zset.size();
        }

        /** The member's score, NaN if absent. */
        double score(byte[] member) {
            return zset == null ? Double.NaN : zset.score(member);
        }
    }

    private static double aggregate(double target, double value, Aggregate a) {
        switch (a) {
            case SUM -> {
                double s = target + value;
                return Double.isNaN(s) ? 0 : s;
            }
            case MIN -> {
                return value < target ? value : target;
            }
            default -> {
                return value > target ? value : target;
            }
        }
    }

    private static void run(Call c, byte[] dst, int numkeysIdx, Op op, boolean cardinalityOnly) {
        long setnum = c.longArg(numkeysIdx);
        if (setnum < 1) {
            throw c.error("ERR at least 1 input key is needed for '" + c.spec().fullName() + "' command");
        }
        if (setnum > c.argc() - (numkeysIdx + 1)) {
            throw c.error(Errors.SYNTAX);
        }
        int n = (int) setnum;
        Source[] src = new Source[n];
        int j = numkeysIdx + 1;
        for (int i = 0; i < n; i++, j++) {
            // the STORE forms read their sources as reads too (Redis 7 counts misses and notifies keymiss)
            Object v = c.db().read(c.arg(j));
            src[i] = Source.of(v);
        }
        Aggregate agg = Aggregate.SUM;
        boolean withScores = false;
        long limit = 0;
        while (j < c.argc()) {
            int remaining = c.argc() - j;
            if (op != Op.DIFF && !cardinalityOnly && remaining >= n + 1 && c.is(j, "weights")) {
                j++;
                for (int i = 0; i < n; i++, j++) {
                    src[i].weight = ZsetArgs.doubleArg(c, j, "ERR weight value is not a float");
                }
            } else if (op != Op.DIFF && !cardinalityOnly && remaining >= 2 && c.is(j, "aggregate")) {
                j++;
                if (c.is(j, "sum")) {
                    agg = Aggregate.SUM;
                } else if (c.is(j, "min")) {
                    agg = Aggregate.MIN;
                } else if (c.is(j, "max")) {
                    agg = Aggregate.MAX;
                } else {
                    throw c.error(Errors.SYNTAX);
                }
                j++;
            } else if (dst == null && !cardinalityOnly && c.is(j, "withscores")) {
                j++;
                withScores = true;
            } else if (cardinalityOnly && remaining >= 2 && c.is(j, "limit")) {
                j++;
                limit = c.longArg(j, "ERR LIMIT can't be negative");
                if (limit < 0) {
                    throw c.error("ERR LIMIT can't be negative");
                }
                j++;
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        if (op != Op.DIFF) {
            // smallest first (a stable sort, like glibc's qsort for small arrays)
            Arrays.sort(src, (a, b) -> Integer.compare(a.size(), b.size()));
        }
        Map<Key, double[]> acc = new HashMap<>();
        List<byte[]> order = new ArrayList<>();
        long cardinality = 0;
        switch (op) {
            case INTER -> {
                if (src[0].size() > 0) {
                    for (ZsetCursor cur = src[0].zset.cursor(0, false); cur.valid(); cur.advance()) {
                        double score = src[0].weight * cur.score();
                        if (Double.isNaN(score)) {
                            score = 0;
                        }
                        byte[] m = cur.member();
                        int k = 1;
                        for (; k < n; k++) {
                            double v = src[k].zset == src[0].zset ? cur.score() : src[k].score(m);
                            if (Double.isNaN(v)) {
                                break;
                            }
                            score = aggregate(score, v * src[k].weight, agg);
                        }
                        if (k == n) {
                            if (cardinalityOnly) {
                                cardinality++;
                                if (limit != 0 && cardinality >= limit) {
                                    break;
                                }
                            } else {
                                order.add(m);
                                acc.put(new Key(m), new double[] {score});
                            }
                        }
                    }
                }
            }
            case UNION -> {
                for (Source s : src) {
                    if (s.size() == 0) {
                        continue;
                    }
                    for (ZsetCursor cur = s.zset.cursor(0, false); cur.valid(); cur.advance()) {
                        double score = s.weight * cur.score();
                        if (Double.isNaN(score)) {
                            score = 0;
                        }
                        byte[] m = cur.member();
                        Key key = new Key(m);
                        double[] existing = acc.get(key);
                        if (existing == null) {
                            acc.put(key, new double[] {score});
                            order.add(m);
                        } else {
                            existing[0] = aggregate(existing[0], score, agg);
                        }
                    }
                }
            }
            default -> {
                if (src[0].size() > 0) {
                    for (ZsetCursor cur = src[0].zset.cursor(0, false); cur.valid(); cur.advance()) {
                        byte[] m = cur.member();
                        boolean elsewhere = false;
                        for (int k = 1; k < n && !elsewhere; k++) {
                            elsewhere = !Double.isNaN(src[k].score(m));
                        }
                        if (!elsewhere) {
                            order.add(m);
                            acc.put(new Key(m), new double[] {cur.score()});
                        }
                    }
                }
            }
        }
        if (cardinalityOnly) {
            c.reply().integer(cardinality);
            return;
        }
        SortedSet.Limits limits = c.server().zsetLimits();
        // build the result as a big set (sorted), then compact it as Redis does for stores
        SortedSet result = SortedSet.create(order.size(), Long.MAX_VALUE, limits);
        for (byte[] m : order) {
            result.put(m, acc.get(new Key(m))[0], limits);
        }
        if (dst != null) {
            if (result.size() > 0) {
                result.compactIfSmall(limits);
                c.db().put(dst, result);
                c.reply().integer(result.size());
            } else {
                c.db().remove(dst);
                c.reply().integer(0);
            }
            return;
        }
        List<byte[]> members = new ArrayList<>(result.size());
        List<Double> scores = new ArrayList<>(result.size());
        if (result.size() > 0) {
            for (ZsetCursor cur = result.cursor(0, false); cur.valid(); cur.advance()) {
                members.add(cur.member());
                scores.add(cur.score());
            }
        }
        ZRangeCommands.replyElements(c, members, scores, withScores);
    }

    /** A member as a hash key. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key && Arrays.equals(bytes, ((Key) o).bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
