package kv.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

import kv.util.Doubles;
import kv.util.Numbers;

/**
 * Encodes replies as RESP2 or RESP3 into one growing output buffer per read batch. The connection
 * {@link #take() takes} the buffer once the batch is processed and writes it with a single flush.
 */
public final class RespWriter implements Reply {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ByteBufAllocator allocator;
    /** The client's protocol version, read at each write so HELLO's own reply uses the new one. */
    private final IntSupplier protocolSource;
    private ByteBuf out;

    public RespWriter(ByteBufAllocator allocator, IntSupplier protocolSource) {
        this.allocator = allocator;
        this.protocolSource = protocolSource;
    }

    @Override
    public int protocol() {
        return protocolSource.getAsInt();
    }

    /** The bytes written since the last call, or null if nothing was written. */
    public ByteBuf take() {
        ByteBuf b = out;
        out = null;
        return b;
    }

    /** Bytes currently buffered and not yet taken. */
    public int pending() {
        return out == null ? 0 : out.readableBytes();
    }

    public void release() {
        if (out != null) {
            out.release();
            out = null;
        }
    }

    private ByteBuf buf() {
        ByteBuf b = out;
        if (b == null) {
            b = out = allocator.directBuffer(256);
        }
        return b;
    }

    private void header(char type, long n) {
        ByteBuf b = buf();
        b.writeByte(type);
        Numbers.writeAscii(b, n);
        b.writeBytes(CRLF);
    }

    @Override
    public void ok() {
        buf().writeBytes(OK);
    }

    @Override
    public void simple(String status) {
        ByteBuf b = buf();
        b.writeByte('+');
        b.writeCharSequence(status, StandardCharsets.US_ASCII);
        b.writeBytes(CRLF);
    }

    @Override
    public void error(String message) {
        ByteBuf b = buf();
        b.writeByte('-');
        // One byte per char (ISO-8859-1): error texts quote client bytes that way (kv.util.ClientText),
        // so they go back unchanged. CR/LF would break the framing: Redis turns them into spaces. The
        // test is on the byte written, so a char above 0xFF cannot put a CR or LF into the reply.
        for (int i = 0; i < message.length(); i++) {
            int c = message.charAt(i) & 0xff;
            b.writeByte(c == '\r' || c == '\n' ? ' ' : c);
        }
        b.writeBytes(CRLF);
    }

    @Override
    public void integer(long value) {
        header(':', value);
    }

    @Override
    public void bulk(byte[] value) {
        bulk(value, 0, value.length);
    }

    @Override
    public void bulk(byte[] value, int offset, int length) {
        header('$', length);
        ByteBuf b = buf();
        b.writeBytes(value, offset, length);
        b.writeBytes(CRLF);
    }

    @Override
    public void bulkText(String ascii) {
        ByteBuf b = buf();
        b.writeByte('$');
        // Callers pass ASCII; a non-ASCII char would make the length wrong, so encode first.
        byte[] bytes = ascii.getBytes(StandardCharsets.UTF_8);
        Numbers.writeAscii(b, bytes.length);
        b.writeBytes(CRLF);
        b.writeBytes(bytes);
        b.writeBytes(CRLF);
    }

    @Override
    public void bulkLong(long value) {
        ByteBuf b = buf();
        b.writeByte('$');
        Numbers.writeAscii(b, Numbers.digits(value));
        b.writeBytes(CRLF);
        Numbers.writeAscii(b, value);
        b.writeBytes(CRLF);
    }

    @Override
    public void nullBulk() {
        buf().writeBytes(protocol() == 3 ? NULL3 : NULL_BULK);
    }

    @Override
    public void nullArray() {
        buf().writeBytes(protocol() == 3 ? NULL3 : NULL_ARRAY);
    }

    @Override
    public void array(int count) {
        header('*', count);
    }

    @Override
    public void map(int pairs) {
        if (protocol() == 3) {
            header('%', pairs);
        } else {
            header('*', 2L * pairs);
        }
    }

    @Override
    public void set(int count) {
        header(protocol() == 3 ? '~' : '*', count);
    }

    @Override
    public void push(int count) {
        header(protocol() == 3 ? '>' : '*', count);
    }

    @Override
    public void bigNumber(String digits) {
        if (protocol() == 3) {
            ByteBuf b = buf();
            b.writeByte('(');
            b.writeCharSequence(digits, StandardCharsets.US_ASCII);
            b.writeBytes(CRLF);
        } else {
            bulkText(digits);
        }
    }

    @Override
    public void attribute(int pairs) {
        if (protocol() != 3) {
            throw new IllegalStateException("attributes exist only in RESP3");
        }
        header('|', pairs);
    }

    @Override
    public void doubleValue(double value) {
        String text = Doubles.format(value);
        if (protocol() == 3) {
            ByteBuf b = buf();
            b.writeByte(',');
            b.writeCharSequence(text, StandardCharsets.US_ASCII);
            b.writeBytes(CRLF);
        } else {
            bulkText(text);
        }
    }

    @Override
    public void bool(boolean value) {
        if (protocol() == 3) {
            ByteBuf b = buf();
            b.writeByte('#');
            b.writeByte(value ? 't' : 'f');
            b.writeBytes(CRLF);
        } else {
            integer(value ? 1 : 0);
        }
    }

    @Override
    public void verbatim(String format, byte[] text) {
        if (protocol() == 3) {
            header('=', text.length + 4L);
            ByteBuf b = buf();
            b.writeCharSequence(format, StandardCharsets.US_ASCII);
            b.writeByte(':');
            b.writeBytes(text);
            b.writeBytes(CRLF);
        } else {
            bulk(text);
        }
    }
}
