package kv.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * {@link Numbers#isLong}/{@link Numbers#parseLong} against a reference of Redis' string2ll rules;
 * {@link Numbers#writeAscii}/{@link Numbers#digits} against {@link Long#toString}.
 */
class NumbersTest {
    private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** string2ll: optional '-', digits, no leading zero (but "0"), no "-0", within 64 bits. */
    private static Long reference(String s) {
        if (!s.matches("-?(0|[1-9][0-9]*)") || s.equals("-0")) {
            return null;
        }
        BigInteger v = new BigInteger(s);
        return v.compareTo(MIN) < 0 || v.compareTo(MAX) > 0 ? null : v.longValue();
    }

    private static void check(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        Long expected = reference(s);
        assertEquals(expected != null, Numbers.isLong(b), s);
        if (expected != null) {
            assertEquals(expected.longValue(), Numbers.parseLong(b), s);
        }
    }

    @Test
    void edgesOfTheRange() {
        for (String s : new String[] {"0", "-0", "00", "01", "-", "", "+1", " 1", "1 ", "9223372036854775807",
                "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "999999999999999999",
                "1000000000000000000", "-999999999999999999", "18446744073709551615", "12345678901234567890",
                "123456789012345678901", "1e3", "0x10", "-1", "42"}) {
            check(s);
        }
    }

    @Test
    void randomStrings() {
        Random r = new Random(7);
        String alphabet = "0123456789-+ x";
        for (int n = 0; n < 200_000; n++) {
            int len = r.nextInt(22);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < len; i++) {
                sb.append(r.nextInt(5) == 0 ? alphabet.charAt(r.nextInt(alphabet.length())) : (char) ('0' + r.nextInt(10)));
            }
            check(sb.toString());
            check(Long.toString(r.nextLong() >> r.nextInt(64)));
        }
    }

    /** The decimal form written into a buffer that already holds a byte, with room to spare or exactly enough. */
    private static void checkWrite(long v) {
        String expected = Long.toString(v);
        assertEquals(expected.length(), Numbers.digits(v), expected);
        for (int room : new int[] {expected.length(), 64}) {
            ByteBuf b = Unpooled.buffer(1 + room, 1 + room);
            b.writeByte(':');
            Numbers.writeAscii(b, v);
            assertEquals(":" + expected, b.toString(StandardCharsets.US_ASCII), "room " + room);
            b.release();
        }
    }

    @Test
    void writesDecimal() {
        long p = 1;
        for (int i = 0; i < 19; i++) {
            for (long v : new long[] {p - 1, p, p + 1, -p + 1, -p, -p - 1}) {
                checkWrite(v);
            }
            p *= 10;
        }
        for (long v : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 99_999_999, 100_000_000}) {
            checkWrite(v);
        }
        Random r = new Random(11);
        for (int n = 0; n < 100_000; n++) {
            checkWrite(r.nextLong() >> r.nextInt(64));
        }
    }
}
