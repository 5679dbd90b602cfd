package kv.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tail chunk is sized as Redis sizes a client's reply buffer: it starts at 16 KiB with the peak
 * at the size, shrinks to the peak + 1 (at least 1 KiB) once the peak falls below half, doubles
 * when a peak fills it, and the peak starts over every peak-reset period (never if negative).
 */
class ReplyBufferResizeTest {
    private static final int CHUNK = ReplyChunks.CHUNK_SIZE;
    private static final long RESET = 5000;

    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true, false);
    private final RespWriter writer = new RespWriter(allocator, () -> 2);
    private final ReplyChunks chunks = writer.chunks();
    private long now = 1_000_000;

    @AfterEach
    void everyChunkIsReleased() {
        writer.release();
        assertEquals(0, allocator.metric().usedDirectMemory());
    }

    /** Writes a bulk reply of {@code total} bytes on the wire and hands it to the "socket", which sends it at once. */
    private void reply(int total) {
        int n = total - 5;
        while (n + String.valueOf(n).length() + 5 > total) {
            n--;
        }
        byte[] value = new byte[n];
        writer.bulk(value);
        ByteBuf out = writer.take();
        assertEquals(total, out.readableBytes());
        out.release();
    }

    /** One run of the periodic resize, a second after the previous one. */
    private int tick() {
        now += 1000;
        return chunks.resize(now, RESET);
    }

    @Test
    void aSmallRepliesClientShrinksToItsPeakAndGrowsBackWhenItFillsTheBuffer() {
        reply(100);
        assertEquals(CHUNK, chunks.peak(), "a new client's peak is the buffer size, as in Redis");
        // the first run starts the period; the sixth, 5 s later, resets the peak after deciding
        for (int i = 0; i < 6; i++) {
            assertEquals(0, tick(), "no change while the peak is the size");
        }
        assertEquals(0, chunks.peak(), "reset to what the buffer holds now");
        reply(300);
        assertEquals(-1, tick());
        assertEquals(ReplyChunks.MIN_TAIL_SIZE, chunks.tailSize(), "peak 300 + 1 is below the 1 KiB minimum");
        reply(10);
        assertEquals(ReplyChunks.MIN_TAIL_SIZE, chunks.tailCapacity(), "the empty tail took the new size");
        // a peak that fills the buffer doubles it, up to 16 KiB
        reply(ReplyChunks.MIN_TAIL_SIZE);
        assertEquals(ReplyChunks.MIN_TAIL_SIZE, chunks.peak());
        assertEquals(1, tick());
        assertEquals(2048, chunks.tailSize());
    }

    @Test
    void aReplyLargerThanTheBufferMarksItFull() {
        for (int i = 0; i < 6; i++) {
            tick();
        }
        reply(3000);
        assertEquals(-1, tick());
        assertEquals(3001, chunks.tailSize());
        reply(10);
        assertEquals(3001, chunks.tailCapacity());
        // a reply larger than the buffer spills into 16 KiB blocks and marks the buffer full
        reply(20_000);
        assertEquals(3001, chunks.peak());
        assertEquals(1, tick());
        assertEquals(6002, chunks.tailSize());
    }

    @Test
    void withoutPeakResetsThePeakStays() {
        reply(100);
        for (int i = 0; i < 10; i++) {
            now += 1000;
            assertEquals(0, chunks.resize(now, -1));
        }
        assertEquals(CHUNK, chunks.peak());
        assertEquals(CHUNK, chunks.tailSize());
    }

    @Test
    void repliesStayIntactAcrossResizes() {
        for (int i = 0; i < 6; i++) {
            tick();
        }
        assertEquals(-1, tick());
        for (int size : new int[] {50, 5000, 1023, 1024, 1025, 40_000, 7}) {
            byte[] value = new byte[size];
            java.util.Arrays.fill(value, (byte) 'x');
            writer.bulk(value);
            writer.simple("OK");
            ByteBuf out = writer.take();
            String expected = "$" + size + "\r\n" + "x".repeat(size) + "\r\n+OK\r\n";
            assertEquals(expected, out.toString(StandardCharsets.ISO_8859_1));
            out.release();
            tick();
        }
    }
}
