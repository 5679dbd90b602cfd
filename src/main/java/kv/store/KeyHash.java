package kv.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * Seeded 32-bit hash of byte-array keys. The seed is random per process so clients cannot
 * precompute colliding keys (open addressing degrades badly under collisions).
 */
final class KeyHash {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long SEED = new SecureRandom().nextLong();
    private static final long M1 = 0x9E3779B97F4A7C15L;
    private static final long M2 = 0xC2B2AE3D27D4EB4FL;

    private KeyHash() {
    }

    static int hash(byte[] key) {
        return hash(key, 0, key.length);
    }

    /** The hash of {@code len} bytes of {@code key} from {@code off}: equal to that of a copy of them. */
    static int hash(byte[] key, int off, int len) {
        long h = SEED ^ (len * M1);
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            long w = (long) LONGS.get(key, i);
            h = Long.rotateLeft(h ^ (w * M2), 29) * M1;
        }
        if (i < end) {
            long w = 0;
            for (int shift = 0; i < end; i++, shift += 8) {
                w |= (key[i] & 0xffL) << shift;
            }
            h = Long.rotateLeft(h ^ (w * M2), 29) * M1;
        }
        // final avalanche so the low bits, which pick the bucket, depend on every input bit
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        int r = (int) h;
        // 0 and 1 mark empty and migrated slots in the tables' hash arrays (HashSlots.EMPTY, MOVED)
        return (r & ~1) == 0 ? 2 : r;
    }
}
