package kv.aof;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel that fails on demand, as a full disk or a dying device would: {@link #failWrites}
 * makes writes throw after accepting {@link #acceptBeforeFailure} bytes (a short write), and
 * {@link #failForce} makes fsync throw. Each fsync is counted ({@link #forces}) with the thread
 * that ran it. Everything else goes to the real channel.
 */
final class FailingChannel extends FileChannel {
    static final String ENOSPC = "No space left on device";
    static final String EIO = "Input/output error";

    private final FileChannel real;
    volatile boolean failWrites;
    volatile boolean failForce;
    volatile boolean failTruncate;
    volatile int acceptBeforeFailure;
    /** Fsyncs that succeeded, and the thread of the last one. */
    volatile int forces;
    volatile Thread lastForceThread;

    FailingChannel(FileChannel real) {
        this.real = real;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (failWrites) {
            int accept = Math.min(acceptBeforeFailure, src.remaining());
            acceptBeforeFailure -= accept;
            if (accept > 0) {
                ByteBuffer part = src.duplicate();
                part.limit(part.position() + accept);
                int n = real.write(part);
                src.position(src.position() + n);
                return n;
            }
            throw new IOException(ENOSPC);
        }
        return real.write(src);
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (failForce) {
            throw new IOException(EIO);
        }
        real.force(metaData);
        lastForceThread = Thread.currentThread();
        forces++;
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (failTruncate) {
            throw new IOException(EIO);
        }
        real.truncate(size);
        return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return real.read(dsts, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        throw new UnsupportedOperationException("the AOF writes one buffer at a time");
    }

    @Override
    public long position() throws IOException {
        return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        real.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return real.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return real.read(dst, position);
    }

    /** The AOF's only writes: the filler that pre-sizes a mapped window. */
    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (failWrites) {
            int accept = Math.min(acceptBeforeFailure, src.remaining());
            acceptBeforeFailure -= accept;
            if (accept > 0) {
                ByteBuffer part = src.duplicate();
                part.limit(part.position() + accept);
                int n = real.write(part, position);
                src.position(src.position() + n);
                return n;
            }
            throw new IOException(ENOSPC);
        }
        return real.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        real.close();
    }
}
