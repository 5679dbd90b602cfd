package kv.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The sketch's two representations against each other: the same elements give the same registers
 * and count whether the sketch stayed sparse or was promoted at any point, and merging registers
 * equals adding everything to one sketch. (Byte equality with Redis is in hyperloglog.corpus.)
 */
class HllSketchTest {
    private static byte[] element(Random r) {
        return ("e" + r.nextInt(1_000_000)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] registers(HllSketch h) {
        byte[] max = new byte[HllSketch.REGISTERS];
        byte[] bytes = h.toBytes();
        assertTrue(HllSketch.mergeInto(bytes, bytes.length, max));
        return max;
    }

    @Test
    void sparseAndDenseAgree() {
        for (long seed = 1; seed <= 40; seed++) {
            Random r = new Random(seed);
            int n = r.nextInt(3000);
            HllSketch sparse = HllSketch.empty();
            HllSketch dense = HllSketch.empty();
            assertTrue(dense.toDense());
            HllSketch promoted = HllSketch.empty();
            long limit = 16 + r.nextInt(400);
            for (int i = 0; i < n; i++) {
                byte[] e = element(r);
                int a = sparse.add(e, Long.MAX_VALUE);
                int b = dense.add(e, Long.MAX_VALUE);
                promoted.add(e, limit);
                assertTrue(a >= 0);
                if (a != b) {
                    // sparse registers cap at 32: only a value above that promotes, and then both change
                    throw new AssertionError("sparse " + a + " dense " + b + " at seed " + seed);
                }
            }
            assertArrayEquals(registers(sparse), registers(dense));
            assertArrayEquals(registers(sparse), registers(promoted));
            assertEquals(sparse.count(), dense.count());
            assertEquals(dense.count(), HllSketch.countRaw(registers(dense)));
            if (n > 0) {
                long est = dense.count();
                assertTrue(Math.abs(est - n) <= Math.max(3, n * 0.05), "estimate " + est + " for " + n);
            }
        }
    }

    @Test
    void mergeEqualsUnion() {
        Random r = new Random(3);
        HllSketch a = HllSketch.empty();
        HllSketch b = HllSketch.empty();
        HllSketch all = HllSketch.empty();
        for (int i = 0; i < 5000; i++) {
            byte[] e = element(r);
            (i % 2 == 0 ? a : b).add(e, 3000);
            all.add(e, 3000);
        }
        byte[] max = registers(a);
        byte[] bb = b.toBytes();
        HllSketch.mergeInto(bb, bb.length, max);
        assertArrayEquals(registers(all), max);
        assertEquals(all.count(), HllSketch.countRaw(max));
    }

    @Test
    void emptySketchIsRedisBytes() {
        byte[] expected = {'H', 'Y', 'L', 'L', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, (byte) 0xff};
        HllSketch h = HllSketch.empty();
        assertArrayEquals(expected, h.toBytes());
        assertEquals(0, h.count());
        assertTrue(HllSketch.isValid(expected, expected.length));
        assertTrue(!HllSketch.isValid(Arrays.copyOf(expected, 15), 15));
    }
}
