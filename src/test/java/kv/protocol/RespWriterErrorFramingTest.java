package kv.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import org.junit.jupiter.api.Test;

/**
 * An error reply is one line whatever its text holds: found by the protocol fuzzer, where an
 * unknown command named with the UTF-8 bytes of U+010D came back as an error line with a bare CR
 * in it (the char's low byte), which desynchronised the client's reply parser.
 */
class RespWriterErrorFramingTest {
    @Test
    void noCharPutsACrOrLfIntoAnErrorLine() {
        RespWriter w = new RespWriter(UnpooledByteBufAllocator.DEFAULT, () -> 2);
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            w.error("ERR x" + (char) c + "y");
            ByteBuf b = w.take();
            try {
                assertEquals(10, b.readableBytes(), "one line");
                byte written = b.getByte(6);
                int ch = c;
                assertNotEquals((byte) 0x0d, written, () -> "U+" + Integer.toHexString(ch) + " wrote a CR");
                assertNotEquals((byte) 0x0a, written, () -> "U+" + Integer.toHexString(ch) + " wrote a LF");
                assertEquals((byte) 0x0d, b.getByte(8));
                assertEquals((byte) 0x0a, b.getByte(9));
            } finally {
                b.release();
            }
        }
    }
}
