package kv.rdb;

import java.util.Arrays;

import kv.util.Numbers;

/**
 * Redis' listpack format: a 6-byte header (total bytes, element count), the entries (an encoding
 * byte and data, then the entry's length written backwards), and an 0xFF terminator. Integers are
 * packed in 7, 13, 16, 24, 32 or 64 bits; strings have 6-, 12- or 32-bit lengths.
 */
final class Listpack {
    private static final int HEADER = 6;
    private static final int EOF = 0xFF;

    private Listpack() {
    }

    /** Receives each element: a string slice, or an integer (then {@code buf} is null). */
    interface Visitor {
        void element(byte[] buf, int off, int len, long value) throws RdbException;
    }

    /** Element values as byte arrays (integers as their decimal text). */
    static java.util.List<byte[]> elements(byte[] lp) throws RdbException {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        forEach(lp, (b, off, len, v) -> out.add(b == null ? Numbers.toBytes(v) : Arrays.copyOfRange(b, off, off + len)));
        return out;
    }

    /** Walks the entries, checking every length against the blob; throws on anything malformed. */
    static void forEach(byte[] lp, Visitor v) throws RdbException {
        if (lp.length < HEADER + 1) {
            throw bad("listpack shorter than its header");
        }
        long total = le(lp, 0, 4);
        if (total != lp.length) {
            throw bad("listpack size mismatch");
        }
        int declared = (int) le(lp, 4, 2);
        int count = 0;
        int p = HEADER;
        while (true) {
            if (p >= lp.length) {
                throw bad("listpack without terminator");
            }
            int b = lp[p] & 0xff;
            if (b == EOF) {
                break;
            }
            int start = p;
            if ((b & 0x80) == 0) {
                v.element(null, 0, 0, b & 0x7f);
                p += 1;
            } else if ((b & 0xC0) == 0x80) {
                int len = b & 0x3f;
                check(lp, p + 1 + len);
                v.element(lp, p + 1, len, 0);
                p += 1 + len;
            } else if ((b & 0xE0) == 0xC0) {
                check(lp, p + 2);
                int u = ((b & 0x1f) << 8) | (lp[p + 1] & 0xff);
                v.element(null, 0, 0, (u << 19) >> 19);
                p += 2;
            } else if ((b & 0xF0) == 0xE0) {
                check(lp, p + 2);
                int len = ((b & 0x0f) << 8) | (lp[p + 1] & 0xff);
                check(lp, p + 2 + len);
                v.element(lp, p + 2, len, 0);
                p += 2 + len;
            } else if (b == 0xF0) {
                check(lp, p + 5);
                long len = le(lp, p + 1, 4);
                check(lp, p + 5 + len);
                v.element(lp, p + 5, (int) len, 0);
                p += 5 + (int) len;
            } else if (b >= 0xF1 && b <= 0xF4) {
                int width = b == 0xF1 ? 2 : b == 0xF2 ? 3 : b == 0xF3 ? 4 : 8;
                check(lp, p + 1 + width);
                long raw = le(lp, p + 1, width);
                int shift = 64 - 8 * width;
                v.element(null, 0, 0, (raw << shift) >> shift);
                p += 1 + width;
            } else {
                throw bad("listpack entry with invalid encoding " + b);
            }
            int entryLen = p - start;
            int back = backlenSize(entryLen);
            check(lp, p + back);
            p += back;
            count++;
        }
        if (p != lp.length - 1) {
            throw bad("listpack has bytes after its terminator");
        }
        if (declared != 0xFFFF && declared != count) {
            throw bad("listpack element count mismatch");
        }
    }

    private static RdbException bad(String reason) {
        return new RdbException(reason, -1);
    }

    private static void check(byte[] lp, long end) throws RdbException {
        if (end > lp.length - 1) {
            throw bad("listpack entry overruns the blob");
        }
    }

    private static long le(byte[] b, int off, int width) {
        long v = 0;
        for (int i = 0; i < width; i++) {
            v |= (long) (b[off + i] & 0xff) << (8 * i);
        }
        return v;
    }

    static int backlenSize(int l) {
        if (l <= 127) {
            return 1;
        }
        if (l < 16383) {
            return 2;
        }
        if (l < 2097151) {
            return 3;
        }
        if (l < 268435455) {
            return 4;
        }
        return 5;
    }

    /** Builds a listpack by appending elements, encoded as Redis encodes them. */
    static final class Builder {
        private byte[] buf = new byte[64];
        private int len = HEADER;
        private int count;

        Builder add(byte[] b) {
            return add(b, 0, b.length);
        }

        Builder add(byte[] b, int off, int n) {
            if (n > 0 && n <= 20 && Numbers.isLong(b, off, n)) {
                return add(Numbers.parseLong(b, off, n));
            }
            int start = len;
            if (n < 64) {
                ensure(1 + n + 5);
                buf[len++] = (byte) (0x80 | n);
            } else if (n < 4096) {
                ensure(2 + n + 5);
                buf[len++] = (byte) (0xE0 | (n >> 8));
                buf[len++] = (byte) n;
            } else {
                ensure(5 + n + 5);
                buf[len++] = (byte) 0xF0;
                putLe(n, 4);
            }
            System.arraycopy(b, off, buf, len, n);
            len += n;
            backlen(len - start);
            return this;
        }

        Builder add(long v) {
            ensure(9 + 5);
            int start = len;
            if (v >= 0 && v <= 127) {
                buf[len++] = (byte) v;
            } else if (v >= -4096 && v <= 4095) {
                long u = v & 0x1fff;
                buf[len++] = (byte) (0xC0 | (u >> 8));
                buf[len++] = (byte) u;
            } else if (v >= -32768 && v <= 32767) {
                buf[len++] = (byte) 0xF1;
                putLe(v, 2);
            } else if (v >= -8388608 && v <= 8388607) {
                buf[len++] = (byte) 0xF2;
                putLe(v, 3);
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                buf[len++] = (byte) 0xF3;
                putLe(v, 4);
            } else {
                buf[len++] = (byte) 0xF4;
                putLe(v, 8);
            }
            backlen(len - start);
            return this;
        }

        private void backlen(int l) {
            int n = backlenSize(l);
            // most significant group first; every byte after the first has its high bit set
            for (int i = n - 1; i >= 0; i--) {
                int group = (int) ((l >>> (7 * i)) & 127);
                buf[len++] = (byte) (i == n - 1 ? group : group | 128);
            }
            count++;
        }

        private void putLe(long v, int width) {
            for (int i = 0; i < width; i++) {
                buf[len++] = (byte) (v >>> (8 * i));
            }
        }

        private void ensure(int extra) {
            if (len + extra + 1 > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra + 1));
            }
        }

        int count() {
            return count;
        }

        /** The listpack's size in bytes so far, terminator included. */
        int bytes() {
            return len + 1;
        }

        byte[] build() {
            ensure(1);
            buf[len++] = (byte) EOF;
            byte[] out = Arrays.copyOf(buf, len);
            len--;
            long total = out.length;
            for (int i = 0; i < 4; i++) {
                out[i] = (byte) (total >>> (8 * i));
            }
            int c = Math.min(count, 0xFFFF);
            out[4] = (byte) c;
            out[5] = (byte) (c >>> 8);
            return out;
        }
    }
}
