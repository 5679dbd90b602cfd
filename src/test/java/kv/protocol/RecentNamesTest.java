package kv.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** A repeated command name is one array; a different name (case included) or a long one is a copy of the bytes sent. */
class RecentNamesTest {
    private static final RespParser.Limits OPEN = new RespParser.Limits() {
        @Override
        public long maxBulkLength() {
            return 512L << 20;
        }

        @Override
        public long queryBufferLimit() {
            return 1L << 30;
        }

        @Override
        public boolean authenticated() {
            return true;
        }
    };

    private static byte[] first(RespParser parser, String name) throws ProtocolException {
        String request = "*2\r\n$" + name.length() + "\r\n" + name + "\r\n$1\r\nk\r\n";
        ByteBuf in = Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1);
        byte[][] argv = parser.next(in);
        assertArrayEquals(name.getBytes(StandardCharsets.ISO_8859_1), argv[0]);
        assertArrayEquals(new byte[] {'k'}, argv[1]);
        return argv[0];
    }

    @Test
    void repeatedNameSharesOneArray() throws ProtocolException {
        RespParser parser = new RespParser(OPEN);
        byte[] set = first(parser, "SET");
        byte[] get = first(parser, "GET");
        assertSame(set, first(parser, "SET"));
        assertSame(get, first(parser, "GET"));
        assertNotSame(set, first(parser, "set"));
        assertNotSame(set, first(parser, "SETX"));
    }

    @Test
    void longFirstArgumentsAreCopiedEachTime() throws ProtocolException {
        RespParser parser = new RespParser(OPEN);
        String name = "X".repeat(RecentNames.MAX_LENGTH + 1);
        assertNotSame(first(parser, name), first(parser, name));
        String longest = "X".repeat(RecentNames.MAX_LENGTH);
        assertSame(first(parser, longest), first(parser, longest));
    }

    @Test
    void namesBeyondTheKeptOnesAreStillRight() throws ProtocolException {
        RespParser parser = new RespParser(OPEN);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 20; i++) {
                first(parser, "CMD" + i);
            }
        }
    }
}
