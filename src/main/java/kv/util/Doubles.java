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
    /**
     * Since JDK 19 {@link Double#toString} prints the shortest decimal that reads back as the
     * double, the closest of them to it (JDK-4511638); before, it could print more digits.
     */
    static final boolean SHORTEST_TO_STRING = Runtime.version().feature() >= 19;

    public static String format(double v) {
        String special = special(v);
        if (special != null) {
            return special;
        }
        if (Math.abs(v) < EXACT_LONG_LIMIT && v == Math.rint(v)) {
            // the common score (counters, timestamps): the search below allocates a dozen BigDecimals
            return Long.toString((long) v);
        }
        if (SHORTEST_TO_STRING) {
            String fast = layoutOfToString(v);
            if (fast != null) {
                return fast;
            }
        }
        return shortestLayout(v);
    }

    /**
     * {@link #shortestLayout} from the digits of {@link Double#toString} (JDK 19 and later only),
     * or null where those digits may differ from the search's: Java picks the closest decimal of
     * the shortest length that reads back, the search the closest decimal of each length until
     * one reads back. These differ only
     * <ul>
     * <li>at powers of two, whose rounding interval is narrower below the value than above it, so
     * the closest decimal of a length may fall outside while a farther one above is inside;</li>
     * <li>for subnormals, where a one-digit decimal reads back but Java, which then picks among
     * one- and two-digit decimals, prints two digits (2 * MIN_VALUE: "9.9E-324", not 1e-323).</li>
     * </ul>
     * Finite, non-zero values only.
     */
    static String layoutOfToString(double v) {
        long bits = Double.doubleToRawLongBits(v);
        boolean subnormal = (bits & 0x7ff0000000000000L) == 0;
        if ((bits & 0x000fffffffffffffL) == 0 && !subnormal) {
            return null;
        }
        String s = Double.toString(v);
        // "[-]I.F" or "[-]D.FE[-]X": significant digits, and the decimal exponent of the first
        StringBuilder digits = new StringBuilder(20);
        int i = v < 0 ? 1 : 0;
        int integerDigits = -1;
        int position = 0;
        int exponent = 0;
        for (; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '.') {
                integerDigits = position;
            } else if (ch == 'E') {
                exponent += Integer.parseInt(s, i + 1, s.length(), 10);
                break;
            } else {
                if (digits.length() == 0 && ch == '0') {
                    exponent--;
                } else {
                    digits.append(ch);
                }
                position++;
            }
        }
        exponent += integerDigits - 1;
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        digits.setLength(end);
        if (subnormal && end <= 2) {
            return null;
        }
        return layout(v < 0, digits, exponent);
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
    private static String layout(boolean negative, CharSequence digits, int exponent) {
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
