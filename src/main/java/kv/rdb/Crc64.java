package kv.rdb;

/**
 * The CRC-64 of RDB files and DUMP payloads: the Jones polynomial, reflected input and output,
 * initial value 0, no final xor (check value of "123456789": 0xe9c6d914c4b8d9ca).
 */
public final class Crc64 {
    /** 0xad93d23594c935a9 bit-reversed, for the reflected (LSB-first) form. */
    private static final long POLY = 0x95ac9329ac4bc9b5L;
    private static final long[] TABLE = new long[256];

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private Crc64() {
    }

    public static long update(long crc, byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            crc = TABLE[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }

    public static long update(long crc, int b) {
        return TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
    }

    public static long of(byte[] b, int off, int len) {
        return update(0, b, off, len);
    }
}
