package kv.rdb;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * DUMP/RESTORE payloads: the value as in an RDB file (type byte and body), the RDB version as two
 * little-endian bytes, and the CRC-64 of all that as eight little-endian bytes.
 */
public final class DumpPayload {
    private DumpPayload() {
    }

    /** The payload of {@code value}, as Redis 7.0 would produce it (version 10; 12 for a hash with field TTLs). */
    public static byte[] dump(Object value, boolean compress) {
        RdbOutput out = new RdbOutput(64, compress);
        ValueEncoder.write(out, value);
        out.le(ValueEncoder.needsVersion12(value) ? 12 : RdbFormat.WRITE_VERSION, 2);
        out.le(Crc64.of(out.array(), 0, out.size()), 8);
        return out.toBytes();
    }

    /** True if the footer names a version KV reads and (unless {@code skipChecksum}) the CRC matches. */
    public static boolean verify(byte[] payload, boolean skipChecksum) {
        if (payload.length < 10) {
            return false;
        }
        int footer = payload.length - 10;
        int version = (payload[footer] & 0xff) | ((payload[footer + 1] & 0xff) << 8);
        if (version > RdbFormat.MAX_READ_VERSION) {
            return false;
        }
        if (skipChecksum) {
            return true;
        }
        long crc = Crc64.of(payload, 0, payload.length - 8);
        long stored = 0;
        for (int i = 0; i < 8; i++) {
            stored |= (long) (payload[payload.length - 8 + i] & 0xff) << (8 * i);
        }
        return crc == stored;
    }

    /**
     * Decodes a verified payload into a value; {@link RdbException} for bad data (RESTORE's "Bad
     * data format"). Like Redis, the value is read from the whole payload, footer included, and
     * bytes left after it are not checked.
     */
    public static Object restore(byte[] payload, EncodingLimits limits, long nowMs) throws RdbException {
        try {
            ByteArrayInputStream bytes = new ByteArrayInputStream(payload);
            RdbInput in = new RdbInput(bytes);
            int type = in.u8();
            Object v = new ValueDecoder(in, limits, nowMs).read(type);
            if (v == null) {
                throw in.error("empty value");
            }
            return v;
        } catch (IOException e) {
            throw new RdbException(e.getMessage(), 0);
        }
    }
}
