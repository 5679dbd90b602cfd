package kv.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The integral fast path of {@link Doubles#format} prints what the general shortest-digits path prints. */
class DoublesTest {
    @Test
    void integralValuesPrintAsTheGeneralPathDoes() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            long bound = 1L << (1 + random.nextInt(53));
            double v = random.nextLong(-bound, bound);
            assertEquals(Doubles.shortestLayout(v), Doubles.format(v), Double.toString(v));
        }
        for (double p = 1; p < 1e17; p *= 10) {
            for (double v : new double[] {p, -p, p - 1, p + 1, 2 * p, 9 * p}) {
                assertEquals(Doubles.shortestLayout(v), Doubles.format(v), Double.toString(v));
            }
        }
        for (double v : new double[] {0x1p53 - 1, -(0x1p53 - 1), 0x1p53, 0x1p53 + 2, 1e16, 1e17, 123456789012345678.0}) {
            assertEquals(Doubles.shortestLayout(v), Doubles.format(v), Double.toString(v));
        }
    }

    @Test
    void knownReplies() {
        assertEquals("100", Doubles.format(100));
        assertEquals("-5", Doubles.format(-5));
        assertEquals("1000000000000000", Doubles.format(1e15));
        assertEquals("1e+17", Doubles.format(1e17));
        assertEquals("0.1", Doubles.format(0.1));
        assertEquals("-0", Doubles.format(-0.0));
        assertEquals("inf", Doubles.format(Double.POSITIVE_INFINITY));
    }
}
