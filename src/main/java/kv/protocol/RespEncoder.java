package kv.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable byte buffer that commands are appended to in RESP (arrays of bulk strings), as the AOF
 * and the replication stream carry them.
 */
public final class RespEncoder {
    private byte[] bytes;
    private int size;

    public RespEncoder(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    public void command(byte[][] argv) {
        header('*', argv.length);
        for (byte[] arg : argv) {
            bulk(arg, 0, arg.length);
        }
    }

    public void header(char kind, long n) {
        ensure(24);
        bytes[size++] = (byte) kind;
        if (n < 0) {
            bytes[size++] = '-';
            n = -n;
        }
        int start = size;
        do {
            bytes[size++] = (byte) ('0' + n % 10);
            n /= 10;
        } while (n > 0);
        for (int i = start, j = size - 1; i < j; i++, j--) {
            byte t = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = t;
        }
        bytes[size++] = '\r';
        bytes[size++] = '\n';
    }

    public void bulk(byte[] b, int offset, int length) {
        header('$', length);
        ensure(length + 2);
        System.arraycopy(b, offset, bytes, size, length);
        size += length;
        bytes[size++] = '\r';
        bytes[size++] = '\n';
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The content as a buffer to write (valid until the next append or {@link #clear}). */
    public ByteBuffer view() {
        return ByteBuffer.wrap(bytes, 0, size);
    }

    /** Drops the first {@code n} bytes (they reached the file although the write as a whole failed). */
    public void discardFirst(int n) {
        System.arraycopy(bytes, n, bytes, 0, size - n);
        size -= n;
    }

    /** Empties the buffer; a big one left by a burst shrinks back so it does not hold memory forever. */
    public void clear() {
        size = 0;
        if (bytes.length > 4 << 20) {
            bytes = new byte[64 * 1024];
        }
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
