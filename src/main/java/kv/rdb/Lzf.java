package kv.rdb;

import java.util.Arrays;

/**
 * LZF, the compression of RDB strings: a stream of literal runs (control byte {@code 0..31}: that
 * many plus one literal bytes follow) and back references (top 3 bits: length - 2, 7 meaning an
 * extra length byte follows; low 5 bits and the next byte: distance - 1, at most 8191).
 */
public final class Lzf {
    private static final int MAX_OFFSET = 1 << 13;
    private static final int MAX_REF = (1 << 8) + (1 << 3);
    private static final int MAX_LITERAL = 1 << 5;
    private static final int HASH_LOG = 16;
    private static final ThreadLocal<Compressor> COMPRESSORS = ThreadLocal.withInitial(Compressor::new);

    private Lzf() {
    }

    /** Decompresses {@code in} into exactly {@code outLen} bytes; null if the data is malformed. */
    public static byte[] decompress(byte[] in, int outLen) {
        byte[] out = new byte[outLen];
        int ip = 0;
        int op = 0;
        while (ip < in.length) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int run = ctrl + 1;
                if (op + run > outLen || ip + run > in.length) {
                    return null;
                }
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
                continue;
            }
            int len = ctrl >>> 5;
            if (len == 7) {
                if (ip >= in.length) {
                    return null;
                }
                len += in[ip++] & 0xff;
            }
            if (ip >= in.length) {
                return null;
            }
            int ref = op - ((ctrl & 0x1f) << 8) - (in[ip++] & 0xff) - 1;
            len += 2;
            if (ref < 0 || op + len > outLen) {
                return null;
            }
            // byte by byte: a reference may overlap the bytes it produces
            for (int i = 0; i < len; i++) {
                out[op++] = out[ref++];
            }
        }
        return op == outLen ? out : null;
    }

    /**
     * Compresses {@code in} into at most {@code maxOut} bytes, or returns null (then the caller
     * stores the string as it is). The same greedy parse as the reference implementation Redis
     * links (16-bit hash of the next three bytes, the two positions after a match re-hashed), so
     * the output matches Redis' byte for byte.
     */
    public static byte[] compress(byte[] in, int maxOut) {
        int n = in.length;
        if (n == 0 || maxOut <= 0) {
            return null;
        }
        return COMPRESSORS.get().compress(in, n, maxOut);
    }

    /**
     * One thread's reusable state: the 64Ki-entry hash table (256 KiB, too much to allocate and
     * clear per string: a SAVE compresses every string over 20 bytes) and an output buffer.
     * Instead of clearing, the table holds positions offset by {@code base}, which moves past each
     * input; an entry below the current base (left by an earlier input) reads as empty, so the
     * output is the same as with a cleared table.
     */
    static final class Compressor {
        private static final int KEPT_OUTPUT = 1 << 16;
        private final int[] table = new int[1 << HASH_LOG];
        private int base;
        private byte[] out = new byte[64];

        Compressor() {
        }

        /** A compressor whose positions start at {@code base} (tests: the wrap-around). */
        Compressor(int base) {
            this.base = base;
        }

        byte[] compress(byte[] in, int n, int maxOut) {
            if (base > Integer.MAX_VALUE - n - 1) {
                Arrays.fill(table, 0);
                base = 0;
            }
            try {
                return run(in, n, maxOut);
            } finally {
                base += n;
            }
        }

        /** Output space: the kept buffer, grown up to {@link #KEPT_OUTPUT}; beyond it a one-off array. */
        private byte[] buffer(int size) {
            if (size > KEPT_OUTPUT) {
                return new byte[size];
            }
            if (out.length < size) {
                out = new byte[Math.min(KEPT_OUTPUT, Math.max(size, out.length * 2))];
            }
            return out;
        }

        private byte[] run(byte[] in, int n, int maxOut) {
            byte[] out = buffer(maxOut + 8);
            int[] table = this.table;
            int base = this.base;
            int outEnd = maxOut;
            int ip = 0;
            int op = 1; // the first literal run's control byte goes at 0
            int lit = 0;
            int hval = first(in, ip);
            while (ip < n - 2) {
                hval = next(hval, in, ip);
                int slot = index(hval);
                int ref = table[slot] - base; // <= 0: empty (position 0 is never a reference)
                table[slot] = base + ip;
                int off = ip - ref - 1;
                if (ref > 0 && off < MAX_OFFSET && in[ref + 2] == in[ip + 2] && in[ref] == in[ip] && in[ref + 1] == in[ip + 1]) {
                    int maxlen = Math.min(n - ip - 2, MAX_REF);
                    if (op + 3 + 1 >= outEnd && op - (lit == 0 ? 1 : 0) + 3 + 1 >= outEnd) {
                        return null;
                    }
                    out[op - lit - 1] = (byte) (lit - 1);
                    op -= lit == 0 ? 1 : 0;
                    int len = matchLength(in, ref, ip, maxlen);
                    len -= 2;
                    ip++;
                    if (len < 7) {
                        out[op++] = (byte) ((off >>> 8) + (len << 5));
                    } else {
                        out[op++] = (byte) ((off >>> 8) + (7 << 5));
                        out[op++] = (byte) (len - 7);
                    }
                    out[op++] = (byte) off;
                    lit = 0;
                    op++;
                    ip += len + 1;
                    if (ip >= n - 2) {
                        break;
                    }
                    ip -= 2;
                    hval = first(in, ip);
                    for (int k = 0; k < 2; k++) {
                        hval = next(hval, in, ip);
                        table[index(hval)] = base + ip;
                        ip++;
                    }
                } else {
                    if (op >= outEnd) {
                        return null;
                    }
                    op = literal(out, op, lit, in[ip++]);
                    lit = (lit + 1) & (MAX_LITERAL - 1);
                }
            }
            if (op + 3 > outEnd) {
                return null;
            }
            while (ip < n) {
                op = literal(out, op, lit, in[ip++]);
                lit = (lit + 1) & (MAX_LITERAL - 1);
            }
            out[op - lit - 1] = (byte) (lit - 1);
            op -= lit == 0 ? 1 : 0;
            return Arrays.copyOf(out, op);
        }
    }

    /**
     * Appends {@code b} to the literal run at {@code op} that holds {@code lit} bytes so far; a run that
     * reaches {@link #MAX_LITERAL} gets its control byte and the next run's is reserved. Returns the new op.
     */
    private static int literal(byte[] out, int op, int lit, byte b) {
        out[op++] = b;
        if (lit + 1 == MAX_LITERAL) {
            out[op - MAX_LITERAL - 1] = (byte) (MAX_LITERAL - 1);
            op++;
        }
        return op;
    }

    /** Length of the match at {@code ip} (3 bytes known equal), scanned as the reference does. */
    private static int matchLength(byte[] in, int ref, int ip, int maxlen) {
        int len = 2;
        if (maxlen > 16) {
            for (int k = 0; k < 16; k++) {
                len++;
                if (in[ref + len] != in[ip + len]) {
                    return len;
                }
            }
        }
        do {
            len++;
        } while (len < maxlen && in[ref + len] == in[ip + len]);
        return len;
    }

    private static int first(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (i + 1 < b.length ? b[i + 1] & 0xff : 0);
    }

    private static int next(int v, byte[] b, int i) {
        return (v << 8) | (b[i + 2] & 0xff);
    }

    private static int index(int h) {
        return ((h >>> (3 * 8 - HASH_LOG)) - h * 5) & ((1 << HASH_LOG) - 1);
    }
}
