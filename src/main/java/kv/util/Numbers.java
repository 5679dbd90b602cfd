package kv.util;

import io.netty.buffer.ByteBuf;

/** Integer parsing and printing on bytes, with Redis's strict rules (string2ll). */
public final class Numbers {
    /** Sentinel-free parse result holder is avoided: callers check {@link #isLong} first or catch. */
    private Numbers() {
    }

    /**
     * True if {@code b} is the canonical decimal form of a signed 64-bit integer: optional '-', no
     * '+', no leading zeros, no spaces, not "-0". This is the form Redis stores as an integer.
     */
    public static boolean isLong(byte[] b, int off, int len) {
        if (len == 0 || len > 20) {
            return false;
        }
        int i = off;
        int end = off + len;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
            if (i == end) {
                return false;
            }
        }
        if (b[i] == '0') {
            return i + 1 == end && !negative;
        }
        if (end - i <= 18) {
            // up to 18 digits cannot overflow: only the digits need checking (the common case:
            // every bulk length header and most integer values)
            for (; i < end; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    return false;
                }
            }
            return true;
        }
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long acc = 0; // accumulate negatively so MIN_VALUE fits
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (acc < (limit + d) / 10 || acc * 10 < limit + d) {
                return false;
            }
            acc = acc * 10 - d;
        }
        return true;
    }

    public static boolean isLong(byte[] b) {
        return isLong(b, 0, b.length);
    }

    /** Parses a value accepted by {@link #isLong}; throws NumberFormatException otherwise. */
    public static long parseLong(byte[] b, int off, int len) {
        if (!isLong(b, off, len)) {
            throw new NumberFormatException();
        }
        int i = off;
        int end = off + len;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        long acc = 0;
        for (; i < end; i++) {
            acc = acc * 10 - (b[i] - '0');
        }
        return negative ? acc : -acc;
    }

    public static long parseLong(byte[] b) {
        return parseLong(b, 0, b.length);
    }

    /** Number of bytes of the decimal form of {@code v}, sign included. */
    public static int digits(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int sign = 0;
        if (v < 0) {
            sign = 1;
            v = -v;
        }
        // powers of ten by multiplication: no division per digit
        int n = 1;
        long p = 10;
        while (n < 19 && v >= p) {
            p *= 10;
            n++;
        }
        return sign + n;
    }

    /**
     * The decimal digits of {@code 0 <= v < 10^8} as ASCII in the low {@link #digits(long) digits(v)} bytes
     * of a long, the first digit in the highest of them: shifted into place, one store writes them.
     */
    public static long asciiWord(long v) {
        long word = 0;
        int shift = 0;
        long x = v;
        do {
            word |= ('0' + x % 10) << shift;
            x /= 10;
            shift += 8;
        } while (x != 0);
        return word;
    }

    public static void writeAscii(ByteBuf out, long v) {
        if (v >= 0 && v < 10) {
            out.writeByte('0' + (int) v);
            return;
        }
        if (v > 0 && v < 100_000_000L && out.writableBytes() >= 8) {
            // up to 8 digits: built in one long and stored at once (big-endian: the first digit in
            // the first byte); the bytes past the last digit are beyond the writer index
            int n = digits(v);
            int w = out.writerIndex();
            out.setLong(w, asciiWord(v) << 8 * (8 - n));
            out.writerIndex(w + n);
            return;
        }
        int n = digits(v);
        int start = out.writerIndex();
        out.ensureWritable(n);
        int pos = start + n - 1;
        boolean negative = v < 0;
        // work with negative numbers so Long.MIN_VALUE needs no special case
        long x = negative ? v : -v;
        while (x <= -10) {
            out.setByte(pos--, (int) ('0' - x % 10));
            x /= 10;
        }
        out.setByte(pos--, (int) ('0' - x));
        if (negative) {
            out.setByte(pos, '-');
        }
        out.writerIndex(start + n);
    }

    public static byte[] toBytes(long v) {
        int n = digits(v);
        byte[] b = new byte[n];
        int pos = n - 1;
        boolean negative = v < 0;
        long x = negative ? v : -v;
        while (x <= -10) {
            b[pos--] = (byte) ('0' - x % 10);
            x /= 10;
        }
        b[pos--] = (byte) ('0' - x);
        if (negative) {
            b[pos] = '-';
        }
        return b;
    }
}
