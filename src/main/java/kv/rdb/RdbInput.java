package kv.rdb;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads RDB primitives from a stream, counting the offset (for error messages) and the CRC-64 of
 * everything consumed so far (for the checksum at the end of a file).
 */
final class RdbInput {
    /** Length encodings: 6, 14, 32 or 64 bits, or a special string form. */
    static final int LEN_6 = 0;
    static final int LEN_14 = 1;
    static final int LEN_32 = 0x80;
    static final int LEN_64 = 0x81;
    static final int ENCVAL = 3;
    static final int ENC_INT8 = 0;
    static final int ENC_INT16 = 1;
    static final int ENC_INT32 = 2;
    static final int ENC_LZF = 3;

    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    /** File offset of buf[0]. */
    private long bufStart;
    /** The CRC covers the bytes consumed before buf[crcPos]; the rest is added in bulk, not per byte. */
    private long crc;
    private int crcPos;

    RdbInput(InputStream in) {
        this.in = in;
    }

    long offset() {
        return bufStart + pos;
    }

    long crc() {
        settleCrc();
        return crc;
    }

    private void settleCrc() {
        crc = Crc64.update(crc, buf, crcPos, pos - crcPos);
        crcPos = pos;
    }

    RdbException error(String reason) {
        return new RdbException(reason, offset());
    }

    private boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        settleCrc();
        bufStart += limit;
        pos = 0;
        crcPos = 0;
        limit = 0;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        limit = n;
        return true;
    }

    int u8() throws IOException, RdbException {
        if (pos < limit || fill()) {
            return buf[pos++] & 0xff;
        }
        throw error("unexpected end of file");
    }

    /** True if nothing follows (no byte consumed). */
    boolean atEnd() throws IOException {
        return !fill();
    }

    byte[] bytes(long n) throws IOException, RdbException {
        if (n < 0 || n > Integer.MAX_VALUE - 16) {
            throw error("length " + n + " out of range");
        }
        int len = (int) n;
        if (len <= limit - pos) {
            // the common case: the whole string is in the buffer
            byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + len);
            pos += len;
            return out;
        }
        // grow step by step so that a corrupt length cannot allocate gigabytes up front
        byte[] out = new byte[Math.min(len, 1 << 20)];
        int done = 0;
        while (done < len) {
            if (!fill()) {
                throw error("unexpected end of file (" + (len - done) + " more bytes expected)");
            }
            int k = Math.min(limit - pos, len - done);
            if (done + k > out.length) {
                out = java.util.Arrays.copyOf(out, (int) Math.min(len, Math.max((long) out.length * 2, done + k)));
            }
            System.arraycopy(buf, pos, out, done, k);
            pos += k;
            done += k;
        }
        return out;
    }

    long le(int width) throws IOException, RdbException {
        long v = 0;
        for (int i = 0; i < width; i++) {
            v |= (long) u8() << (8 * i);
        }
        return v;
    }

    long be(int width) throws IOException, RdbException {
        long v = 0;
        for (int i = 0; i < width; i++) {
            v = (v << 8) | u8();
        }
        return v;
    }

    /** A length read as an unsigned 64-bit figure (stream IDs, entries-read where 2^64 - 1 means -1). */
    long rawLength() throws IOException, RdbException {
        int first = u8();
        if (first == LEN_64) {
            return be(8);
        }
        if (((first & 0xC0) >> 6) == ENCVAL) {
            throw error("unexpected string encoding where a length belongs");
        }
        return lengthRest(first);
    }

    /** A length; a special encoding here is corruption. */
    long length() throws IOException, RdbException {
        int first = u8();
        int kind = (first & 0xC0) >> 6;
        if (kind == ENCVAL) {
            throw error("unexpected string encoding where a length belongs");
        }
        return lengthRest(first);
    }

    private long lengthRest(int first) throws IOException, RdbException {
        int kind = (first & 0xC0) >> 6;
        if (kind == LEN_6) {
            return first & 0x3F;
        }
        if (kind == LEN_14) {
            return ((first & 0x3F) << 8) | u8();
        }
        if (first == LEN_32) {
            return be(4);
        }
        if (first == LEN_64) {
            long v = be(8);
            if (v < 0) {
                throw error("length out of range");
            }
            return v;
        }
        throw error("unknown length encoding " + first);
    }

    /**
     * A string read into an array the caller reuses: {@link #bytes} is that array when the string
     * is plain, at most its length and whole in the read buffer (no allocation), else a new array
     * of exactly {@link #length} bytes.
     */
    static final class Scratch {
        private final byte[] own;
        byte[] bytes;
        int length;

        Scratch(int capacity) {
            own = new byte[capacity];
        }
    }

    /** {@link #string()} into {@code into}. */
    void string(Scratch into) throws IOException, RdbException {
        int first = u8();
        byte[] b;
        if (((first & 0xC0) >> 6) != ENCVAL) {
            long n = lengthRest(first);
            if (n <= into.own.length && n <= limit - pos) {
                System.arraycopy(buf, pos, into.own, 0, (int) n);
                pos += (int) n;
                into.bytes = into.own;
                into.length = (int) n;
                return;
            }
            b = bytes(n);
        } else {
            b = encoded(first);
        }
        into.bytes = b;
        into.length = b.length;
    }

    /** A string in any of its encodings (plain, integer, LZF), as bytes. */
    byte[] string() throws IOException, RdbException {
        int first = u8();
        if (((first & 0xC0) >> 6) != ENCVAL) {
            return bytes(lengthRest(first));
        }
        return encoded(first);
    }

    /** The rest of a string whose first byte {@code first} says it is an integer or LZF-compressed. */
    private byte[] encoded(int first) throws IOException, RdbException {
        int enc = first & 0x3F;
        switch (enc) {
            case ENC_INT8:
                return kv.util.Numbers.toBytes((byte) le(1));
            case ENC_INT16:
                return kv.util.Numbers.toBytes((short) le(2));
            case ENC_INT32:
                return kv.util.Numbers.toBytes((int) le(4));
            case ENC_LZF: {
                long clen = length();
                long len = length();
                long at = offset();
                byte[] c = bytes(clen);
                if (len > Integer.MAX_VALUE - 16) {
                    throw new RdbException("LZF string too long", at);
                }
                byte[] out = Lzf.decompress(c, (int) len);
                if (out == null) {
                    throw new RdbException("invalid LZF compressed string", at);
                }
                return out;
            }
            default:
                throw error("unknown string encoding " + enc);
        }
    }

    /** The old text form of a double (ZSET type 1): length byte, 253 nan, 254 +inf, 255 -inf. */
    double textDouble() throws IOException, RdbException {
        int len = u8();
        switch (len) {
            case 253:
                return Double.NaN;
            case 254:
                return Double.POSITIVE_INFINITY;
            case 255:
                return Double.NEGATIVE_INFINITY;
            default:
                byte[] b = bytes(len);
                try {
                    return Double.parseDouble(new String(b, java.nio.charset.StandardCharsets.US_ASCII));
                } catch (NumberFormatException e) {
                    throw error("invalid double value");
                }
        }
    }

    double binaryDouble() throws IOException, RdbException {
        return Double.longBitsToDouble(le(8));
    }
}
