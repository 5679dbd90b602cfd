package kv.util;

/**
 * C's {@code strtod} on bytes, as glibc reads them: leading white space, an optional sign, then a
 * decimal or hexadecimal number, "inf"/"infinity" or "nan" (any case). Reports where reading
 * stopped and whether the result over- or underflowed (glibc's ERANGE), because Redis' callers
 * decide validity from those.
 */
public final class StrToD {
    /** The value read (0 when nothing was read). */
    public double value;
    /** Index just after the last byte consumed; the start offset when nothing was read. */
    public int end;
    /** True on overflow to ±infinity or underflow to zero from a non-zero input. */
    public boolean rangeError;

    /** Mantissas up to 2^53 convert to double exactly. */
    private static final long EXACT_MANTISSA = 1L << 53;
    /** Past this the mantissa could overflow a long on the next digit; it is then marked too big. */
    private static final long EXACT_LIMIT = Long.MAX_VALUE / 10 - 10;
    /** 10^0..10^22: the powers of ten a double holds exactly. */
    private static final double[] EXACT_POWERS = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };

    /** Reads {@code b[from..to)}. */
    public StrToD parse(byte[] b, int from, int to) {
        value = 0;
        end = from;
        rangeError = false;
        int i = from;
        while (i < to && isSpace(b[i])) {
            i++;
        }
        boolean negative = false;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        if (matches(b, i, to, "infinity")) {
            set(negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, i + 8);
        } else if (matches(b, i, to, "inf")) {
            set(negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, i + 3);
        } else if (matches(b, i, to, "nan")) {
            int e = i + 3;
            if (e < to && b[e] == '(') {
                int j = e + 1;
                while (j < to && (Character.isLetterOrDigit(b[j]) || b[j] == '_')) {
                    j++;
                }
                if (j < to && b[j] == ')') {
                    e = j + 1;
                }
            }
            set(Double.NaN, e);
        } else if (i + 1 < to && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X') && hexStart(b, i + 2, to)) {
            parseHex(b, i + 2, to, negative);
        } else {
            parseDecimal(b, i, to, negative);
        }
        return this;
    }

    private void set(double v, int e) {
        value = v;
        end = e;
    }

    private void parseDecimal(byte[] b, int start, int to, boolean negative) {
        int i = start;
        int digits = 0;
        boolean nonZero = false;
        long mantissa = 0;
        int fractionDigits = 0;
        while (i < to && isDigit(b[i])) {
            nonZero |= b[i] != '0';
            mantissa = mantissa < EXACT_LIMIT ? mantissa * 10 + (b[i] - '0') : Long.MAX_VALUE;
            i++;
            digits++;
        }
        if (i < to && b[i] == '.') {
            i++;
            while (i < to && isDigit(b[i])) {
                nonZero |= b[i] != '0';
                mantissa = mantissa < EXACT_LIMIT ? mantissa * 10 + (b[i] - '0') : Long.MAX_VALUE;
                i++;
                digits++;
                fractionDigits++;
            }
        }
        if (digits == 0) {
            return; // nothing read: end stays at the start of the whole input
        }
        if (mantissa <= EXACT_MANTISSA && fractionDigits < EXACT_POWERS.length && (i == to || (b[i] != 'e' && b[i] != 'E'))) {
            // both operands are exact doubles, so one correctly rounded division gives the
            // correctly rounded value, as strtod would (Clinger's fast path)
            double v = fractionDigits == 0 ? mantissa : mantissa / EXACT_POWERS[fractionDigits];
            set(negative ? -v : v, i);
            return;
        }
        int mantissaEnd = i;
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            i = exponentEnd(b, i, to);
        }
        String text = new String(b, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (mantissaEnd - start > 0 && text.startsWith(".")) {
            text = "0" + text;
        }
        double v = Double.parseDouble(text);
        rangeError = Double.isInfinite(v) || (v == 0 && nonZero);
        set(negative ? -v : v, i);
    }

    private void parseHex(byte[] b, int start, int to, boolean negative) {
        int i = start;
        StringBuilder sb = new StringBuilder("0x");
        boolean nonZero = false;
        while (i < to && hexDigit(b[i]) >= 0) {
            nonZero |= b[i] != '0';
            sb.append((char) b[i++]);
        }
        if (i < to && b[i] == '.') {
            sb.append('.');
            i++;
            while (i < to && hexDigit(b[i]) >= 0) {
                nonZero |= b[i] != '0';
                sb.append((char) b[i++]);
            }
        }
        String exp = "p0";
        if (i < to && (b[i] == 'p' || b[i] == 'P')) {
            int end = exponentEnd(b, i, to);
            if (end > i) {
                exp = "p" + new String(b, i + 1, end - i - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
                i = end;
            }
        }
        double v;
        try {
            v = Double.parseDouble(sb.append(exp).toString());
        } catch (NumberFormatException e) {
            v = Double.POSITIVE_INFINITY; // exponent beyond int range
        }
        rangeError = Double.isInfinite(v) || (v == 0 && nonZero);
        set(negative ? -v : v, i);
    }

    /**
     * The end of the exponent whose marker ('e' or 'p') is at {@code marker}: an optional sign and
     * at least one digit; {@code marker} itself when no digit follows, as the marker is then not
     * part of the number.
     */
    private static int exponentEnd(byte[] b, int marker, int to) {
        int j = marker + 1;
        if (j < to && (b[j] == '+' || b[j] == '-')) {
            j++;
        }
        if (j == to || !isDigit(b[j])) {
            return marker;
        }
        while (j < to && isDigit(b[j])) {
            j++;
        }
        return j;
    }

    private static boolean hexStart(byte[] b, int i, int to) {
        if (i < to && hexDigit(b[i]) >= 0) {
            return true;
        }
        return i + 1 < to && b[i] == '.' && hexDigit(b[i + 1]) >= 0;
    }

    private static boolean matches(byte[] b, int i, int to, String word) {
        if (to - i < word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            int c = b[i + k];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    public static boolean isSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static int hexDigit(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
