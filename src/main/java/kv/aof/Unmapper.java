package kv.aof;

import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;

import sun.misc.Unsafe;

/**
 * Releases a mapping now instead of when the garbage collector gets to its buffer: an AOF window
 * must be gone before its file is truncated (touching a mapping past the end of its file is a
 * SIGBUS), and thousands of retired windows must not pile up until a GC. JDK 17 has no supported
 * unmap; {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, still there in JDK 25)
 * runs the buffer's cleaner, which unmaps. The Unsafe instance is looked up once, here; the native
 * image keeps the field through META-INF/native-image/kv/kv/reflect-config.json.
 */
final class Unmapper {
    private static final Unsafe UNSAFE = lookUp();

    private Unmapper() {
    }

    private static Unsafe lookUp() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Unmaps {@code buffer}: no one may touch it (or a view of it) afterwards. */
    static void unmap(MappedByteBuffer buffer) {
        UNSAFE.invokeCleaner(buffer);
    }
}
