package kv.engine;

import java.util.Arrays;

/**
 * The last {@code size} bytes of the replication stream, in a ring, so a replica that reconnects
 * can continue from its offset (Redis' repl_backlog). Offsets are stream positions counted from 1:
 * the backlog holds [{@link #firstByteOffset()}, firstByteOffset + {@link #histlen()}).
 * The ring grows with the history until it reaches {@code size}, as Redis' backlog allocates its
 * blocks as the stream fills them: until then the bytes lie in order from index 0.
 */
public final class ReplicationBacklog {
    /** The ring's first allocation (Redis' backlog grows by blocks of this size). */
    private static final int FIRST_RING = 16 * 1024;
    private int size;
    private byte[] ring = new byte[0];
    /** Where the next byte goes in the ring. */
    private int writeIndex;
    private long histlen;
    /** Stream offset of the oldest byte held. */
    private long firstByteOffset;

    /** An empty backlog whose first byte will be stream offset {@code nextOffset}. */
    public ReplicationBacklog(int size, long nextOffset) {
        this.size = size;
        firstByteOffset = nextOffset;
    }

    /** repl-backlog-size: the most it holds. */
    public int size() {
        return size;
    }

    /** The ring's bytes allocated so far (INFO mem_replication_backlog; used_memory counts them). */
    public int allocated() {
        return ring.length;
    }

    public long histlen() {
        return histlen;
    }

    public long firstByteOffset() {
        return firstByteOffset;
    }

    /** Appends stream bytes; the oldest ones go when the ring is full. */
    public void append(byte[] b, int off, int len) {
        if (len == 0) {
            return;
        }
        if (ring.length < size && histlen + len > ring.length) {
            grow(histlen + len);
        }
        if (len >= ring.length) {
            // only the tail fits
            int skip = len - ring.length;
            firstByteOffset += histlen + skip;
            System.arraycopy(b, off + skip, ring, 0, ring.length);
            writeIndex = 0;
            histlen = ring.length;
            return;
        }
        int first = Math.min(len, ring.length - writeIndex);
        System.arraycopy(b, off, ring, writeIndex, first);
        System.arraycopy(b, off + first, ring, 0, len - first);
        writeIndex = (writeIndex + len) % ring.length;
        long newHist = histlen + len;
        if (newHist > ring.length) {
            firstByteOffset += newHist - ring.length;
            newHist = ring.length;
        }
        histlen = newHist;
    }

    /** A ring short of {@code size} has never dropped a byte: its history starts at index 0. */
    private void grow(long needed) {
        int length = (int) Math.min(size, Math.max(needed, Math.max(FIRST_RING, 2L * ring.length)));
        ring = Arrays.copyOf(ring, length);
        writeIndex = (int) histlen % length;
    }

    /** Whether the bytes from {@code offset} to the end are all still held (offset may be the end + 1). */
    public boolean holdsFrom(long offset) {
        return offset >= firstByteOffset && offset <= firstByteOffset + histlen;
    }

    /** The bytes from stream offset {@code offset} to the end; requires {@link #holdsFrom}. */
    public byte[] copyFrom(long offset) {
        if (!holdsFrom(offset)) {
            throw new IllegalArgumentException("offset " + offset + " is not in the backlog");
        }
        int len = (int) (firstByteOffset + histlen - offset);
        byte[] out = new byte[len];
        if (len == 0) {
            return out;
        }
        int start = Math.floorMod(writeIndex - len, ring.length);
        int first = Math.min(len, ring.length - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, len - first);
        return out;
    }

    /** CONFIG SET repl-backlog-size: keeps the newest bytes that fit. */
    public void resize(int size) {
        if (size == this.size) {
            return;
        }
        byte[] kept = copyFrom(firstByteOffset);
        int keep = Math.min(kept.length, size);
        this.size = size;
        // the history from index 0 again, the ring no larger than it until appends grow it
        ring = Arrays.copyOfRange(kept, kept.length - keep, kept.length);
        firstByteOffset += kept.length - keep;
        histlen = keep;
        writeIndex = keep == 0 ? 0 : keep % ring.length;
    }
}
