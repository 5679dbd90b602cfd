package kv.rdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The CRC-64 of RDB files and DUMP payloads: the Jones polynomial, reflected input and output,
 * initial value 0, no final xor (check value of "123456789": 0xe9c6d914c4b8d9ca).
 */
public final class Crc64 {
    /** 0xad93d23594c935a9 bit-reversed, for the reflected (LSB-first) form. */
    private static final long POLY = 0x95ac9329ac4bc9b5L;
    private static final long[] TABLE = new long[256];
    /**
     * Slicing by 8: {@code SLICES[k][v]} is the CRC contribution of byte value v followed by k zero
     * bytes, so eight bytes fold in with eight independent lookups instead of eight dependent ones.
     */
    private static final long[][] SLICES = new long[8][];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY : crc >>> 1;
            }
            TABLE[i] = crc;
        }
        SLICES[0] = TABLE;
        for (int k = 1; k < 8; k++) {
            long[] prev = SLICES[k - 1];
            long[] t = new long[256];
            for (int i = 0; i < 256; i++) {
                t[i] = TABLE[(int) (prev[i] & 0xff)] ^ (prev[i] >>> 8);
            }
            SLICES[k] = t;
        }
    }

    private Crc64() {
    }

    public static long update(long crc, byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        long[] t0 = SLICES[0], t1 = SLICES[1], t2 = SLICES[2], t3 = SLICES[3];
        long[] t4 = SLICES[4], t5 = SLICES[5], t6 = SLICES[6], t7 = SLICES[7];
        for (; i + 8 <= end; i += 8) {
            long x = crc ^ (long) LONGS.get(b, i);
            crc = t7[(int) (x & 0xff)] ^ t6[(int) ((x >>> 8) & 0xff)] ^ t5[(int) ((x >>> 16) & 0xff)]
                    ^ t4[(int) ((x >>> 24) & 0xff)] ^ t3[(int) ((x >>> 32) & 0xff)] ^ t2[(int) ((x >>> 40) & 0xff)]
                    ^ t1[(int) ((x >>> 48) & 0xff)] ^ t0[(int) (x >>> 56)];
        }
        for (; i < end; i++) {
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
