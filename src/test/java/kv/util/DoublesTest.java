package kv.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;

import org.junit.jupiter.api.Test;

/** The fast paths of {@link Doubles#format} print what the general shortest-digits search prints. */
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

    /**
     * On JDK 19+ {@code format} takes its digits from {@link Double#toString}; this compares that
     * path with the BigDecimal search value by value, and checks that it declines only where it
     * must (powers of two, subnormals of one or two digits). On JDK 17 it is skipped: the fast
     * path is off there and {@code format} is the search itself.
     */
    @Test
    void toStringDigitsPrintAsTheSearchDoes() {
        assumeTrue(Doubles.SHORTEST_TO_STRING, "JDK " + Runtime.version().feature()
                + ": Double.toString is not the shortest form before JDK 19, so format keeps the search; run on JDK 19+");
        int[] taken = new int[1];
        int[] declined = new int[1];
        DoubleConsumer check = v -> {
            if (!Double.isFinite(v) || v == 0 || (Math.abs(v) < 0x1p53 && v == Math.rint(v))) {
                return; // format's other paths
            }
            String expected = Doubles.shortestLayout(v);
            String fast = Doubles.layoutOfToString(v);
            String what = Double.toString(v) + " (" + Long.toHexString(Double.doubleToRawLongBits(v)) + ")";
            if (fast == null) {
                declined[0]++;
                long bits = Double.doubleToRawLongBits(v);
                assertTrue((bits & 0x000fffffffffffffL) == 0 || Math.abs(v) < Double.MIN_NORMAL, "declined " + what);
            } else {
                taken[0]++;
                assertEquals(expected, fast, what);
            }
            assertEquals(expected, Doubles.format(v), what);
        };
        sample(check);
        System.out.printf("DoublesTest: JDK %d, Double.toString path checked on %d values, %d declined to the search%n",
                Runtime.version().feature(), taken[0], declined[0]);
        assertTrue(taken[0] > 20 * declined[0], taken[0] + " taken, " + declined[0] + " declined");
    }

    /** Random bit patterns, subnormals, short decimals, powers of ten and two, the layout's borders. */
    private static void sample(DoubleConsumer check) {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            check.accept(Double.longBitsToDouble(random.nextLong()));
        }
        for (int i = 0; i < 10_000; i++) {
            check.accept(Double.longBitsToDouble(random.nextLong(1, 1L << 52)));
            // the smallest subnormals: few significant bits, where one digit may read back
            check.accept(-Double.MIN_VALUE * random.nextInt(1, 5000));
        }
        for (int n = 1; n < 3000; n++) {
            check.accept(Double.MIN_VALUE * n);
        }
        for (int i = 0; i < 50_000; i++) {
            // decimals of few digits, as people write scores: 1.5, 0.25, 3.14159, 2.5e-7
            long digits = random.nextLong(1, pow10(1 + random.nextInt(17)));
            double v = Double.parseDouble(digits + "e" + random.nextInt(-40, 40));
            check.accept(random.nextBoolean() ? v : -v);
        }
        for (int e = -325; e <= 308; e++) {
            for (int d = 1; d <= 9; d++) {
                double v = Double.parseDouble(d + "e" + e);
                check.accept(v);
                check.accept(Math.nextUp(v));
                check.accept(Math.nextDown(v));
                check.accept(-v);
            }
        }
        for (int k = -1074; k <= 1023; k++) {
            double v = Math.scalb(1.0, k);
            check.accept(v);
            check.accept(Math.nextUp(v));
            check.accept(Math.nextDown(v));
            check.accept(3 * v);
        }
        // where %g switches between plain and exponent layouts: decimal exponents -5/-4 and 16/17
        for (double border : new double[] {1e-5, 1e-4, 1e16, 1e17}) {
            double v = border;
            double w = border;
            for (int i = 0; i < 2000; i++) {
                check.accept(v);
                check.accept(w);
                v = Math.nextUp(v);
                w = Math.nextDown(w);
            }
            for (int i = 0; i < 5_000; i++) {
                check.accept(border * random.nextDouble(0.5, 2));
            }
        }
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
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
        assertEquals("1.5", Doubles.format(1.5));
        assertEquals("-0.25", Doubles.format(-0.25));
        assertEquals("0.30000000000000004", Doubles.format(0.1 + 0.2));
        assertEquals("0.0001", Doubles.format(1e-4));
        assertEquals("1e-05", Doubles.format(1e-5));
        assertEquals("-1.2345e-100", Doubles.format(-1.2345e-100));
        assertEquals("12345000000000000", Doubles.format(1.2345e16));
        assertEquals("1.5e+17", Doubles.format(1.5e17));
        assertEquals("1.7976931348623157e+308", Doubles.format(Double.MAX_VALUE));
        // subnormals of few bits: one digit reads back (Double.toString says 9.9E-324 and 4.9E-324)
        assertEquals("1e-323", Doubles.format(2 * Double.MIN_VALUE));
        assertEquals("5e-324", Doubles.format(Double.MIN_VALUE));
    }
}
