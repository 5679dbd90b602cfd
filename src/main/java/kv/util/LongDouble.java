package kv.util;

import java.math.BigInteger;

/**
 * The C {@code long double} arithmetic Redis uses for INCRBYFLOAT and HINCRBYFLOAT, emulated
 * exactly: x87 80-bit extended precision (64-bit mantissa, exponents down to 2^-16445 with
 * denormals, overflow past 2^16384), round-half-even. A value is {@code mantissa * 2^exponent}
 * with {@code |mantissa| < 2^64}.
 *
 * <p>{@link #parse} follows Redis' {@code string2ld}: glibc {@code strtold} (decimal, hex floats,
 * inf/infinity; correctly rounded), rejecting leading spaces, trailing garbage (NUL bytes included),
 * NaN, overflow and underflow to zero. {@link #toHumanBytes} is {@code ld2string(..., LD_STR_HUMAN)}: {@code %.17Lf}
 * (correctly rounded from the exact binary value, ties to even), trailing zeros and '.' stripped,
 * "-0" printed as "0".
 */
public final class LongDouble {
    /** Redis' MAX_LONG_DOUBLE_CHARS: strings this long or longer are not floats. */
    public static final int MAX_CHARS = 5 * 1024;

    private static final int MANTISSA_BITS = 64;
    /** Exponent of the smallest denormal, 2^-16445. */
    private static final int MIN_EXPONENT = -16445;
    /** Values at or above 2^16384 overflow. */
    private static final int MAX_BIT = 16384;
    private static final BigInteger TEN_17 = BigInteger.TEN.pow(17);

    /** +Infinity or -Infinity (only from parsing "inf"): any sum with it is an error for Redis. */
    private final boolean infinite;
    private final BigInteger mantissa;
    private final int exponent;

    private LongDouble(BigInteger mantissa, int exponent, boolean infinite) {
        this.mantissa = mantissa;
        this.exponent = exponent;
        this.infinite = infinite;
    }

    private static final LongDouble INFINITY = new LongDouble(BigInteger.ZERO, 0, true);
    private static final LongDouble ZERO = new LongDouble(BigInteger.ZERO, 0, false);

    /** The exact value of a 64-bit integer (a long double holds every long exactly). */
    public static LongDouble of(long v) {
        return new LongDouble(BigInteger.valueOf(v), 0, false);
    }

    /** False for infinities (and for what would have been NaN). */
    public boolean isFinite() {
        return !infinite;
    }

    /** The sum rounded to long double; not finite if it overflows or an operand is infinite. */
    public LongDouble add(LongDouble o) {
        if (infinite || o.infinite) {
            return INFINITY; // inf + x, inf + -inf (NaN): both are refused the same way
        }
        int e = Math.min(exponent, o.exponent);
        BigInteger sum = mantissa.shiftLeft(exponent - e).add(o.mantissa.shiftLeft(o.exponent - e));
        return round(sum, false, e);
    }

    /**
     * Rounds {@code q * 2^e} (plus a sticky non-zero tail below its last bit when {@code sticky})
     * to 64 significant bits, denormals and overflow included.
     */
    private static LongDouble round(BigInteger q, boolean sticky, int e) {
        int sign = q.signum();
        if (sign == 0) {
            return ZERO;
        }
        BigInteger mag = q.abs();
        int shift = Math.max(mag.bitLength() - MANTISSA_BITS, MIN_EXPONENT - e);
        if (shift > 0) {
            BigInteger kept = mag.shiftRight(shift);
            int cmp = compareDroppedToHalf(mag, shift, sticky);
            if (cmp > 0 || (cmp == 0 && kept.testBit(0))) {
                kept = kept.add(BigInteger.ONE);
            }
            e += shift;
            if (kept.bitLength() > MANTISSA_BITS) {
                kept = kept.shiftRight(1);
                e++;
            }
            mag = kept;
        }
        if (mag.signum() == 0) {
            return ZERO;
        }
        if ((long) mag.bitLength() + e > MAX_BIT) {
            return INFINITY;
        }
        return new LongDouble(sign < 0 ? mag.negate() : mag, e, false);
    }

    /** Compares the low {@code shift} bits of {@code mag} (plus sticky) with half their weight. */
    private static int compareDroppedToHalf(BigInteger mag, int shift, boolean sticky) {
        if (!mag.testBit(shift - 1)) {
            return -1;
        }
        // the half bit is set: above half if any lower bit (or the sticky tail) is set
        if (sticky || mag.getLowestSetBit() < shift - 1) {
            return 1;
        }
        return 0;
    }

    /** Rounds the positive rational {@code num / den} to a long double (signed by {@code negative}). */
    private static LongDouble roundRational(BigInteger num, BigInteger den, boolean negative) {
        // scale so the integer quotient has at least 66 bits; the remainder becomes the sticky bit
        int e = num.bitLength() - den.bitLength() - MANTISSA_BITS - 2;
        BigInteger n = e >= 0 ? num : num.shiftLeft(-e);
        BigInteger d = e >= 0 ? den.shiftLeft(e) : den;
        BigInteger[] qr = n.divideAndRemainder(d);
        BigInteger q = negative ? qr[0].negate() : qr[0];
        return round(q, qr[1].signum() != 0, e);
    }

    /** Parses like Redis' string2ld; null if the bytes are not a valid float for Redis. */
    public static LongDouble parse(byte[] b) {
        return parse(b, 0, b.length);
    }

    public static LongDouble parse(byte[] b, int off, int len) {
        if (len == 0 || len >= MAX_CHARS) {
            return null;
        }
        // strtold must consume every byte: an embedded NUL ends the C string early, which is refused
        int end = off + len;
        if (isSpace(b[off])) {
            return null;
        }
        int i = off;
        boolean negative = false;
        if (b[i] == '+' || b[i] == '-') {
            negative = b[i] == '-';
            i++;
        }
        if (i < end && (b[i] | 0x20) == 'i') {
            return matchesIgnoreCase(b, i, end, "inf") || matchesIgnoreCase(b, i, end, "infinity") ? INFINITY : null;
        }
        if (i + 1 < end && b[i] == '0' && (b[i + 1] | 0x20) == 'x' && hasHexMantissa(b, i + 2, end)) {
            return parseHex(b, i + 2, end, negative);
        }
        return parseDecimal(b, i, end, negative);
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    private static boolean matchesIgnoreCase(byte[] b, int from, int end, String word) {
        if (end - from != word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if ((b[from + k] | 0x20) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static int hexDigit(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int l = c | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    private static boolean hasHexMantissa(byte[] b, int i, int end) {
        if (i < end && hexDigit(b[i]) >= 0) {
            return true;
        }
        return i + 1 < end && b[i] == '.' && hexDigit(b[i + 1]) >= 0;
    }

    private static LongDouble parseDecimal(byte[] b, int i, int end, boolean negative) {
        StringBuilder digits = new StringBuilder();
        int fraction = 0;
        int mantissaDigits = 0;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            digits.append((char) b[i++]);
            mantissaDigits++;
        }
        if (i < end && b[i] == '.') {
            i++;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                digits.append((char) b[i++]);
                fraction++;
                mantissaDigits++;
            }
        }
        if (mantissaDigits == 0) {
            return null;
        }
        long exp10 = 0;
        long[] exponent = exponent(b, i, end, 'e');
        if (exponent != null) {
            exp10 = exponent[0];
            i = (int) exponent[1];
        }
        if (i != end) {
            return null;
        }
        BigInteger mantissa = new BigInteger(digits.toString());
        if (mantissa.signum() == 0) {
            return ZERO;
        }
        long scale10 = exp10 - fraction;
        // decimal magnitude: value < 10^magnitude
        long magnitude = mantissa.toString().length() + scale10;
        if (magnitude > 4934) {
            return null; // overflow: HUGE_VALL with ERANGE
        }
        if (magnitude < -4952) {
            return null; // underflow to zero with ERANGE
        }
        BigInteger num = scale10 >= 0 ? mantissa.multiply(BigInteger.TEN.pow((int) scale10)) : mantissa;
        BigInteger den = scale10 >= 0 ? BigInteger.ONE : BigInteger.TEN.pow((int) -scale10);
        return finiteOrNull(roundRational(num, den, negative));
    }

    private static LongDouble parseHex(byte[] b, int i, int end, boolean negative) {
        BigInteger mantissa = BigInteger.ZERO;
        long exp2 = 0;
        while (i < end && hexDigit(b[i]) >= 0) {
            mantissa = mantissa.shiftLeft(4).or(BigInteger.valueOf(hexDigit(b[i++])));
        }
        if (i < end && b[i] == '.') {
            i++;
            while (i < end && hexDigit(b[i]) >= 0) {
                mantissa = mantissa.shiftLeft(4).or(BigInteger.valueOf(hexDigit(b[i++])));
                exp2 -= 4;
            }
        }
        long[] exponent = exponent(b, i, end, 'p');
        if (exponent != null) {
            exp2 += exponent[0];
            i = (int) exponent[1];
        }
        if (i != end) {
            return null;
        }
        if (mantissa.signum() == 0) {
            return ZERO;
        }
        long magnitude = mantissa.bitLength() + exp2;
        if (magnitude > MAX_BIT) {
            return null;
        }
        if (magnitude < MIN_EXPONENT - 1) {
            return null;
        }
        BigInteger q = negative ? mantissa.negate() : mantissa;
        return finiteOrNull(round(q, false, (int) exp2));
    }

    /**
     * An exponent part at {@code i} introduced by {@code marker} ('e' or 'p', any case): returns
     * {value, index after it}, or null when there is none. Like strtold, a marker without digits
     * is not consumed (the caller then sees trailing bytes). Huge exponents saturate.
     */
    private static long[] exponent(byte[] b, int i, int end, char marker) {
        if (i >= end || (b[i] | 0x20) != marker) {
            return null;
        }
        int j = i + 1;
        boolean negative = false;
        if (j < end && (b[j] == '+' || b[j] == '-')) {
            negative = b[j] == '-';
            j++;
        }
        if (j >= end || b[j] < '0' || b[j] > '9') {
            return null;
        }
        long value = 0;
        while (j < end && b[j] >= '0' && b[j] <= '9') {
            if (value < 1_000_000_000L) {
                value = value * 10 + (b[j] - '0');
            }
            j++;
        }
        return new long[] {negative ? -value : value, j};
    }

    /** Overflow (HUGE_VALL) and underflow to zero set ERANGE, which string2ld refuses. */
    private static LongDouble finiteOrNull(LongDouble v) {
        return v.infinite || v.mantissa.signum() == 0 ? null : v;
    }

    /** {@code %.17Lf} with trailing zeros (and a trailing '.') removed, "-0" as "0". */
    public byte[] toHumanBytes() {
        if (infinite) {
            throw new IllegalStateException("not finite");
        }
        BigInteger mag = mantissa.abs();
        BigInteger scaled; // the value times 10^17, rounded half-even
        if (exponent >= 0) {
            scaled = mag.shiftLeft(exponent).multiply(TEN_17);
        } else {
            BigInteger n = mag.multiply(TEN_17);
            int shift = -exponent;
            scaled = n.shiftRight(shift);
            int cmp = compareDroppedToHalf(n, shift, false);
            if (cmp > 0 || (cmp == 0 && scaled.testBit(0))) {
                scaled = scaled.add(BigInteger.ONE);
            }
        }
        if (scaled.signum() == 0) {
            return new byte[] {'0'};
        }
        String digits = scaled.toString();
        StringBuilder sb = new StringBuilder(digits.length() + 3);
        if (mantissa.signum() < 0) {
            sb.append('-');
        }
        if (digits.length() <= 17) {
            sb.append("0.");
            for (int k = digits.length(); k < 17; k++) {
                sb.append('0');
            }
            sb.append(digits);
        } else {
            sb.append(digits, 0, digits.length() - 17).append('.').append(digits, digits.length() - 17, digits.length());
        }
        int l = sb.length();
        while (sb.charAt(l - 1) == '0') {
            l--;
        }
        if (sb.charAt(l - 1) == '.') {
            l--;
        }
        byte[] out = new byte[l];
        for (int k = 0; k < l; k++) {
            out[k] = (byte) sb.charAt(k);
        }
        return out;
    }

    @Override
    public String toString() {
        return infinite ? "inf" : mantissa + "*2^" + exponent;
    }
}
