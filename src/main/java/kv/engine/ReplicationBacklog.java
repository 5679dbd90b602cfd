package kv.engine;

/**
 * The last {@code size} bytes of the replication stream, in a ring, so a replica that reconnects
 * can continue from its offset (Redis' repl_backlog). Offsets are stream positions counted from 1:
 * the backlog holds [{@link #firstByteOffset()}, firstByteOffset + {@link #histlen()}).
 */
public final class ReplicationBacklog {
    private byte[] ring;
    /** Where the next byte goes in the ring. */
    private int writeIndex;
    private long histlen;
    /** Stream offset of the oldest byte held. */
    private long firstByteOffset;

    /** An empty backlog whose first byte will be stream offset {@code nextOffset}. */
    public ReplicationBacklog(int size, long nextOffset) {
        ring = new byte[size];
        firstByteOffset = nextOffset;
    }

    public int size() {
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
        int start = Math.floorMod(writeIndex - len, ring.length);
        int first = Math.min(len, ring.length - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, len - first);
        return out;
    }

    /** CONFIG SET repl-backlog-size: keeps the newest bytes that fit. */
    public void resize(int size) {
        if (size == ring.length) {
            return;
        }
        byte[] kept = copyFrom(firstByteOffset);
        int keep = (int) Math.min(kept.length, size);
        ring = new byte[size];
        System.arraycopy(kept, kept.length - keep, ring, 0, keep);
        firstByteOffset += kept.length - keep;
        histlen = keep;
        writeIndex = keep % size;
    }
}
