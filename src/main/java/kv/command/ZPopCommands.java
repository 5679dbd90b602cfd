package kv.command;

import java.util.Arrays;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.store.ValueType;
import kv.store.SortedSet;
import kv.store.ZsetCursor;
import kv.util.Numbers;

/**
 * ZPOPMIN/ZPOPMAX, ZMPOP and ZRANDMEMBER. The pop itself ({@link #pop}) is shared with the
 * blocking variants (BZPOPMIN/BZPOPMAX/BZMPOP), which differ only in how they wait and in the
 * reply's shape.
 */
final class ZPopCommands {
    private static final byte[] ZPOPMIN = "ZPOPMIN".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ZPOPMAX = "ZPOPMAX".getBytes(StandardCharsets.US_ASCII);

    /** How a pop's reply is laid out (Redis' emitkey / use_nested_array combinations). */
    enum Shape {
        /** ZPOPMIN/MAX: flat member, score... */
        FLAT,
        /** ZPOPMIN/MAX with COUNT in RESP3: [member, score] pairs. */
        NESTED,
        /** BZPOPMIN/MAX: key, member, score flat. */
        KEY_FLAT,
        /** ZMPOP/BZMPOP: [key, [[member, score]...]]. */
        KEY_NESTED
    }

    private ZPopCommands() {
    }

    static void register(CommandTable t) {
        t.register("zpopmin", c -> zpop(c, false));
        t.register("zpopmax", c -> zpop(c, true));
        t.register("zmpop", c -> zmpop(c, false));
        t.register("bzpopmin", c -> bzpop(c, false));
        t.register("bzpopmax", c -> bzpop(c, true));
        t.register("bzmpop", c -> zmpop(c, true));
        t.register("zrandmember", ZPopCommands::zrandmember);
    }

    private static void zpop(Call c, boolean max) {
        if (c.argc() > 3) {
            throw c.error(Errors.SYNTAX);
        }
        long count = -1;
        if (c.argc() == 3) {
            count = c.longArg(2, Errors.NOT_POSITIVE);
            if (count < 0) {
                throw c.error(Errors.NOT_POSITIVE);
            }
        }
        byte[] key = c.arg(1);
        SortedSet z = ZsetArgs.peek(c, key);
        if (z == null || count == 0) {
            c.reply().array(0);
            return;
        }
        pop(c, key, max, count == -1 ? 1 : count, count != -1 && ZsetArgs.nestedPairs(c) ? Shape.NESTED : Shape.FLAT);
    }

    /**
     * Pops up to {@code count} (≥ 1) lowest or highest members of the non-empty sorted set at
     * {@code key} and replies them in {@code shape}; the key is deleted when emptied.
     */
    static void pop(Call c, byte[] key, boolean max, long count, Shape shape) {
        SortedSet z = c.db().modify(key, ValueType.ZSET);
        int n = (int) Math.min(count, z.size());
        switch (shape) {
            case FLAT -> c.reply().array(n * 2);
            case NESTED -> c.reply().array(n);
            case KEY_FLAT -> {
                c.reply().array(n * 2 + 1);
                c.reply().bulk(key);
            }
            case KEY_NESTED -> {
                c.reply().array(2);
                c.reply().bulk(key);
                c.reply().array(n);
            }
        }
        boolean nested = shape == Shape.NESTED || shape == Shape.KEY_NESTED;
        try {
            for (int i = 0; i < n; i++) {
                int rank = max ? z.size() - 1 : 0;
                ZsetCursor cur = z.cursor(rank, false);
                byte[] member = cur.member();
                double score = cur.score();
                z.removeRange(rank, rank);
                if (nested) {
                    c.reply().array(2);
                }
                c.reply().bulk(member);
                ZsetArgs.replyScore(c, score);
            }
        } finally {
            c.db().modified(key);
        }
    }

    /**
     * BZPOPMIN/BZPOPMAX key... timeout: pops one member of the first non-empty sorted set, else
     * waits (with the lists' blocking machinery) and is propagated as ZPOPMIN/ZPOPMAX key 1.
     */
    private static void bzpop(Call c, boolean max) {
        long deadline = c.timeoutArg(c.argc() - 1);
        byte[] key = firstNonEmpty(c, 1, c.argc() - 2);
        if (key != null) {
            pop(c, key, max, 1, Shape.KEY_FLAT);
            c.propagate(max ? ZPOPMAX : ZPOPMIN, key, Numbers.toBytes(1));
            return;
        }
        if (!c.mayBlock()) {
            c.reply().nullArray();
            return;
        }
        c.block(ValueType.ZSET, deadline, Arrays.copyOfRange(c.args(), 1, c.argc() - 1));
    }

    /** ZMPOP numkeys key... MIN|MAX [COUNT n], and BZMPOP with the timeout before numkeys. */
    private static void zmpop(Call c, boolean blocking) {
        int numkeysIdx = blocking ? 2 : 1;
        long numkeys = c.longArg(numkeysIdx, "ERR numkeys should be greater than 0");
        if (numkeys < 1) {
            throw c.error("ERR numkeys should be greater than 0");
        }
        long whereIdx = numkeysIdx + numkeys + 1;
        if (whereIdx >= c.argc()) {
            throw c.error(Errors.SYNTAX);
        }
        int w = (int) whereIdx;
        boolean max;
        if (c.is(w, "min")) {
            max = false;
        } else if (c.is(w, "max")) {
            max = true;
        } else {
            throw c.error(Errors.SYNTAX);
        }
        long count = -1;
        for (int j = w + 1; j < c.argc(); j++) {
            boolean more = c.argc() - 1 - j > 0;
            if (count == -1 && c.is(j, "count") && more) {
                j++;
                count = c.longArg(j, "ERR count should be greater than 0");
                if (count < 1) {
                    throw c.error("ERR count should be greater than 0");
                }
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        if (count == -1) {
            count = 1;
        }
        // the timeout is checked after the other arguments, as Redis does
        long deadline = blocking ? c.timeoutArg(1) : 0;
        byte[] key = firstNonEmpty(c, numkeysIdx + 1, (int) numkeys);
        if (key == null) {
            if (blocking && c.mayBlock()) {
                c.block(ValueType.ZSET, deadline, Arrays.copyOfRange(c.args(), numkeysIdx + 1, numkeysIdx + 1 + (int) numkeys));
            } else {
                c.reply().nullArray();
            }
            return;
        }
        pop(c, key, max, count, Shape.KEY_NESTED);
        c.propagate(max ? ZPOPMAX : ZPOPMIN, key, Numbers.toBytes(count));
    }

    /** The first of {@code n} keys from argument {@code from} holding a sorted set (WRONGTYPE on the way), or null. */
    static byte[] firstNonEmpty(Call c, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (ZsetArgs.peek(c, c.arg(i)) != null) {
                return c.arg(i);
            }
        }
        return null;
    }

    private static void zrandmember(Call c) {
        if (c.argc() < 3) {
            SortedSet z = ZsetArgs.read(c, c.arg(1));
            if (z == null) {
                c.reply().nullBulk();
                return;
            }
            c.reply().bulk(z.cursor(ThreadLocalRandom.current().nextInt(z.size()), false).member());
            return;
        }
        long l = c.longArg(2);
        if (l < -Long.MAX_VALUE) {
            throw c.error("ERR value is out of range, value must between " + -Long.MAX_VALUE + " and " + Long.MAX_VALUE);
        }
        boolean withScores = false;
        if (c.argc() > 4 || (c.argc() == 4 && !c.is(3, "withscores"))) {
            throw c.error(Errors.SYNTAX);
        } else if (c.argc() == 4) {
            withScores = true;
            if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                throw c.error("ERR value is out of range");
            }
        }
        boolean unique = l >= 0;
        long count = Math.abs(l);
        SortedSet z = ZsetArgs.read(c, c.arg(1));
        if (z == null || count == 0) {
            c.reply().array(0);
            return;
        }
        int size = z.size();
        List<byte[]> members = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (!unique || count == 1) {
            if (count > Integer.MAX_VALUE / 2) {
                // Redis would try to build the reply; refuse instead of exhausting memory
                throw c.error("ERR value is out of range");
            }
            boolean nested = withScores && ZsetArgs.nestedPairs(c);
            c.reply().array((int) (withScores && !nested ? count * 2 : count));
            for (long i = 0; i < count; i++) {
                ZsetCursor cur = z.cursor(rnd.nextInt(size), false);
                if (nested) {
                    c.reply().array(2);
                }
                c.reply().bulk(cur.member());
                if (withScores) {
                    ZsetArgs.replyScore(c, cur.score());
                }
            }
            return;
        }
        if (count >= size) {
            // the whole set, highest first (what Redis' reply order is)
            for (ZsetCursor cur = z.cursor(size - 1, true); cur.valid(); cur.advance()) {
                members.add(cur.member());
                scores.add(cur.score());
            }
        } else {
            // distinct ranks: a partial Fisher-Yates shuffle of [0, size)
            int[] ranks = new int[size];
            for (int i = 0; i < size; i++) {
                ranks[i] = i;
            }
            for (int i = 0; i < count; i++) {
                int j = i + rnd.nextInt(size - i);
                int t = ranks[i];
                ranks[i] = ranks[j];
                ranks[j] = t;
                ZsetCursor cur = z.cursor(ranks[i], false);
                members.add(cur.member());
                scores.add(cur.score());
            }
        }
        ZRangeCommands.replyElements(c, members, scores, withScores);
    }
}
