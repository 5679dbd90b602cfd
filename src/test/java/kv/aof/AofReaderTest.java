package kv.aof;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class AofReaderTest {
    private static final String SET = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n";
    private static final String DEL = "*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n";

    private static List<String> readAll(String text) throws Exception {
        List<String> out = new ArrayList<>();
        try (AofReader r = new AofReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)))) {
            byte[][] argv;
            while ((argv = r.next()) != null) {
                StringBuilder sb = new StringBuilder();
                for (byte[] a : argv) {
                    sb.append(sb.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.ISO_8859_1));
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    private static AofReader.FormatError error(String text) {
        return assertThrows(AofReader.FormatError.class, () -> readAll(text));
    }

    @Test
    void readsCommandsAndSkipsAnnotations() throws Exception {
        assertEquals(List.of("SET k hello", "DEL k"), readAll("#TS:1700000000\r\n" + SET + DEL));
        assertEquals(List.of(), readAll(""));
    }

    @Test
    void binaryValuesComeBackIntact() throws Exception {
        byte[] value = {0, '\r', '\n', (byte) 0xff, '*'};
        String text = "*2\r\n$3\r\nSET\r\n$5\r\n" + new String(value, StandardCharsets.ISO_8859_1) + "\r\n";
        try (AofReader r = new AofReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)))) {
            assertArrayEquals(value, r.next()[1]);
            assertNull(r.next());
        }
    }

    /** Every cut inside the second command is a truncation at that command's start, never corruption. */
    @Test
    void everyCutOfTheLastCommandIsATruncationAtItsStart() {
        String text = SET + DEL;
        for (int cut = SET.length() + 1; cut < text.length(); cut++) {
            AofReader.FormatError e = error(text.substring(0, cut));
            assertTrue(e.truncated(), "cut at " + cut + ": " + e.getMessage());
            assertEquals(SET.length(), e.offset(), "cut at " + cut);
        }
    }

    @Test
    void corruptionIsReportedWithItsOffset() {
        AofReader.FormatError e = error(SET + "+OK\r\n");
        assertFalse(e.truncated());
        assertEquals(SET.length(), e.offset());
        assertTrue(e.getMessage().contains("expected '*'"), e.getMessage());

        e = error(SET + "*2\r\n$3\r\nDEL\r\n:1\r\n");
        assertFalse(e.truncated());
        assertEquals(SET.length() + 13, e.offset());

        e = error("*1\r\n$3\r\nDELX\r\n");
        assertFalse(e.truncated());
        assertTrue(e.getMessage().contains("missing CRLF"), e.getMessage());

        assertFalse(error("*x\r\n").truncated());
        assertFalse(error("*0\r\n").truncated());
        assertFalse(error("*1\r\n$-1\r\n").truncated());
    }
}
