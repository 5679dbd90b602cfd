package kv.engine;

import java.math.BigDecimal;
import java.math.RoundingMode;

import kv.util.LongDouble;

/**
 * The timeout argument of blocking commands, as Redis reads it: seconds as a long double (so
 * "0.1", "1e-3" and hex forms are fine), times 1000, rounded up to whole milliseconds. A value
 * whose milliseconds do not fit a signed 64-bit integer (inf, 1e400) comes out negative, as the
 * C conversion does, hence "timeout is negative" for those too.
 */
final class BlockTimeouts {
    static final String NOT_FLOAT = "ERR timeout is not a float or out of range";
    static final String NEGATIVE = "ERR timeout is negative";
    static final String OUT_OF_RANGE = "ERR timeout is out of range";
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);

    private BlockTimeouts() {
    }

    /** Unix ms deadline for {@code arg} seconds from {@code nowMs}; 0 = wait forever. */
    static long deadline(byte[] arg, long nowMs) {
        LongDouble v = LongDouble.parse(arg);
        if (v == null) {
            throw new CommandError(NOT_FLOAT);
        }
        if (!v.isFinite()) {
            throw new CommandError(NEGATIVE);
        }
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(new String(arg, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            seconds = new BigDecimal(new String(v.toHumanBytes(), java.nio.charset.StandardCharsets.US_ASCII)); // hex forms
        }
        BigDecimal ms = seconds.movePointRight(3).setScale(0, RoundingMode.CEILING);
        if (ms.compareTo(LONG_MAX) > 0 || ms.compareTo(LONG_MIN) < 0 || ms.signum() < 0) {
            throw new CommandError(NEGATIVE);
        }
        long t = ms.longValueExact();
        if (t == 0) {
            return 0;
        }
        if (t > Long.MAX_VALUE - nowMs) {
            throw new CommandError(OUT_OF_RANGE);
        }
        return nowMs + t;
    }
}
