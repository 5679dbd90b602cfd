package kv.rdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import kv.util.Numbers;

/**
 * Decoders of the packed forms older Redis versions wrote: ziplist (lists, hashes and sorted sets
 * before 7.0), zipmap (hashes before 2.6) and intset (integer sets, still written by 7.x).
 */
final class LegacyPacked {
    private LegacyPacked() {
    }

    private static RdbException bad(String reason) {
        return new RdbException(reason, -1);
    }

    private static long le(byte[] b, int off, int width) throws RdbException {
        if (off + width > b.length) {
            throw bad("packed value overruns its blob");
        }
        long v = 0;
        for (int i = 0; i < width; i++) {
            v |= (long) (b[off + i] & 0xff) << (8 * i);
        }
        return v;
    }

    /** Ziplist: 10-byte header, entries (previous length, encoding, data), 0xFF. */
    static List<byte[]> ziplist(byte[] z) throws RdbException {
        if (z.length < 11 || le(z, 0, 4) != z.length) {
            throw bad("ziplist size mismatch");
        }
        int declared = (int) le(z, 8, 2);
        List<byte[]> out = new ArrayList<>();
        int p = 10;
        while (true) {
            if (p >= z.length) {
                throw bad("ziplist without terminator");
            }
            if ((z[p] & 0xff) == 0xFF) {
                break;
            }
            p += (z[p] & 0xff) < 254 ? 1 : 5;
            if (p >= z.length) {
                throw bad("ziplist entry overruns its blob");
            }
            int enc = z[p] & 0xff;
            switch (enc >> 6) {
                case 0: {
                    int len = enc & 0x3f;
                    out.add(slice(z, p + 1, len));
                    p += 1 + len;
                    continue;
                }
                case 1: {
                    int len = ((enc & 0x3f) << 8) | (int) le(z, p + 1, 1);
                    out.add(slice(z, p + 2, len));
                    p += 2 + len;
                    continue;
                }
                case 2: {
                    if (p + 5 > z.length) {
                        throw bad("ziplist entry overruns its blob");
                    }
                    long len = ((z[p + 1] & 0xffL) << 24) | ((z[p + 2] & 0xff) << 16) | ((z[p + 3] & 0xff) << 8) | (z[p + 4] & 0xff);
                    out.add(slice(z, p + 5, len));
                    p += 5 + (int) len;
                    continue;
                }
                default:
                    break;
            }
            long v;
            int width;
            if (enc == 0xC0) {
                width = 2;
                v = (short) le(z, p + 1, 2);
            } else if (enc == 0xD0) {
                width = 4;
                v = (int) le(z, p + 1, 4);
            } else if (enc == 0xE0) {
                width = 8;
                v = le(z, p + 1, 8);
            } else if (enc == 0xF0) {
                width = 3;
                v = (le(z, p + 1, 3) << 40) >> 40;
            } else if (enc == 0xFE) {
                width = 1;
                v = (byte) le(z, p + 1, 1);
            } else if (enc >= 0xF1 && enc <= 0xFD) {
                width = 0;
                v = (enc & 0x0f) - 1;
            } else {
                throw bad("ziplist entry with invalid encoding " + enc);
            }
            out.add(Numbers.toBytes(v));
            p += 1 + width;
        }
        if (p != z.length - 1) {
            throw bad("ziplist has bytes after its terminator");
        }
        if (declared != 0xFFFF && declared != out.size()) {
            throw bad("ziplist element count mismatch");
        }
        return out;
    }

    private static byte[] slice(byte[] b, int off, long len) throws RdbException {
        if (off + len > b.length - 1) {
            throw bad("packed entry overruns its blob");
        }
        return Arrays.copyOfRange(b, off, off + (int) len);
    }

    /** Zipmap: count byte, then (length, key, length, free, value, free bytes) pairs, 0xFF. */
    static List<byte[]> zipmap(byte[] z) throws RdbException {
        List<byte[]> out = new ArrayList<>();
        if (z.length < 2) {
            throw bad("zipmap too short");
        }
        int p = 1;
        while (true) {
            if (p >= z.length) {
                throw bad("zipmap without terminator");
            }
            if ((z[p] & 0xff) == 0xFF) {
                break;
            }
            long[] len = new long[1];
            p = zipmapLength(z, p, len);
            out.add(slice(z, p, len[0]));
            p += (int) len[0];
            p = zipmapLength(z, p, len);
            if (p >= z.length) {
                throw bad("zipmap entry overruns its blob");
            }
            int free = z[p++] & 0xff;
            out.add(slice(z, p, len[0]));
            p += (int) len[0] + free;
        }
        if (out.size() % 2 != 0) {
            throw bad("zipmap with an odd number of elements");
        }
        return out;
    }

    private static int zipmapLength(byte[] z, int p, long[] len) throws RdbException {
        if (p >= z.length) {
            throw bad("zipmap entry overruns its blob");
        }
        int b = z[p] & 0xff;
        if (b < 254) {
            len[0] = b;
            return p + 1;
        }
        if (b == 254) {
            len[0] = le(z, p + 1, 4);
            return p + 5;
        }
        throw bad("zipmap entry with invalid length");
    }

    /** Intset: encoding (2, 4 or 8 bytes per integer), count, sorted little-endian integers. */
    static long[] intset(byte[] s) throws RdbException {
        if (s.length < 8) {
            throw bad("intset too short");
        }
        int width = (int) le(s, 0, 4);
        if (width != 2 && width != 4 && width != 8) {
            throw bad("intset with invalid encoding " + width);
        }
        long count = le(s, 4, 4);
        if (8 + count * width != s.length) {
            throw bad("intset size mismatch");
        }
        long[] out = new long[(int) count];
        int shift = 64 - 8 * width;
        for (int i = 0; i < count; i++) {
            out[i] = (le(s, 8 + i * width, width) << shift) >> shift;
            if (i > 0 && out[i] <= out[i - 1]) {
                throw bad("intset not sorted or with duplicates");
            }
        }
        return out;
    }
}
