package kv.command;

import kv.engine.Call;
import kv.engine.Errors;
import kv.store.Db;
import kv.store.ValueType;
import kv.store.LexBound;
import kv.store.SortedSet;
import kv.util.StrToD;

/** Argument parsing shared by the sorted-set and geo commands, with Redis' acceptance rules. */
final class ZsetArgs {
    static final String NAN_RESULT = "ERR resulting score is not a number (NaN)";
    static final String SCORE_RANGE = "ERR min or max is not a float";
    static final String LEX_RANGE = "ERR min or max not valid string range item";

    private ZsetArgs() {
    }

    /**
     * A double as Redis' getDoubleFromObject reads it: the whole argument must be a strtod number,
     * no leading space, no overflow or underflow to zero, not NaN. Returns NaN when invalid.
     */
    static double parseDouble(byte[] a) {
        if (a.length == 0 || StrToD.isSpace(a[0])) {
            return Double.NaN;
        }
        long plain = plainInteger(a);
        if (plain >= 0) {
            return plain;
        }
        StrToD d = new StrToD().parse(a, 0, a.length);
        if (d.end != a.length || (d.rangeError && (Double.isInfinite(d.value) || d.value == 0))) {
            return Double.NaN;
        }
        return d.value;
    }

    /**
     * The value of {@code a} when it is 1 to 15 decimal digits (leading zeros allowed), which
     * strtod reads exactly; -1 for anything else.
     */
    private static long plainInteger(byte[] a) {
        if (a.length > 15) {
            return -1;
        }
        long v = 0;
        for (byte b : a) {
            if (b < '0' || b > '9') {
                return -1;
            }
            v = v * 10 + (b - '0');
        }
        return v;
    }

    /** Argument {@code i} as a score or weight; {@code error} when invalid. */
    static double doubleArg(Call c, int i, String error) {
        double v = parseDouble(c.arg(i));
        if (Double.isNaN(v)) {
            throw c.error(error);
        }
        return v;
    }

    static double doubleArg(Call c, int i) {
        return doubleArg(c, i, Errors.NOT_FLOAT);
    }

    /** A score range end: "(" makes it exclusive; strtod with nothing but a NUL or the end after it. */
    record ScoreBound(double value, boolean exclusive) {
    }

    static ScoreBound scoreBound(Call c, int i) {
        byte[] a = c.arg(i);
        boolean exclusive = a.length > 0 && a[0] == '(';
        int from = exclusive ? 1 : 0;
        StrToD d = new StrToD().parse(a, from, a.length);
        if ((d.end != a.length && a[d.end] != 0) || Double.isNaN(d.value)) {
            throw c.error(SCORE_RANGE);
        }
        return new ScoreBound(d.value, exclusive);
    }

    static LexBound lexBound(Call c, int i) {
        byte[] a = c.arg(i);
        if (a.length == 1 && a[0] == '+') {
            return LexBound.MAX;
        }
        if (a.length == 1 && a[0] == '-') {
            return LexBound.MIN;
        }
        if (a.length >= 1 && (a[0] == '(' || a[0] == '[')) {
            return LexBound.of(java.util.Arrays.copyOfRange(a, 1, a.length), a[0] == '(');
        }
        throw c.error(LEX_RANGE);
    }

    /** The sorted set at {@code key} for reading (counts a hit or miss), null if absent. */
    static SortedSet read(Call c, byte[] key) {
        return c.db().read(key, ValueType.ZSET);
    }

    /** The sorted set at {@code key} without statistics or touching, to decide whether a write changes it. */
    static SortedSet peek(Call c, byte[] key) {
        return c.db().read(key, ValueType.ZSET, Db.NO_TOUCH | Db.NO_STATS);
    }

    /** Writes {@code score} as Redis' addReplyDouble. */
    static void replyScore(Call c, double score) {
        c.reply().doubleValue(score);
    }

    /** RESP3 replies WITHSCORES as [member, score] pairs, RESP2 flat. */
    static boolean nestedPairs(Call c) {
        return c.client().protocol() > 2;
    }
}
