package kv.command;

import kv.engine.Call;
import kv.engine.Errors;

/**
 * The option grammar SET and GETEX share: NX | XX, GET, and one expiry among EX, PX, EXAT,
 * PXAT, KEEPTTL (SET) or PERSIST (GETEX). Repeating the same option is allowed; mixing
 * exclusive ones is a syntax error, as in Redis.
 */
final class StringArgs {
    static final int NX = 1;
    static final int XX = 1 << 1;
    static final int GET = 1 << 2;
    static final int KEEPTTL = 1 << 3;
    static final int PERSIST = 1 << 4;
    static final int EX = 1 << 5;
    static final int PX = 1 << 6;
    static final int EXAT = 1 << 7;
    static final int PXAT = 1 << 8;
    private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    enum Grammar { SET, GETEX }

    int flags;
    /** Index of the expiry value argument, or -1. */
    int expireArg = -1;

    /** No options at all: the common "SET key value" and "GETEX key" need no object. */
    private static final StringArgs NONE = new StringArgs();
    private static final int[] EXPIRE_KINDS = {EX, PX, EXAT, PXAT};
    private static final String[] EXPIRE_NAMES = {"EX", "PX", "EXAT", "PXAT"};

    static StringArgs parse(Call c, int from, Grammar grammar) {
        if (from >= c.argc()) {
            return NONE;
        }
        StringArgs a = new StringArgs();
        boolean set = grammar == Grammar.SET;
        for (int j = from; j < c.argc(); j++) {
            boolean hasNext = j + 1 < c.argc();
            int f = a.flags;
            if (set && c.is(j, "NX") && (f & XX) == 0) {
                a.flags |= NX;
            } else if (set && c.is(j, "XX") && (f & NX) == 0) {
                a.flags |= XX;
            } else if (set && c.is(j, "GET")) {
                a.flags |= GET;
            } else if (set && c.is(j, "KEEPTTL") && (f & (PERSIST | ANY_EXPIRE)) == 0) {
                a.flags |= KEEPTTL;
            } else if (!set && c.is(j, "PERSIST") && (f & (KEEPTTL | ANY_EXPIRE)) == 0) {
                a.flags |= PERSIST;
            } else if (hasNext && (f & (KEEPTTL | PERSIST)) == 0 && a.expireToken(c, j)) {
                a.expireArg = ++j;
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        return a;
    }

    /** Accepts EX/PX/EXAT/PXAT at {@code j} unless a different expiry option was given. */
    private boolean expireToken(Call c, int j) {
        for (int k = 0; k < EXPIRE_KINDS.length; k++) {
            if (c.is(j, EXPIRE_NAMES[k]) && (flags & (ANY_EXPIRE & ~EXPIRE_KINDS[k])) == 0) {
                flags |= EXPIRE_KINDS[k];
                return true;
            }
        }
        return false;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * The absolute expiry in unix ms for the given option, or -1 if none was given; replies with
     * Redis' errors for non-integers, non-positive values and overflow.
     */
    long expireAtMs(Call c) {
        if (expireArg < 0) {
            return -1;
        }
        long v = c.longArg(expireArg);
        boolean seconds = has(EX) || has(EXAT);
        if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) {
            throw c.error(Errors.invalidExpireTime(c.spec().fullName()));
        }
        if (seconds) {
            v *= 1000;
        }
        if (has(EX) || has(PX)) {
            v += c.now();
            if (v <= 0) {
                throw c.error(Errors.invalidExpireTime(c.spec().fullName()));
            }
        }
        return v;
    }
}
