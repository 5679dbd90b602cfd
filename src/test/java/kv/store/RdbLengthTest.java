package kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** DEBUG OBJECT serializedlength of strings, against figures recorded from redis-server 7.0.15. */
class RdbLengthTest {
    private static long of(String s) {
        return RdbLength.of(StringValues.of(s.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void integersTakeEightSixteenOrThirtyTwoBitsElseTheirText() {
        assertEquals(2, of("0"));
        assertEquals(2, of("127"));
        assertEquals(3, of("128"));
        assertEquals(2, of("-128"));
        assertEquals(3, of("-129"));
        assertEquals(3, of("32767"));
        assertEquals(5, of("32768"));
        assertEquals(5, of("2147483647"));
        assertEquals(5, of("-2147483648"));
        assertEquals(11, of("2147483648"));
        assertEquals(12, of("-2147483649"));
    }

    @Test
    void stringsTakeTheirLengthPrefixAndBytes() {
        assertEquals(1, of(""));
        assertEquals(6, of("hello"));
        assertEquals(4, of("007"));
        assertEquals(3, of("-0"));
        // 20 digits: no integer encoding, and not long enough for compression
        assertEquals(21, of("12345678901234567890"));
        assertEquals(5 + 26668, RdbLength.of(new byte[26668])); // Redis: 26673 for 26668 incompressible bytes
    }

    @Test
    void compressibleLongStringsAreAnUpperBoundWithoutLzf() {
        // Redis compresses strings over 20 bytes with LZF when that saves 4+ bytes: 100 'a' -> 13
        assertEquals(2 + 100, RdbLength.of("a".repeat(100).getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aModifiedStringHoldingAnIntegerIsSavedAsOne() {
        // SET k 123; APPEND k 4 -> raw encoding, serializedlength 3
        MutableString s = new MutableString("123".getBytes(StandardCharsets.US_ASCII), 0);
        s.append("4".getBytes(StandardCharsets.US_ASCII));
        assertEquals(3, RdbLength.of(s));
        MutableString t = new MutableString("abc".getBytes(StandardCharsets.US_ASCII), 0);
        t.append("def".getBytes(StandardCharsets.US_ASCII));
        assertEquals(7, RdbLength.of(t));
    }
}
