package kv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * The compact intset against a model of Redis' own intset: a sorted set of longs whose width (2, 4
 * or 8) is the widest any added value ever needed. Redis' layout made from ours must be exactly
 * what Redis would hold (RDB and DUMP payloads are byte-identical), and our width the fewest bytes.
 */
class IntSetTest {
    private static int redisWidth(long v) {
        return v == (short) v ? 2 : v == (int) v ? 4 : 8;
    }

    private static byte[] redisLayout(TreeSet<Long> values, int width) {
        ByteBuffer b = ByteBuffer.allocate(8 + width * values.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(width).putInt(values.size());
        for (long v : values) {
            switch (width) {
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    private static long randomValue(Random r) {
        int bytes = 1 + r.nextInt(8);
        long v = r.nextLong() >> (64 - 8 * bytes);
        return r.nextInt(4) == 0 ? r.nextInt(7) - 3 : v;
    }

    @Test
    void matchesRedisIntsetAfterRandomAddsAndRemoves() {
        Random r = new Random(14);
        for (int round = 0; round < 300; round++) {
            byte[] set = IntSet.empty();
            TreeSet<Long> model = new TreeSet<>();
            int redisWidth = 2;
            int maxBytes = 1 + r.nextInt(8);
            for (int op = 0; op < 60; op++) {
                long v = r.nextLong() >> (64 - 8 * (1 + r.nextInt(maxBytes)));
                if (r.nextInt(3) == 0 && !model.isEmpty()) {
                    long victim = r.nextBoolean() ? model.first() : v;
                    set = IntSet.remove(set, victim);
                    model.remove(victim);
                } else {
                    set = IntSet.add(set, v);
                    model.add(v);
                    redisWidth = Math.max(redisWidth, redisWidth(v));
                }
                assertEquals(model.size(), IntSet.size(set));
                int i = 0;
                for (long m : model) {
                    assertEquals(m, IntSet.get(set, i++));
                }
                assertArrayEquals(redisLayout(model, redisWidth), IntSet.toRedisLayout(set));
            }
        }
    }

    @Test
    void widthIsTheFewestBytesOfTheWidestValue() {
        Random r = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long v = randomValue(r);
            byte[] set = IntSet.add(IntSet.empty(), v);
            int expected = 1;
            while (expected < 8 && (v < -(1L << (8 * expected - 1)) || v >= (1L << (8 * expected - 1)))) {
                expected++;
            }
            assertEquals(expected, IntSet.width(set), "width of " + v);
            assertEquals(1 + expected, set.length);
            assertEquals(v, IntSet.get(set, 0));
            assertEquals(true, IntSet.contains(set, v));
        }
        assertEquals(8, IntSet.width(IntSet.add(IntSet.empty(), Long.MIN_VALUE)));
        assertEquals(8, IntSet.width(IntSet.add(IntSet.empty(), Long.MAX_VALUE)));
    }
}
