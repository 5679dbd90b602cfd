package kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * used_memory must follow the real heap: each encoding's {@link CompoundValue#heapBytes} estimate
 * is compared with the size JOL measures of the objects the value actually holds (everything
 * reachable from it, minus what every value of its kind shares, such as static empty arrays).
 * The estimates assume 64-bit HotSpot with compressed references and compressed class pointers
 * (12-byte headers, 16-byte array headers, 8-byte alignment); elsewhere the test is skipped.
 */
class EncodingLayoutTest {
    private static final SetValue.Limits SET_LIMITS = new SetValue.Limits(512, 128, 64);
    private static final SortedSet.Limits ZSET_LIMITS = new SortedSet.Limits(128, 64);

    @BeforeAll
    static void onTheLayoutTheEstimatesAssume() {
        String details = VM.current().details();
        assumeTrue(VM.current().objectHeaderSize() == 12 && VM.current().arrayHeaderSize() == 16
                && VM.current().objectAlignment() == 8, "not the layout Memory assumes: " + details);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes reachable from {@code a} that no other value of its kind (here {@code b}) reaches too. */
    private static long ownBytes(Object a, Object b) {
        long shared = GraphLayout.parseInstance(a).totalSize() + GraphLayout.parseInstance(b).totalSize()
                - GraphLayout.parseInstance(a, b).totalSize();
        return GraphLayout.parseInstance(a).totalSize() - shared;
    }

    private static void check(String what, IntFunction<CompoundValue> make) {
        CompoundValue v = make.apply(1);
        CompoundValue other = make.apply(2);
        assertEquals(ownBytes(v, other), v.heapBytes(),
                what + " (" + v.encoding() + "): estimate vs JOL\n" + GraphLayout.parseInstance(v).toFootprint());
    }

    private static HashValue hash(int seed, int fields, int valueLength, boolean ttl) {
        HashValue h = new HashValue();
        for (int i = 0; i < fields; i++) {
            h.set(b("field:" + seed + ":" + i), new byte[valueLength + i % 7], 128, 64);
        }
        if (ttl) {
            h.setTtl(b("field:" + seed + ":0"), 4_000_000_000_000L);
        }
        return h;
    }

    @Test
    void hashes() {
        check("small hash", s -> hash(s, 4, 8, false));
        check("small hash with a field TTL", s -> hash(s, 5, 8, true));
        check("big hash", s -> hash(s, 1000, 9, false));
        check("big hash with field TTLs", s -> hash(s, 300, 9, true));
    }

    private static SetValue set(int seed, int members, boolean integers) {
        SetValue s = null;
        for (int i = 0; i < members; i++) {
            byte[] m = b(integers ? Long.toString(i * 1_000_003L * seed) : "member:" + seed + ":" + i);
            if (s == null) {
                s = SetValue.create(m, 1, SET_LIMITS);
            }
            s.add(m, SET_LIMITS);
        }
        return s;
    }

    @Test
    void sets() {
        check("intset", s -> set(s, 5, true));
        check("big intset", s -> set(s, 500, true));
        check("small set of strings", s -> set(s, 5, false));
        check("big set", s -> set(s, 1000, false));
    }

    private static SortedSet zset(int seed, int members) {
        SortedSet z = SortedSet.create(1, 10, ZSET_LIMITS);
        for (int i = 0; i < members; i++) {
            z.put(b("m:" + seed + ":" + i), i % 3 == 0 ? i : i + 0.5, ZSET_LIMITS);
        }
        return z;
    }

    @Test
    void sortedSets() {
        check("small sorted set", s -> zset(s, 5));
        check("big sorted set", s -> zset(s, 1000));
    }

    /** A big sorted set after removing all but every {@code keep}-th member. */
    private static SortedSet thinned(int seed, int keep) {
        SortedSet z = zset(seed, 1000);
        for (int i = 0; i < 1000; i++) {
            if (i % keep != 0) {
                z.remove(b("m:" + seed + ":" + i));
            }
        }
        return z;
    }

    @Test
    void sortedSetsAfterRemovals() {
        check("big sorted set, half removed", s -> thinned(s, 2));
        check("big sorted set, nine in ten removed", s -> thinned(s, 10));
    }
}
