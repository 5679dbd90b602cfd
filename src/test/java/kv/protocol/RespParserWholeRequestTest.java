package kv.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A request that arrives whole is parsed in one pass, one that arrives in pieces incrementally: at
 * each limit both ways must end the same (same commands before, same error, same bytes left).
 */
class RespParserWholeRequestTest {

    private static RespParser.Limits limits(long maxBulk, long queryLimit, boolean authenticated) {
        return new RespParser.Limits() {
            @Override
            public long maxBulkLength() {
                return maxBulk;
            }

            @Override
            public long queryBufferLimit() {
                return queryLimit;
            }

            @Override
            public boolean authenticated() {
                return authenticated;
            }
        };
    }

    /** Each command as its arguments joined by spaces, then "error: ..." (or "close" without a reply) if one ended it. */
    private static List<String> parse(String stream, RespParser.Limits limits, boolean byteByByte) {
        byte[] bytes = stream.getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> reads = new ArrayList<>();
        if (byteByByte) {
            for (byte b : bytes) {
                reads.add(new byte[] {b});
            }
        } else {
            reads.add(bytes);
        }
        RespParser parser = new RespParser(limits);
        List<String> out = new ArrayList<>();
        for (byte[] read : reads) {
            ByteBuf in = Unpooled.wrappedBuffer(read);
            try {
                byte[][] argv;
                while ((argv = parser.next(in)) != null) {
                    List<String> words = new ArrayList<>();
                    for (byte[] a : argv) {
                        words.add(new String(a, StandardCharsets.ISO_8859_1));
                    }
                    out.add(String.join(" ", words));
                }
            } catch (ProtocolException e) {
                out.add(e.hasReply() ? "error: " + e.getMessage() : "close");
                return out;
            }
        }
        return out;
    }

    private static void same(List<String> expected, String stream, RespParser.Limits limits) {
        assertEquals(expected, parse(stream, limits, false), "whole");
        assertEquals(expected, parse(stream, limits, true), "byte by byte");
    }

    private static String command(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString();
    }

    private static final RespParser.Limits OPEN = limits(512L << 20, 1L << 30, true);

    @Test
    void canonicalRequestsParse() {
        same(List.of("SET k v", "GET k", "PING ", "ECHO " + "x".repeat(300)),
                command("SET", "k", "v") + command("GET", "k") + command("PING", "") + command("ECHO", "x".repeat(300)), OPEN);
    }

    @Test
    void unauthenticatedArgumentCount() {
        String eleven = command("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k");
        same(List.of("GET k", "error: ERR Protocol error: unauthenticated multibulk length"),
                command("GET", "k") + eleven, limits(512L << 20, 1L << 30, false));
        same(List.of("GET k", "a b c d e f g h i j k"), command("GET", "k") + eleven, OPEN);
    }

    @Test
    void unauthenticatedBulkLength() {
        String big = command("SET", "k", "v".repeat(16 * 1024 + 1));
        same(List.of("GET k", "error: ERR Protocol error: unauthenticated bulk length"),
                command("GET", "k") + big, limits(512L << 20, 1L << 30, false));
    }

    @Test
    void maxBulkLength() {
        same(List.of("GET k", "error: ERR Protocol error: invalid bulk length"),
                command("GET", "k") + command("SET", "k", "12345678901"), limits(10, 1L << 30, true));
    }

    @Test
    void queryBufferLimitClosesWithoutReply() {
        same(List.of("GET k", "close"), command("GET", "k") + command("SET", "k", "x".repeat(30)), limits(100, 20, true));
    }

    @Test
    void nonCanonicalFormsStillParse() {
        // LF alone ends a header line; an empty multibulk is skipped; an inline command in between
        same(List.of("GET k", "PING", "SET k v"), "*2\n$3\nGET\r\n$1\nk\r\n*0\r\nPING\r\n" + command("SET", "k", "v"), OPEN);
    }

    @Test
    void lengthsOfOneTwoAndThreeDigits() {
        List<String> expected = new ArrayList<>();
        StringBuilder stream = new StringBuilder();
        for (int n = 0; n <= 120; n++) {
            expected.add("ECHO " + "x".repeat(n));
            stream.append(command("ECHO", "x".repeat(n)));
        }
        String[] many = new String[12];
        java.util.Arrays.fill(many, "a");
        expected.add(String.join(" ", many));
        stream.append(command(many));
        same(expected, stream.toString(), OPEN);
    }

    @Test
    void malformedLengths() {
        same(List.of("error: ERR Protocol error: invalid bulk length"), "*1\r\n$03\r\nGET\r\n", OPEN);
        same(List.of("error: ERR Protocol error: invalid bulk length"), "*1\r\n$-3\r\nGET\r\n", OPEN);
        same(List.of("error: ERR Protocol error: invalid multibulk length"), "*1x\r\n$3\r\nGET\r\n", OPEN);
        same(List.of("error: ERR Protocol error: expected '$', got 'G'"), "*1\r\nGET\r\n", OPEN);
        // one and two digits are read apart from longer numbers: the same rules hold there
        same(List.of("error: ERR Protocol error: invalid bulk length"), "*1\r\n$00\r\n\r\n", OPEN);
        same(List.of("error: ERR Protocol error: invalid bulk length"), "*1\r\n$05\r\nhello\r\n", OPEN);
        same(List.of("error: ERR Protocol error: invalid multibulk length"), "*01\r\n$4\r\nPING\r\n", OPEN);
        same(List.of("error: ERR Protocol error: invalid bulk length"), "*1\r\n$4\rx\r\nPING\r\n", OPEN);
        same(List.of("error: ERR Protocol error: invalid bulk length"), "*1\r\n$1x\r\nPING\r\n", OPEN);
    }
}
