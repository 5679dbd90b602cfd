package kv.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Replies rendered into fixed-size chunks: exact bytes across chunk boundaries, accounting, and every chunk released. */
class RespWriterChunksTest {
    private static final int CHUNK = ReplyChunks.CHUNK_SIZE;

    /** Counts direct memory, so a chunk that is never released shows up. */
    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true, false);
    private final RespWriter writer = new RespWriter(allocator, () -> 2);
    private final ByteArrayOutputStream expected = new ByteArrayOutputStream();

    @AfterEach
    void everyChunkIsReleased() {
        writer.release();
        assertEquals(0, allocator.metric().usedDirectMemory());
    }

    private void expect(String latin1) {
        expected.writeBytes(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void expectBulk(byte[] value) {
        expect("$" + value.length + "\r\n");
        expected.writeBytes(value);
        expect("\r\n");
    }

    /** Takes what was written, checks it against everything expected since the last call, and releases it as the socket would. */
    private void takeAndCheck() {
        ByteBuf out = writer.take();
        byte[] actual = new byte[out.readableBytes()];
        out.readBytes(actual);
        out.release();
        byte[] want = expected.toByteArray();
        expected.reset();
        if (!Arrays.equals(want, actual)) {
            assertEquals(new String(want, StandardCharsets.ISO_8859_1), new String(actual, StandardCharsets.ISO_8859_1));
        }
    }

    private static byte[] pattern(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    @Test
    void manySmallRepliesFillSeveralChunksInOrder() {
        for (int i = 0; i < 10_000; i++) {
            writer.integer(i);
            expect(":" + i + "\r\n");
            writer.ok();
            expect("+OK\r\n");
        }
        ReplyChunks chunks = writer.chunks();
        assertTrue(chunks.filledChunks() >= 4, "filled " + chunks.filledChunks());
        assertEquals(expected.size(), chunks.pending());
        takeAndCheck();
        assertEquals(0, chunks.pending());
        assertNull(writer.take());
    }

    @Test
    void largeBulkSpansChunksBetweenSmallReplies() {
        byte[] big = pattern(5 * CHUNK + 123);
        writer.integer(-42);
        expect(":-42\r\n");
        writer.bulk(big);
        expectBulk(big);
        writer.simple("PONG");
        expect("+PONG\r\n");
        writer.bulk(big, 7, 3);
        expect("$3\r\nhij\r\n");
        takeAndCheck();
    }

    @Test
    void everyReplyTypeAcrossEveryBoundaryOffset() {
        // shift the start of a mixed sequence over the last bytes of a chunk, so each header,
        // payload and CRLF in turn lands on the boundary
        for (int room = 0; room <= 40; room++) {
            int filler = CHUNK - room - ("$" + (CHUNK - room) + "\r\n\r\n").length();
            byte[] fill = pattern(Math.max(0, filler));
            writer.bulk(fill);
            expectBulk(fill);
            writer.array(3);
            expect("*3\r\n");
            writer.bulkLong(Long.MIN_VALUE);
            expect("$20\r\n-9223372036854775808\r\n");
            writer.nullBulk();
            expect("$-1\r\n");
            writer.bulkText("text");
            expect("$4\r\ntext\r\n");
            writer.map(1);
            expect("*2\r\n");
            writer.doubleValue(1.5);
            expect("$3\r\n1.5\r\n");
            writer.verbatim("txt", pattern(30));
            expectBulk(pattern(30));
            writer.error("ERR bad\r\nthing");
            expect("-ERR bad  thing\r\n");
            writer.nullArray();
            expect("*-1\r\n");
            writer.bulk(new byte[0]);
            expect("$0\r\n\r\n");
            takeAndCheck();
        }
    }

    @Test
    void shortBulksAndHeadersOfEveryWidthAcrossTheChunkEnd() {
        // short values are gathered into one long and headers of up to five digits stored as one:
        // every length, any byte value, values at the very end of their array, each over the chunk end
        byte[] source = new byte[12];
        for (int i = 0; i < source.length; i++) {
            source[i] = (byte) (i % 2 == 0 ? 0xFF - i : '\r' + i % 3);
        }
        long[] counts = {0, 9, 10, 99, 100, 9_999, 10_000, 99_999, 100_000, 12_345_678, 123_456_789_012L};
        for (int room = 0; room <= 24; room++) {
            int filler = CHUNK - room - ("$" + (CHUNK - room) + "\r\n\r\n").length();
            byte[] fill = pattern(Math.max(0, filler));
            writer.bulk(fill);
            expectBulk(fill);
            for (int length = 0; length <= 10; length++) {
                int offset = source.length - length;
                writer.bulk(source, offset, length);
                expectBulk(Arrays.copyOfRange(source, offset, source.length));
                writer.bulk(source, 0, length);
                expectBulk(Arrays.copyOf(source, length));
            }
            for (long n : counts) {
                writer.array((int) Math.min(n, Integer.MAX_VALUE));
                expect("*" + Math.min(n, Integer.MAX_VALUE) + "\r\n");
                writer.integer(n);
                expect(":" + n + "\r\n");
                writer.integer(-n);
                expect(":" + (-n) + "\r\n");
            }
            takeAndCheck();
        }
    }

    @Test
    void resp3RepliesAcrossChunks() {
        RespWriter resp3 = new RespWriter(allocator, () -> 3);
        byte[] text = pattern(2 * CHUNK);
        resp3.verbatim("txt", text);
        resp3.doubleValue(2.5);
        resp3.bool(true);
        resp3.nullBulk();
        resp3.push(2);
        ByteBuf out = resp3.take();
        byte[] actual = new byte[out.readableBytes()];
        out.readBytes(actual);
        out.release();
        resp3.release();
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.writeBytes(("=" + (text.length + 4) + "\r\ntxt:").getBytes(StandardCharsets.US_ASCII));
        want.writeBytes(text);
        want.writeBytes("\r\n,2.5\r\n#t\r\n_\r\n>2\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(Arrays.equals(want.toByteArray(), actual));
    }

    @Test
    void linesLongerThanAChunk() {
        String status = "x".repeat(3 * CHUNK + 5);
        writer.simple(status);
        expect("+" + status + "\r\n");
        String error = "ERR " + "\n".repeat(CHUNK) + "end";
        writer.error(error);
        expect("-ERR " + " ".repeat(CHUNK) + "end\r\n");
        takeAndCheck();
    }

    @Test
    void theTailChunkIsReusedAfterATake() {
        ReplyChunks chunks = writer.chunks();
        writer.ok();
        expect("+OK\r\n");
        assertEquals(5, chunks.pendingInTail());
        // what was taken stays valid while later replies go into the same chunk
        ByteBuf first = writer.take();
        assertEquals(CHUNK, chunks.tailCapacity());
        assertEquals(0, chunks.pending());
        writer.integer(7);
        ByteBuf second = writer.take();
        assertEquals("+OK\r\n", first.toString(StandardCharsets.US_ASCII));
        assertEquals(":7\r\n", second.toString(StandardCharsets.US_ASCII));
        assertEquals(CHUNK, allocator.metric().usedDirectMemory(), "one chunk serves both takes");
        first.release();
        second.release();
        // once the socket released every slice, the next replies start again at the chunk's beginning
        writer.integer(8);
        ByteBuf third = writer.take();
        assertEquals(":8\r\n", third.toString(StandardCharsets.US_ASCII));
        assertEquals(third.unwrap().memoryAddress(), third.memoryAddress());
        // while a slice is still queued its bytes stay untouched
        writer.integer(9);
        ByteBuf fourth = writer.take();
        assertEquals(":8\r\n", third.toString(StandardCharsets.US_ASCII));
        assertEquals(":9\r\n", fourth.toString(StandardCharsets.US_ASCII));
        third.release();
        fourth.release();
        expected.reset();
    }

    @Test
    void anEmptyTailGoesBackToThePoolAndABusyOneStays() {
        ReplyChunks chunks = writer.chunks();
        writer.ok();
        chunks.releaseEmptyTail();
        assertEquals(CHUNK, chunks.tailCapacity(), "holds a reply not taken yet");
        writer.take().release();
        chunks.releaseEmptyTail();
        assertEquals(0, chunks.tailCapacity());
        assertEquals(0, allocator.metric().usedDirectMemory());
        writer.integer(1);
        expect(":1\r\n");
        takeAndCheck();
    }

    @Test
    void nothingWrittenNothingTaken() {
        assertNull(writer.take());
        assertEquals(0, writer.chunks().pending());
        assertEquals(0, writer.chunks().tailCapacity());
    }
}
