package kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * SetValue against a plain HashSet model: random adds, removes and pops over members that are
 * small integers, wide integers and strings, with low thresholds so every run crosses the
 * intset → listpack → hashtable conversions; the encoding is checked against Redis 7.2's rules.
 */
class SetValueTest {
    private static final SetValue.Limits SMALL = new SetValue.Limits(16, 8, 6);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String randomMember(Random r) {
        switch (r.nextInt(5)) {
            case 0:
                return Integer.toString(r.nextInt(40) - 20);
            case 1:
                return Long.toString(r.nextLong());
            case 2:
                return Integer.toString(r.nextInt(100000) - 50000);
            case 3:
                return "m" + r.nextInt(30);
            default:
                return "long-member-" + r.nextInt(10);
        }
    }

    @Test
    void randomOperationsMatchTheModel() {
        for (long seed = 1; seed <= 300; seed++) {
            Random r = new Random(seed);
            List<String> first = List.of(randomMember(r));
            SetValue set = SetValue.create(b(first.get(0)), 1 + r.nextInt(3), SMALL);
            Set<String> model = new HashSet<>();
            long heapBefore = set.heapBytes();
            for (int step = 0; step < 200; step++) {
                int op = r.nextInt(10);
                String m = randomMember(r);
                if (op < 6) {
                    assertEquals(model.add(m), set.add(b(m), SMALL), "add " + m + " seed " + seed);
                } else if (op < 9) {
                    assertEquals(model.remove(m), set.remove(b(m)), "remove " + m + " seed " + seed);
                } else if (!model.isEmpty()) {
                    String popped = s(set.popRandom(r));
                    assertTrue(model.remove(popped), "popped " + popped);
                }
                assertEquals(model.size(), set.size());
                assertEquals(model.contains(m), set.contains(b(m)));
                assertTrue(set.heapBytes() > 0);
            }
            Set<String> members = new HashSet<>();
            set.forEach(x -> members.add(s(x)));
            assertEquals(model, members, "seed " + seed);
            SetValue copy = set.copy();
            copy.add(b("copy-only"), SMALL);
            assertFalse(set.contains(b("copy-only")));
            assertTrue(heapBefore > 0);
        }
    }

    @Test
    void encodingsFollowRedis72() {
        SetValue ints = SetValue.create(b("1"), 1, SMALL);
        for (int i = 0; i < 16; i++) {
            ints.add(b(Integer.toString(i * 1000)), SMALL);
        }
        assertEquals("intset", ints.encoding());
        ints.add(b("99999"), SMALL);
        assertEquals("hashtable", ints.encoding(), "17 integers > set-max-intset-entries");

        SetValue small = SetValue.create(b("1"), 1, SMALL);
        small.add(b("1"), SMALL);
        small.add(b("x"), SMALL);
        assertEquals("listpack", small.encoding(), "a string joins a small intset as listpack");

        SetValue wide = SetValue.create(b("1"), 1, SMALL);
        wide.add(b("1234567"), SMALL);
        wide.add(b("x"), SMALL);
        assertEquals("hashtable", wide.encoding(), "an integer wider than set-max-listpack-value");

        // SADD's member count is the size hint of a new set (setTypeCreate)
        assertEquals("intset", SetValue.create(b("1"), 16, SMALL).encoding());
        assertEquals("listpack", SetValue.create(b("1"), 5, new SetValue.Limits(4, 8, 6)).encoding());
        assertEquals("hashtable", SetValue.create(b("1"), 17, SMALL).encoding());
        assertEquals("listpack", SetValue.create(b("x"), 8, SMALL).encoding());
        assertEquals("hashtable", SetValue.create(b("x"), 9, SMALL).encoding());

        SetValue packed = SetValue.create(b("a"), 1, SMALL);
        packed.add(b("a"), SMALL);
        for (int i = 0; i < 8; i++) {
            packed.add(b("s" + i), SMALL);
        }
        assertEquals("hashtable", packed.encoding(), "9 strings > set-max-listpack-entries");
        SetValue longValue = SetValue.create(b("a"), 1, SMALL);
        longValue.add(b("abcdefg"), SMALL);
        assertEquals("hashtable", longValue.encoding(), "a member longer than set-max-listpack-value");

        // never converted back
        List<byte[]> all = new ArrayList<>();
        packed.forEach(all::add);
        for (byte[] m : all.subList(1, all.size())) {
            packed.remove(m);
        }
        assertEquals("hashtable", packed.encoding());
    }

    @Test
    void intsetWidthsAndOrder() {
        SetValue set = SetValue.create(b("5"), 1, new SetValue.Limits(512, 128, 64));
        String[] values = {"5", "-3", "40000", "-5000000000", "9223372036854775807", "-9223372036854775808", "0"};
        for (String v : values) {
            set.add(b(v), new SetValue.Limits(512, 128, 64));
        }
        List<String> order = new ArrayList<>();
        set.forEach(m -> order.add(s(m)));
        assertEquals(List.of("-9223372036854775808", "-5000000000", "-3", "0", "5", "40000", "9223372036854775807"), order);
        assertEquals("intset", set.encoding());
        assertFalse(set.contains(b("05")));
        assertFalse(set.contains(b("-0")));
    }

    @Test
    void randomDistinctAndKeepRandom() {
        Random r = new Random(7);
        SetValue set = SetValue.create(b("a"), 1000, SMALL);
        for (int i = 0; i < 1000; i++) {
            set.add(b("m" + i), SMALL);
        }
        for (int count : new int[] {1, 10, 300, 999}) {
            Set<String> picked = new HashSet<>();
            for (byte[] m : set.randomDistinct(count, r)) {
                assertTrue(set.contains(m));
                picked.add(s(m));
            }
            assertEquals(count, picked.size());
        }
        SetValue kept = set.keepRandom(5, SMALL, r);
        assertEquals(5, kept.size());
        assertEquals(995, set.size());
        assertEquals("listpack", kept.encoding(), "Redis 7.2 rebuilds the few kept members packed");
        kept.forEach(m -> assertFalse(set.contains(m)));
    }
}
