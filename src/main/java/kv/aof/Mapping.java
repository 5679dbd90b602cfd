package kv.aof;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

import org.jboss.logging.Logger;

/**
 * A read-write mapping of a file range that can be released at once, not when the garbage
 * collector gets to its buffer: an AOF window must be gone before its file is truncated (touching a
 * mapping past the end of its file is a SIGBUS), and retired windows must not pile up until a GC.
 * <ul>
 *   <li>JDK 22 and later: {@code FileChannel.map(mode, position, size, Arena)} in a shared arena,
 *       unmapped by closing the arena (a later access is an IllegalStateException, not a crash).
 *       Looked up reflectively, as the build targets JDK 17. Not registered for the native image
 *       (its Mandrel builder is JDK 21, where the API is a preview): there the lookup fails and the
 *       cleaner below is used.</li>
 *   <li>Before (JDK 17-21): the buffer's cleaner through {@code sun.misc.Unsafe.invokeCleaner}, which
 *       JDK 24 and later warn about as terminally deprecated: only the fallback for those.</li>
 * </ul>
 */
final class Mapping {
    private static final Logger LOG = Logger.getLogger(Mapping.class);
    private static final ArenaMapper ARENA = ArenaMapper.lookUp();

    private final ByteBuffer buffer;
    private final Runnable unmap;

    private Mapping(ByteBuffer buffer, Runnable unmap) {
        this.buffer = buffer;
        this.unmap = unmap;
    }

    /** Maps {@code [position, position + size)} of {@code channel} (opened for reading and writing). */
    static Mapping map(FileChannel channel, long position, int size) throws IOException {
        if (ARENA != null) {
            Mapping m = ARENA.map(channel, position, size);
            if (m != null) {
                return m;
            }
        }
        MappedByteBuffer b = channel.map(FileChannel.MapMode.READ_WRITE, position, size);
        return new Mapping(b, () -> Cleaner.unmap(b));
    }

    /** The mapped bytes; position 0, capacity the mapped size. */
    ByteBuffer buffer() {
        return buffer;
    }

    /** Releases the mapping: no one may touch {@link #buffer} (or a view of it) afterwards. */
    void unmap() {
        unmap.run();
    }

    /** The JDK 22+ way, through method handles found once. */
    private record ArenaMapper(MethodHandle ofShared, MethodHandle map, MethodHandle asByteBuffer, MethodHandle close) {
        static ArenaMapper lookUp() {
            try {
                Class<?> arena = Class.forName("java.lang.foreign.Arena");
                Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
                MethodHandles.Lookup l = MethodHandles.publicLookup();
                return new ArenaMapper(
                        l.findStatic(arena, "ofShared", MethodType.methodType(arena)),
                        l.findVirtual(FileChannel.class, "map", MethodType.methodType(segment,
                                FileChannel.MapMode.class, long.class, long.class, arena)),
                        l.findVirtual(segment, "asByteBuffer", MethodType.methodType(ByteBuffer.class)),
                        l.findVirtual(arena, "close", MethodType.methodType(void.class)));
            } catch (ReflectiveOperationException | LinkageError e) {
                return null; // before JDK 22 (java.lang.foreign is a preview or absent)
            }
        }

        /** Null when the channel cannot map into an arena (a FileChannel that does not implement it). */
        Mapping map(FileChannel channel, long position, int size) throws IOException {
            Object arena;
            try {
                arena = ofShared.invoke();
            } catch (Throwable e) {
                throw new IOException("cannot create a shared arena", e);
            }
            try {
                Object segment = map.invoke(channel, FileChannel.MapMode.READ_WRITE, position, (long) size, arena);
                ByteBuffer b = (ByteBuffer) asByteBuffer.invoke(segment);
                return new Mapping(b, () -> close(arena));
            } catch (UnsupportedOperationException e) {
                close(arena);
                return null;
            } catch (IOException | RuntimeException | Error e) {
                close(arena);
                throw e;
            } catch (Throwable e) {
                close(arena);
                throw new IOException(e);
            }
        }

        private void close(Object arena) {
            try {
                close.invoke(arena);
            } catch (Throwable e) {
                LOG.warnf("Could not unmap an AOF window: %s", e);
            }
        }
    }

    /** The JDK 17-21 way. */
    private static final class Cleaner {
        private static final sun.misc.Unsafe UNSAFE = unsafe();

        private static sun.misc.Unsafe unsafe() {
            try {
                Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                return (sun.misc.Unsafe) f.get(null);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static void unmap(MappedByteBuffer b) {
            UNSAFE.invokeCleaner(b);
        }
    }
}
