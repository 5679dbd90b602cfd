package kv.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** StrToD against the JDK's correctly rounded parser, on the short decimals its fast path takes and on the rest. */
class StrToDTest {

    private static void same(String text, int expectedEnd) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        StrToD d = new StrToD().parse(b, 0, b.length);
        String number = text.substring(0, expectedEnd);
        double expected = Double.parseDouble(number.startsWith(".") || number.startsWith("-.") ? number.replace(".", "0.") : number);
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(d.value), text);
        assertEquals(expectedEnd, d.end, text);
    }

    @Test
    void shortDecimalsParseExactly() {
        for (String s : new String[] {"0", "-0", "000000012345", "1.5", "-2.25", "0.1", "0.3", ".5", "1.", "123456789012345",
            "9007199254740993", "9007199254740992", "0.0000000000000000000001", "1234.5678901234567890123", "3.14159"}) {
            same(s, s.length());
        }
    }

    @Test
    void exponentsAndTrailingText() {
        same("1e3", 3);
        same("1.5E-7", 6);
        same("12e", 2);
        same("12e+", 2);
        same("7x", 1);
        same("99999999999999999999999", 23);
    }

    @Test
    void randomDecimalsMatchTheJdk() {
        Random r = new Random(42);
        for (int k = 0; k < 200_000; k++) {
            StringBuilder sb = new StringBuilder();
            if (r.nextBoolean()) {
                sb.append('-');
            }
            int intDigits = r.nextInt(18);
            for (int i = 0; i < intDigits; i++) {
                sb.append((char) ('0' + r.nextInt(10)));
            }
            if (intDigits == 0 || r.nextBoolean()) {
                sb.append('.');
                int frac = 1 + r.nextInt(24);
                for (int i = 0; i < frac; i++) {
                    sb.append((char) ('0' + r.nextInt(10)));
                }
            }
            same(sb.toString(), sb.length());
        }
    }
}
