package kv.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

import kv.util.Doubles;
import kv.util.Numbers;

/**
 * Encodes replies as RESP2 or RESP3 into the client's {@link ReplyChunks}. The connection
 * {@link #take() takes} what was written once a read batch is processed (or, for pushes to other
 * clients, once per event-loop turn) and writes it with a single flush.
 */
public final class RespWriter implements Reply {
    /** CR LF as one big-endian short: a single store, where a two-byte array copy costs Unsafe's checks. */
    private static final int CRLF = 0x0D0A;
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QUEUED = "+QUEUED\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Type byte, a long in decimal (at most 20 chars) and CRLF. */
    private static final int HEADER_MAX = 23;
    /** Bulk strings up to this length take {@link #smallBulk}. */
    private static final int SMALL_BULK = 8;
    /** "$n" CRLF, the long of bytes, CRLF. */
    private static final int SMALL_BULK_ROOM = 4 + 8 + 2;

    private final ReplyChunks out;
    /** The client's protocol version, read at each write so HELLO's own reply uses the new one. */
    private final IntSupplier protocolSource;

    public RespWriter(ByteBufAllocator allocator, IntSupplier protocolSource) {
        this.out = new ReplyChunks(allocator);
        this.protocolSource = protocolSource;
    }

    @Override
    public int protocol() {
        return protocolSource.getAsInt();
    }

    /** The bytes written since the last call as one buffer the caller owns, or null if nothing was written. */
    public ByteBuf take() {
        return out.take();
    }

    /** The chunks holding what was written and not taken yet. */
    public ReplyChunks chunks() {
        return out;
    }

    public void release() {
        out.release();
    }

    /** Appends bytes that already are complete RESP (of this client's protocol version), as they are. */
    public void encoded(byte[] resp) {
        out.write(resp, 0, resp.length);
    }

    private void header(char type, long n) {
        ByteBuf b = out.room(HEADER_MAX);
        if (n >= 0 && n < 100_000) {
            // type, up to 5 digits and CRLF fit one big-endian long: one store
            int digits = Numbers.digits(n);
            int w = b.writerIndex();
            b.setLong(w, (long) type << 56 | Numbers.asciiWord(n) << 8 * (7 - digits) | (long) CRLF << 8 * (5 - digits));
            b.writerIndex(w + digits + 3);
            return;
        }
        b.writeByte(type);
        Numbers.writeAscii(b, n);
        b.writeShort(CRLF);
    }

    /** A type byte, text and CRLF; the text may be longer than a chunk (a MONITOR line of a large SET). */
    private void line(char type, String text, boolean crlfAsSpace) {
        int length = text.length();
        if (length + 3 <= ReplyChunks.CHUNK_SIZE && !crlfAsSpace) {
            ByteBuf b = out.room(length + 3);
            b.writeByte(type);
            b.writeCharSequence(text, StandardCharsets.US_ASCII);
            b.writeShort(CRLF);
            return;
        }
        out.room(1).writeByte(type);
        out.writeChars(text, crlfAsSpace);
        out.room(2).writeShort(CRLF);
    }

    @Override
    public void ok() {
        out.room(OK.length).writeBytes(OK);
    }

    @Override
    public void queued() {
        out.room(QUEUED.length).writeBytes(QUEUED);
    }

    @Override
    public void simple(String status) {
        line('+', status, false);
    }

    @Override
    public void error(String message) {
        // One byte per char (ISO-8859-1): error texts quote client bytes that way (kv.util.ClientText),
        // so they go back unchanged. CR/LF would break the framing: Redis turns them into spaces.
        line('-', message, true);
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
        if (length <= SMALL_BULK) {
            smallBulk(value, offset, length);
            return;
        }
        header('$', length);
        ByteBuf b = out.room(1);
        if (b.writableBytes() >= length + 2) {
            b.writeBytes(value, offset, length);
            b.writeShort(CRLF);
        } else {
            out.write(value, offset, length);
            out.room(2).writeShort(CRLF);
        }
    }

    /**
     * A bulk string of at most {@link #SMALL_BULK} bytes (list elements, counters, short values) in
     * three stores: its header, its bytes gathered into one long, the CRLF over what the long wrote
     * past them; each store is a bounds check instead of an array copy's checks.
     */
    private void smallBulk(byte[] value, int offset, int length) {
        long word = 0;
        for (int i = 0; i < length; i++) {
            word |= (value[offset + i] & 0xFFL) << (56 - 8 * i);
        }
        ByteBuf b = out.room(SMALL_BULK_ROOM);
        int w = b.writerIndex();
        b.setInt(w, '$' << 24 | ('0' + length) << 16 | CRLF);
        b.setLong(w + 4, word);
        b.setShort(w + 4 + length, CRLF);
        b.writerIndex(w + 6 + length);
    }

    @Override
    public void bulkText(String ascii) {
        // Callers pass ASCII; a non-ASCII char would make the length wrong, so encode first.
        byte[] bytes = ascii.getBytes(StandardCharsets.UTF_8);
        bulk(bytes, 0, bytes.length);
    }

    @Override
    public void bulkLong(long value) {
        ByteBuf b = out.room(2 * HEADER_MAX);
        b.writeByte('$');
        Numbers.writeAscii(b, Numbers.digits(value));
        b.writeShort(CRLF);
        Numbers.writeAscii(b, value);
        b.writeShort(CRLF);
    }

    @Override
    public void nullBulk() {
        byte[] nil = protocol() == 3 ? NULL3 : NULL_BULK;
        out.room(nil.length).writeBytes(nil);
    }

    @Override
    public void nullArray() {
        byte[] nil = protocol() == 3 ? NULL3 : NULL_ARRAY;
        out.room(nil.length).writeBytes(nil);
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
            line('(', digits, false);
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
        doubleText(Doubles.format(value));
    }

    @Override
    public void doubleText(String text) {
        if (protocol() == 3) {
            line(',', text, false);
        } else {
            bulkText(text);
        }
    }

    @Override
    public void bool(boolean value) {
        if (protocol() == 3) {
            ByteBuf b = out.room(4);
            b.writeByte('#');
            b.writeByte(value ? 't' : 'f');
            b.writeShort(CRLF);
        } else {
            integer(value ? 1 : 0);
        }
    }

    @Override
    public void verbatim(String format, byte[] text) {
        if (protocol() == 3) {
            header('=', text.length + 4L);
            ByteBuf b = out.room(4);
            b.writeCharSequence(format, StandardCharsets.US_ASCII);
            b.writeByte(':');
            out.write(text, 0, text.length);
            out.room(2).writeShort(CRLF);
        } else {
            bulk(text);
        }
    }
}
