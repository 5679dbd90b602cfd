package kv.command;

import kv.engine.Call;
import kv.engine.Errors;
import kv.util.Glob;

/**
 * The options SCAN, SSCAN, HSCAN and ZSCAN share, parsed as Redis parses them: COUNT (at least
 * 1), MATCH (a pattern matching everything is dropped, so nothing is matched needlessly) and, for
 * SCAN only, TYPE; anything else is a syntax error.
 */
record ScanOptions(long count, byte[] pattern, byte[] typeName) {

    /** The options from argument {@code from} on; {@code withType}: SCAN's TYPE is allowed. */
    static ScanOptions parse(Call c, int from, boolean withType) {
        long count = 10;
        byte[] pattern = null;
        byte[] typeName = null;
        for (int i = from; i < c.argc(); i += 2) {
            boolean hasValue = i + 1 < c.argc();
            if (c.is(i, "count") && hasValue) {
                count = c.longArg(i + 1);
                if (count < 1) {
                    throw c.error(Errors.SYNTAX);
                }
            } else if (c.is(i, "match") && hasValue) {
                byte[] p = c.arg(i + 1);
                pattern = Glob.isMatchAll(p) ? null : p;
            } else if (withType && c.is(i, "type") && hasValue) {
                typeName = c.arg(i + 1);
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        return new ScanOptions(count, pattern, typeName);
    }

    /** How many buckets one call may visit while looking for {@code count} elements (Redis: 10 × count). */
    long maxSteps() {
        return count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
    }
}
