package kv.rdb;

import java.util.Arrays;

import kv.util.Numbers;

/** Writes RDB primitives into a growable byte buffer (a DUMP payload, or a slice of a file). */
final class RdbOutput {
    private byte[] buf;
    private int len;
    private final boolean compress;

    RdbOutput(int capacity, boolean compress) {
        buf = new byte[Math.max(16, capacity)];
        this.compress = compress;
    }

    int size() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    void reset() {
        len = 0;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    /** The key {@link #type} writes right after the next type byte (an RDB entry is type, key, value). */
    private byte[] pendingKey;

    void keyAfterType(byte[] key) {
        pendingKey = key;
    }

    /** A value's type byte, followed by the pending key if any. */
    void type(int t) {
        u8(t);
        if (pendingKey != null) {
            byte[] k = pendingKey;
            pendingKey = null;
            string(k);
        }
    }

    void u8(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    void raw(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    void raw(byte[] b) {
        raw(b, 0, b.length);
    }

    void le(long v, int width) {
        ensure(width);
        for (int i = 0; i < width; i++) {
            buf[len++] = (byte) (v >>> (8 * i));
        }
    }

    void be(long v, int width) {
        ensure(width);
        for (int i = width - 1; i >= 0; i--) {
            buf[len++] = (byte) (v >>> (8 * i));
        }
    }

    /** A length, unsigned: -1 (a stream group's unknown entries-read) is written as 2^64 - 1, as Redis does. */
    void length(long n) {
        if (n < 0) {
            u8(RdbInput.LEN_64);
            be(n, 8);
        } else if (n < (1 << 6)) {
            u8((int) n);
        } else if (n < (1 << 14)) {
            u8((int) ((n >> 8) | 0x40));
            u8((int) (n & 0xff));
        } else if (n <= 0xFFFF_FFFFL) {
            u8(RdbInput.LEN_32);
            be(n, 4);
        } else {
            u8(RdbInput.LEN_64);
            be(n, 8);
        }
    }

    /** An integer as a string: INT8/16/32 when it fits, else its decimal text. */
    void longString(long v) {
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            u8(0xC0 | RdbInput.ENC_INT8);
            le(v, 1);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            u8(0xC0 | RdbInput.ENC_INT16);
            le(v, 2);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            u8(0xC0 | RdbInput.ENC_INT32);
            le(v, 4);
        } else {
            byte[] text = Numbers.toBytes(v);
            length(text.length);
            raw(text);
        }
    }

    void string(byte[] b) {
        string(b, 0, b.length);
    }

    /**
     * A string as Redis saves it (rdbSaveRawString): short canonical integers as integers, strings
     * over 20 bytes LZF-compressed when that saves at least 4 bytes (rdbcompression yes), else plain.
     */
    void string(byte[] b, int off, int n) {
        if (n <= 11 && n > 0 && Numbers.isLong(b, off, n)) {
            long v = Numbers.parseLong(b, off, n);
            // only the canonical text is stored as an integer: it must read back byte for byte
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE && Numbers.digits(v) == n) {
                longString(v);
                return;
            }
        }
        if (compress && n > 20) {
            byte[] in = off == 0 && n == b.length ? b : Arrays.copyOfRange(b, off, off + n);
            byte[] c = Lzf.compress(in, n - 4);
            if (c != null) {
                u8(0xC0 | RdbInput.ENC_LZF);
                length(c.length);
                length(n);
                raw(c);
                return;
            }
        }
        length(n);
        raw(b, off, n);
    }

    void binaryDouble(double d) {
        le(Double.doubleToRawLongBits(d), 8);
    }
}
