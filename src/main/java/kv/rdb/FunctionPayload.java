package kv.rdb;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * FUNCTION DUMP/RESTORE payloads: one FUNCTION2 record (opcode and the library's code as an RDB
 * string) per library, then the RDB version as two little-endian bytes and the CRC-64 of all that,
 * the footer DUMP payloads of keys have too.
 */
public final class FunctionPayload {
    /** Why a payload was refused, worded as Redis' FUNCTION RESTORE replies (without "ERR "). */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private FunctionPayload() {
    }

    public static byte[] dump(List<byte[]> libraryCodes, boolean compress) {
        RdbOutput out = new RdbOutput(256, compress);
        for (byte[] code : libraryCodes) {
            out.u8(RdbFormat.OPCODE_FUNCTION2);
            out.string(code);
        }
        out.le(RdbFormat.WRITE_VERSION, 2);
        out.le(Crc64.of(out.array(), 0, out.size()), 8);
        return out.toBytes();
    }

    /** The libraries' codes in payload order, checked as Redis checks them before loading any. */
    public static List<byte[]> read(byte[] payload, boolean skipChecksum) throws Refused {
        if (!DumpPayload.verify(payload, skipChecksum)) {
            throw new Refused("DUMP payload version or checksum are wrong");
        }
        int body = payload.length - 10;
        List<byte[]> codes = new ArrayList<>();
        RdbInput in = new RdbInput(new ByteArrayInputStream(payload, 0, body));
        try {
            while (in.offset() < body) {
                int type = in.u8();
                if (type == RdbFormat.OPCODE_FUNCTION_PRE_GA) {
                    // what 7.0.15 answers for the release candidates' form
                    throw new Refused("Failed loading engine name");
                }
                if (type != RdbFormat.OPCODE_FUNCTION2) {
                    throw new Refused("given type is not a function");
                }
                try {
                    codes.add(in.string());
                } catch (IOException | RdbException e) {
                    throw new Refused("Failed loading library payload");
                }
            }
        } catch (IOException | RdbException e) {
            throw new Refused("Failed loading library payload");
        }
        return codes;
    }
}
