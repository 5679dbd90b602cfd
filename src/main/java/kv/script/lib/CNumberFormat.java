package kv.script.lib;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * C's {@code printf("%.Ng")} for doubles, as glibc prints it: the exact binary value rounded
 * half-even to N significant digits, plain notation for decimal exponents -4..N-1, otherwise
 * {@code d.ddde+XX}; trailing zeros removed. Lua 5.1 prints numbers with {@code %.14g}, and the
 * cjson library uses the configurable precision.
 */
public final class CNumberFormat {
    private static final double[] POWERS_OF_TEN = new double[19];

    static {
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = Math.pow(10, i);
        }
    }

    private CNumberFormat() {
    }

    public static String formatG(double v, int precision) {
        if (Double.isNaN(v)) {
            return (Double.doubleToRawLongBits(v) < 0) ? "-nan" : "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        int p = Math.max(precision, 1);
        if (v == 0) {
            return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
        }
        if (p <= 18 && v == (long) v && Math.abs(v) < POWERS_OF_TEN[p]) {
            // an integer of at most p digits prints as itself: the common case, without BigDecimal
            return Long.toString((long) v);
        }
        BigDecimal rounded = new BigDecimal(v).round(new MathContext(p, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= p) {
            return scientific(rounded, exponent);
        }
        return rounded.stripTrailingZeros().toPlainString();
    }

    private static String scientific(BigDecimal rounded, int exponent) {
        String digits = rounded.unscaledValue().abs().toString();
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        StringBuilder sb = new StringBuilder(24);
        if (rounded.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (end > 1) {
            sb.append('.').append(digits, 1, end);
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        if (abs < 10) {
            sb.append('0');
        }
        return sb.append(abs).toString();
    }
}
