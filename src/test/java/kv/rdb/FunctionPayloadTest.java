package kv.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** FUNCTION DUMP payloads: the layout Redis writes, and every way RESTORE refuses one. */
class FunctionPayloadTest {
    private static final byte[] LIB = "#!lua name=liba\nredis.register_function('f1', function() return 1 end)"
            .getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void matchesRedisBytesForOneLibrary() {
        // FUNCTION DUMP of redis-server 7.0.15 with this library loaded
        byte[] redis = new byte[3 + LIB.length + 10];
        redis[0] = (byte) 0xf5;
        redis[1] = 0x40;
        redis[2] = 0x46;
        System.arraycopy(LIB, 0, redis, 3, LIB.length);
        byte[] footer = {0x0a, 0x00, 'E', 'v', '}', (byte) 0xa5, '<', (byte) 0xa2, 'h', 't'};
        System.arraycopy(footer, 0, redis, 3 + LIB.length, 10);
        assertArrayEquals(redis, FunctionPayload.dump(List.of(LIB), true));
    }

    @Test
    void roundTripsSeveralLibrariesWithCompression() throws Exception {
        byte[] big = ("#!lua name=big\n" + "-- padding\n".repeat(200) + "redis.register_function('g', function() return 2 end)")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] payload = FunctionPayload.dump(List.of(LIB, big), true);
        List<byte[]> back = FunctionPayload.read(payload, false);
        assertEquals(2, back.size());
        assertArrayEquals(LIB, back.get(0));
        assertArrayEquals(big, back.get(1));
        assertEquals(0, FunctionPayload.read(FunctionPayload.dump(List.of(), true), false).size());
    }

    @Test
    void refusesDamagedPayloads() {
        byte[] good = FunctionPayload.dump(List.of(LIB), true);
        byte[] flipped = good.clone();
        flipped[5] ^= 1;
        assertEquals("DUMP payload version or checksum are wrong", refusal(flipped));
        assertEquals("DUMP payload version or checksum are wrong", refusal(new byte[] {1, 2, 3}));
        byte[] key = DumpPayload.dump("v".getBytes(StandardCharsets.ISO_8859_1), false);
        assertEquals("given type is not a function", refusal(key));
        byte[] truncated = withFooter(java.util.Arrays.copyOf(good, 8));
        assertEquals("Failed loading library payload", refusal(truncated));
    }

    /** A body with a valid version and CRC-64 footer. */
    private static byte[] withFooter(byte[] body) {
        byte[] out = java.util.Arrays.copyOf(body, body.length + 10);
        out[body.length] = 10;
        long crc = Crc64.of(out, 0, body.length + 2);
        for (int i = 0; i < 8; i++) {
            out[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        }
        return out;
    }

    private static String refusal(byte[] payload) {
        return assertThrows(FunctionPayload.Refused.class, () -> FunctionPayload.read(payload, false)).getMessage();
    }
}
