package kv.util;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Doubles as Redis 7.2 prints them in replies: the shortest decimal that reads back as the same
 * double, laid out like C's {@code %.17g} (plain notation for decimal exponents -4..16, otherwise
 * {@code d.ddde+XX}), and "inf", "-inf", "nan".
 */
public final class Doubles {
    private Doubles() {
    }

    /** Integral doubles up to here are exactly a long, printed plain by both layouts (at most 16 digits). */
    private static final double EXACT_LONG_LIMIT = 0x1p53;

    public static String format(double v) {
        String special = special(v);
        if (special != null) {
            return special;
        }
        if (Math.abs(v) < EXACT_LONG_LIMIT && v == Math.rint(v)) {
            // the common score (counters, timestamps): the search below allocates a dozen BigDecimals
            return Long.toString((long) v);
        }
        return shortestLayout(v);
    }

    /** {@link #format}'s general path: the shortest round-tripping digits, laid out as %g. */
    static String shortestLayout(double v) {
        BigDecimal shortest = shortest(v);
        BigDecimal unscaledDigits = new BigDecimal(shortest.unscaledValue().abs());
        String digits = unscaledDigits.stripTrailingZeros().unscaledValue().toString();
        // decimal exponent of the leading digit
        int exponent = shortest.precision() - shortest.scale() - 1;
        return layout(v < 0, digits, exponent);
    }

    /**
     * C's {@code %.17g}, as Redis 7.0 prints doubles (and stores listpack scores): 17 significant
     * digits, trailing zeros dropped, the same layout as {@link #format}.
     */
    public static String format17g(double v) {
        String special = special(v);
        if (special != null) {
            return special;
        }
        BigDecimal r = new BigDecimal(v).round(new MathContext(17));
        String digits = r.unscaledValue().abs().toString().replaceAll("0+$", "");
        return layout(v < 0, digits.isEmpty() ? "0" : digits, r.precision() - r.scale() - 1);
    }

    /** NaN, the infinities and the two zeros, which both formats print alike; null for any other value. */
    private static String special(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        return null;
    }

    /** {@code digits} (no trailing zeros) with the decimal exponent of the first, laid out as %g does. */
    private static String layout(boolean negative, String digits, int exponent) {
        StringBuilder sb = new StringBuilder(24);
        if (negative) {
            sb.append('-');
        }
        if (exponent < -4 || exponent >= 17) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                sb.append('0');
            }
            sb.append(abs);
        } else if (exponent < 0) {
            sb.append("0.");
            for (int i = -1; i > exponent; i--) {
                sb.append('0');
            }
            sb.append(digits);
        } else if (digits.length() <= exponent + 1) {
            sb.append(digits);
            for (int i = digits.length(); i <= exponent; i++) {
                sb.append('0');
            }
        } else {
            sb.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
        }
        return sb.toString();
    }

    /** The decimal with the fewest significant digits that converts back to {@code v}. */
    private static BigDecimal shortest(double v) {
        BigDecimal exact = new BigDecimal(v);
        for (int precision = 1; precision < 17; precision++) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == v) {
                return candidate;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }

    /** C's {@code %.Nf} (the exact binary value rounded half-even, as glibc prints it); finite values only. */
    public static String fixed(double v, int decimals) {
        return new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** C's {@code %f} without trailing zeros or a trailing point (Redis' trimDoubleString): 99.9, 50. */
    public static String trimmedFixed(double v) {
        String s = fixed(v, 6);
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }
}
