package kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** StreamId's reply form: unsigned decimal on both sides of the dash, at every digit count. */
class StreamIdTest {
    private static void check(long ms, long seq) {
        String expected = Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
        assertEquals(expected, new String(new StreamId(ms, seq).toBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void edgesOfTheUnsignedRange() {
        long[] values = {0, 1, 9, 10, 99, 100, 1_733_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE,
            Long.MIN_VALUE + 9, -10, -2, -1};
        for (long ms : values) {
            for (long seq : values) {
                check(ms, seq);
            }
        }
    }

    @Test
    void everyPowerOfTenAndItsNeighbours() {
        long p = 1;
        for (int i = 0; i < 19; i++) {
            check(p - 1, p);
            check(p, p + 1);
            p *= 10;
        }
        // 10^19 and 10^19 - 1 are above 2^63: negative as signed longs
        long tenTo19 = Long.parseUnsignedLong("10000000000000000000");
        check(tenTo19 - 1, tenTo19);
    }

    @Test
    void randomIds() {
        Random rnd = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            check(rnd.nextLong() >>> rnd.nextInt(64), rnd.nextLong() >>> rnd.nextInt(64));
        }
    }
}
