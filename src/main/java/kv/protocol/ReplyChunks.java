package kv.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

import java.util.ArrayDeque;

/**
 * One client's reply bytes that have not been handed to the socket yet, in fixed-size chunks
 * taken from a (pooled) allocator. Writers ask for {@link #room(int) room} in the tail chunk or
 * {@link #write(byte[], int, int) spill} long values over as many chunks as they need; the
 * connection {@link #take() takes} everything written so far as one buffer and writes it.
 *
 * <p>The tail chunk outlives a take: what was written is handed over as a retained slice and
 * later replies go into the rest of the same chunk, so many small flushes (a busy pipeline, one
 * MONITOR line per loop turn) share one chunk instead of pinning a mostly empty chunk each while
 * the socket drains. Bytes below the writer index are rewritten only once no slice of the chunk
 * is left in the socket's queue (its reference count is back to ours alone).
 *
 * <p>The tail chunk is what Redis calls a client's reply buffer, and it is sized the way Redis
 * sizes that buffer ({@link #resize}): it starts at 16 KiB, shrinks towards the peak use seen
 * (never below 1 KiB) and doubles back when a peak fills it. Chunks after it, while output is
 * queued, are always 16 KiB, as Redis' reply list blocks.
 */
public final class ReplyChunks {
    /** Capacity of every chunk, as Redis' reply blocks (PROTO_REPLY_CHUNK_BYTES). */
    public static final int CHUNK_SIZE = 16 * 1024;
    /** A tail with less room than this is handed over whole instead of sliced. */
    private static final int MIN_TAIL_ROOM = 1024;
    /** The smallest reply buffer (Redis' PROTO_REPLY_MIN_BYTES). */
    public static final int MIN_TAIL_SIZE = 1024;

    private final ByteBufAllocator allocator;
    /** Filled chunks before the tail that still hold bytes not taken, oldest first. */
    private final ArrayDeque<ByteBuf> filled = new ArrayDeque<>();
    private ByteBuf tail;
    /** The size a tail chunk is allocated with when nothing is queued (Redis' rbs). */
    private int tailSize = CHUNK_SIZE;
    /** The most of a tail chunk used since the last peak reset (Redis' rbp; it starts at the size, as Redis). */
    private int peak = CHUNK_SIZE;
    /** When the peak was last reset; 0 until the first {@link #resize}. */
    private long peakResetAtMs;

    public ReplyChunks(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    /** The tail chunk with at least {@code n} writable bytes ({@code n <= CHUNK_SIZE}); a new chunk if the tail has less. */
    ByteBuf room(int n) {
        ByteBuf t = tail;
        if (t != null) {
            // nothing waits in it and the socket released every slice (the count is ours alone):
            // start over at the chunk's cache-warm beginning, as Redis resets its reply buffer
            if (t.readerIndex() == t.writerIndex() && t.writerIndex() > 0 && t.refCnt() == 1) {
                if (t.capacity() != tailSize && n <= tailSize) {
                    // resized meanwhile (or an overflow chunk): the next buffer gets the new size
                    t.release();
                    tail = null;
                    return nextChunk(n);
                }
                t.clear();
            }
            if (t.writableBytes() >= n) {
                return t;
            }
        }
        return nextChunk(n);
    }

    private ByteBuf nextChunk(int n) {
        ByteBuf t = tail;
        boolean queued = !filled.isEmpty();
        if (t != null) {
            notePeak(t);
            if (t.isReadable()) {
                filled.add(t);
                queued = true;
            } else {
                t.release();
            }
        }
        // the reply buffer when nothing waits, else a reply-list block of the full size
        int size = queued ? CHUNK_SIZE : Math.max(n, tailSize);
        tail = allocator.directBuffer(size, size);
        return tail;
    }

    private void notePeak(ByteBuf t) {
        int used = Math.min(t.writerIndex(), tailSize);
        if (used > peak) {
            peak = used;
        }
    }

    /** Appends bytes of any length, filling the tail and continuing in new chunks. */
    void write(byte[] src, int offset, int length) {
        while (length > 0) {
            ByteBuf t = room(1);
            int n = Math.min(length, t.writableBytes());
            t.writeBytes(src, offset, n);
            offset += n;
            length -= n;
        }
    }

    /**
     * Appends the low byte of every char of {@code text} (callers pass ASCII, or Latin-1 chars
     * standing for bytes), any length; CR and LF become spaces if {@code crlfAsSpace}.
     */
    void writeChars(CharSequence text, boolean crlfAsSpace) {
        int i = 0;
        int length = text.length();
        while (i < length) {
            ByteBuf t = room(1);
            int end = i + Math.min(length - i, t.writableBytes());
            for (; i < end; i++) {
                // one byte per char; the CR/LF test is on the byte written, so a char above 0xFF
                // cannot put a CR or LF into the reply
                int c = text.charAt(i) & 0xff;
                t.writeByte(crlfAsSpace && (c == '\r' || c == '\n') ? ' ' : c);
            }
        }
    }

    /** Everything written since the last take as one buffer the caller now owns, or null if nothing was. */
    public ByteBuf take() {
        ByteBuf t = tail;
        boolean tailReadable = t != null && t.isReadable();
        if (filled.isEmpty()) {
            return tailReadable ? detachTail() : null;
        }
        CompositeByteBuf all = allocator.compositeDirectBuffer(filled.size() + 1);
        ByteBuf c;
        while ((c = filled.poll()) != null) {
            all.addComponent(true, c);
        }
        if (tailReadable) {
            all.addComponent(true, detachTail());
        }
        return all;
    }

    private ByteBuf detachTail() {
        ByteBuf t = tail;
        notePeak(t);
        if (t.writableBytes() < Math.min(MIN_TAIL_ROOM, t.capacity() / 4)) {
            tail = null;
            return t;
        }
        ByteBuf written = t.retainedSlice();
        t.readerIndex(t.writerIndex());
        return written;
    }

    /** Bytes written and not taken yet. */
    public long pending() {
        long n = tail == null ? 0 : tail.readableBytes();
        for (ByteBuf c : filled) {
            n += c.readableBytes();
        }
        return n;
    }

    /** Bytes not taken yet in the tail chunk (what Redis calls the reply buffer, {@code obl}). */
    public int pendingInTail() {
        return tail == null ? 0 : tail.readableBytes();
    }

    /** Filled chunks waiting before the tail. */
    public int filledChunks() {
        return filled.size();
    }

    /** Capacity of the tail chunk held for the next replies: {@link #CHUNK_SIZE} or 0. */
    public int tailCapacity() {
        return tail == null ? 0 : tail.capacity();
    }

    /** The most of the reply buffer used since the last peak reset (CLIENT LIST rbp). */
    public int peak() {
        return peak;
    }

    /** The size the reply buffer gets when it is next allocated. */
    public int tailSize() {
        return tailSize;
    }

    /**
     * Redis' reply-buffer resize, run about once a second per client: a peak below half the size
     * shrinks the buffer to the peak plus one byte (at least {@link #MIN_TAIL_SIZE}); a peak that
     * filled it doubles it, up to {@link #CHUNK_SIZE}. Then the peak restarts from what the buffer
     * holds now if {@code peakResetMs} (negative: never) passed since the last reset. The tail chunk
     * takes the new size when it is next empty. Returns -1 shrunk, 1 grown, 0 unchanged.
     */
    public int resize(long nowMs, long peakResetMs) {
        if (peakResetAtMs == 0) {
            peakResetAtMs = nowMs;
        }
        int newSize = 0;
        int change = 0;
        if (tailSize / 2 >= MIN_TAIL_SIZE && peak < tailSize / 2) {
            newSize = Math.max(MIN_TAIL_SIZE, peak + 1);
            change = -1;
        } else if (tailSize < CHUNK_SIZE && peak == tailSize) {
            newSize = Math.min(CHUNK_SIZE, tailSize * 2);
            change = 1;
        }
        if (peakResetMs >= 0 && nowMs - peakResetAtMs >= peakResetMs) {
            peak = tail == null ? 0 : Math.min(tail.readableBytes(), tailSize);
            peakResetAtMs = nowMs;
        }
        if (newSize != 0) {
            tailSize = newSize;
        }
        return change;
    }

    /** Gives the tail chunk back to the pool if nothing in it waits (an idle client need not hold 16 KiB). */
    public void releaseEmptyTail() {
        if (tail != null && !tail.isReadable()) {
            tail.release();
            tail = null;
        }
    }

    /** Drops every chunk (the connection is gone); slices already taken stay valid until written. */
    public void release() {
        ByteBuf c;
        while ((c = filled.poll()) != null) {
            c.release();
        }
        if (tail != null) {
            tail.release();
            tail = null;
        }
    }
}
