package kv.rdb;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes an RDB file piece by piece into an {@link OutputStream}: header and aux fields, then for
 * each database its selector and entries, then EOF and the CRC-64 (0 when rdbchecksum is off).
 * The version goes first, so the caller decides it up front: 10 (Redis 7.0), or 12 when a hash with
 * field TTLs will be written (those have no RDB 10 form).
 */
public final class RdbWriter {
    private final OutputStream sink;
    private final RdbOutput out;
    private final boolean checksum;
    private long crc;
    private long written;

    public RdbWriter(OutputStream sink, boolean compress, boolean checksum) {
        this.sink = sink;
        this.out = new RdbOutput(1 << 16, compress);
        this.checksum = checksum;
    }

    /** True if a value needs RDB 12 (a hash with field TTLs). */
    public static boolean needsVersion12(Object value) {
        return ValueEncoder.needsVersion12(value);
    }

    public void header(int version) throws IOException {
        out.raw(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII));
        flushIfFull();
    }

    public void aux(String name, String value) throws IOException {
        out.u8(RdbFormat.OPCODE_AUX);
        out.string(name.getBytes(StandardCharsets.ISO_8859_1));
        out.string(value.getBytes(StandardCharsets.ISO_8859_1));
        flushIfFull();
    }

    public void function(byte[] code) throws IOException {
        out.u8(RdbFormat.OPCODE_FUNCTION2);
        out.string(code);
        flushIfFull();
    }

    public void selectDb(int db, long size, long expiring) throws IOException {
        out.u8(RdbFormat.OPCODE_SELECTDB);
        out.length(db);
        out.u8(RdbFormat.OPCODE_RESIZEDB);
        out.length(size);
        out.length(expiring);
        flushIfFull();
    }

    /** One key: its TTL (unix ms, or -1), then type, key and value. */
    public void entry(byte[] key, Object value, long expireAtMs) throws IOException {
        if (expireAtMs >= 0) {
            out.u8(RdbFormat.OPCODE_EXPIRETIME_MS);
            out.le(expireAtMs, 8);
        }
        out.keyAfterType(key);
        ValueEncoder.write(out, value);
        flushIfFull();
    }

    public void end() throws IOException {
        out.u8(RdbFormat.OPCODE_EOF);
        flush();
        long sum = checksum ? crc : 0;
        byte[] footer = new byte[8];
        for (int i = 0; i < 8; i++) {
            footer[i] = (byte) (sum >>> (8 * i));
        }
        sink.write(footer);
        written += 8;
        sink.flush();
    }

    /** Bytes handed to the sink so far. */
    public long written() {
        return written + out.size();
    }

    private void flushIfFull() throws IOException {
        if (out.size() >= 1 << 16) {
            flush();
        }
    }

    public void flush() throws IOException {
        if (out.size() == 0) {
            return;
        }
        if (checksum) {
            crc = Crc64.update(crc, out.array(), 0, out.size());
        }
        sink.write(out.array(), 0, out.size());
        written += out.size();
        out.reset();
    }
}
