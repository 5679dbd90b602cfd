package kv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Property test: random operations on a {@link SortedSet} against a plain model (a member → score
 * map, sorted on demand), with thresholds low enough that sets convert from the packed to the big
 * encoding mid-run. Seeds are fixed so a failure reproduces.
 */
class SortedSetModelTest {
    private static final Comparator<Map.Entry<String, Double>> ORDER = (a, b) -> {
        int c = Double.compare(a.getValue() + 0.0, b.getValue() + 0.0);
        if (a.getValue().doubleValue() == b.getValue().doubleValue()) {
            c = 0;
        }
        return c != 0 ? c : Arrays.compareUnsigned(bytes(a.getKey()), bytes(b.getKey()));
    };

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<Map.Entry<String, Double>> sorted(Map<String, Double> model) {
        List<Map.Entry<String, Double>> l = new ArrayList<>(model.entrySet());
        l.sort(ORDER);
        return l;
    }

    private static String member(Random r) {
        int len = r.nextInt(10) == 0 ? 1 + r.nextInt(20) : 1 + r.nextInt(3);
        char[] cs = new char[len];
        for (int i = 0; i < len; i++) {
            cs[i] = (char) ('a' + r.nextInt(r.nextBoolean() ? 4 : 26));
        }
        return new String(cs);
    }

    private static double score(Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return 0;
            case 1:
                return r.nextInt(5);
            case 2:
                return r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            default:
                return (r.nextDouble() - 0.5) * 100;
        }
    }

    @Test
    void scoreChangesInABigSetKeepRanksAndOrder() {
        // moves of tall and short nodes, up and down, onto ties: the spans must stay exact
        Random r = new Random(11);
        SortedSet.Limits limits = new SortedSet.Limits(16, 64);
        SortedSet z = SortedSet.create(0, 0, limits);
        Map<String, Double> model = new HashMap<>();
        for (int round = 0; round < 5; round++) {
            putRandom(z, model, r, "m", 2000, 4000, limits);
            check(11, z, model, r);
        }
    }

    @Test
    void randomOperationsMatchTheModel() {
        for (long seed = 1; seed <= 40; seed++) {
            run(seed, seed % 3 == 0 ? 600 : 300);
        }
    }

    private void run(long seed, int steps) {
        Random r = new Random(seed);
        SortedSet.Limits limits = new SortedSet.Limits(r.nextInt(40), 4 + r.nextInt(16));
        SortedSet z = SortedSet.create(0, 0, new SortedSet.Limits(128, 64));
        Map<String, Double> model = new HashMap<>();
        for (int step = 0; step < steps; step++) {
            int op = r.nextInt(10);
            String m = member(r);
            if (op < 5) {
                double s = score(r);
                boolean added = z.put(bytes(m), s, limits);
                assertEquals(!model.containsKey(m), added, "seed " + seed);
                model.put(m, s + 0.0);
            } else if (op < 7) {
                assertEquals(model.remove(m) != null, z.remove(bytes(m)), "seed " + seed);
            } else if (op == 7 && !model.isEmpty()) {
                int from = r.nextInt(model.size());
                int to = from + r.nextInt(Math.min(3, model.size() - from));
                List<Map.Entry<String, Double>> l = sorted(model);
                for (int i = from; i <= to; i++) {
                    model.remove(l.get(i).getKey());
                }
                z.removeRange(from, to);
            } else if (op == 8) {
                z = z.copy();
            } else if (op == 9 && r.nextInt(5) == 0) {
                z.compactIfSmall(limits);
            }
            check(seed, z, model, r);
        }
    }

    private static void check(long seed, SortedSet z, Map<String, Double> model, Random r) {
        String ctx = "seed " + seed;
        assertEquals(model.size(), z.size(), ctx);
        if (z.isPacked()) {
            assertEquals("listpack", z.encoding());
        }
        List<Map.Entry<String, Double>> l = sorted(model);
        if (!l.isEmpty()) {
            int i = 0;
            for (ZsetCursor c = z.cursor(0, false); c.valid(); c.advance(), i++) {
                assertArrayEquals(bytes(l.get(i).getKey()), c.member(), ctx);
                assertEquals(l.get(i).getValue(), c.score(), ctx);
            }
            assertEquals(l.size(), i, ctx);
            int start = r.nextInt(l.size());
            i = start;
            for (ZsetCursor c = z.cursor(start, true); c.valid(); c.advance(), i--) {
                assertArrayEquals(bytes(l.get(i).getKey()), c.member(), ctx);
            }
            assertEquals(-1, i, ctx);
        }
        for (int k = 0; k < l.size(); k++) {
            byte[] m = bytes(l.get(k).getKey());
            assertEquals(k, z.rank(m), ctx);
            assertEquals(l.get(k).getValue(), z.score(m), ctx);
        }
        assertEquals(-1, z.rank(bytes("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")), ctx);
        double min = r.nextInt(7) - 3;
        boolean ex = r.nextBoolean();
        int first = 0;
        while (first < l.size() && (ex ? l.get(first).getValue() <= min : l.get(first).getValue() < min)) {
            first++;
        }
        assertEquals(first, z.firstRankByScore(min, ex), ctx);
        int last = l.size() - 1;
        while (last >= 0 && (ex ? l.get(last).getValue() >= min : l.get(last).getValue() > min)) {
            last--;
        }
        assertEquals(last, z.lastRankByScore(min, ex), ctx);
        Set<String> scanned = new HashSet<>();
        long cursor = 0;
        do {
            cursor = z.scan(cursor, (m, s) -> scanned.add(new String(m, StandardCharsets.ISO_8859_1)));
        } while (cursor != 0);
        assertEquals(model.keySet(), scanned, ctx);
        assertTrue(z.heapBytes() > 0, ctx);
    }

    @Test
    void convertsAtTheThresholdsAndNotBack() {
        SortedSet.Limits limits = new SortedSet.Limits(3, 4);
        SortedSet z = SortedSet.create(3, 4, limits);
        for (int i = 0; i < 3; i++) {
            z.put(bytes("m" + i), i, limits);
        }
        assertEquals("listpack", z.encoding());
        z.put(bytes("m3"), 3, limits);
        assertEquals("skiplist", z.encoding());
        z.remove(bytes("m3"));
        z.remove(bytes("m2"));
        assertEquals("skiplist", z.encoding());
        z.compactIfSmall(limits);
        assertEquals("listpack", z.encoding());
        z.put(bytes("longer"), 1, limits);
        assertEquals("skiplist", z.encoding());
        assertEquals("skiplist", SortedSet.create(4, 1, limits).encoding());
        assertEquals("skiplist", SortedSet.create(1, 5, limits).encoding());
    }

    @Test
    void lexRanksFollowByteOrder() {
        SortedSet.Limits limits = new SortedSet.Limits(2, 64);
        for (SortedSet z : List.of(SortedSet.create(0, 0, new SortedSet.Limits(128, 64)), SortedSet.create(100, 0, limits))) {
            for (String m : List.of("a", "b", "c", "d", "\u00ff")) {
                z.put(bytes(m), 0, new SortedSet.Limits(128, 64));
            }
            assertEquals(1, z.firstRankByLex(LexBound.of(bytes("b"), false)));
            assertEquals(2, z.firstRankByLex(LexBound.of(bytes("b"), true)));
            assertEquals(3, z.lastRankByLex(LexBound.of(bytes("d"), false)));
            assertEquals(2, z.lastRankByLex(LexBound.of(bytes("d"), true)));
            assertEquals(0, z.firstRankByLex(LexBound.MIN));
            assertEquals(4, z.lastRankByLex(LexBound.MAX));
            assertEquals(5, z.firstRankByLex(LexBound.MAX));
        }
    }

    @Test
    void aBigSetThatShrinksAndGrowsAgainKeepsMatchingTheModel() {
        Random r = new Random(7);
        SortedSet.Limits limits = new SortedSet.Limits(16, 64);
        SortedSet z = SortedSet.create(0, 0, limits);
        Map<String, Double> model = new HashMap<>();
        putRandom(z, model, r, "m", 5000, 3000, limits);
        check(7, z, model, r);
        long grown = z.heapBytes();
        List<String> members = new ArrayList<>(model.keySet());
        Collections.shuffle(members, r);
        for (int i = 0; i < members.size() - 100; i++) {
            assertTrue(z.remove(bytes(members.get(i))));
            model.remove(members.get(i));
            if (i % 400 == 0) {
                check(7, z, model, r);
            }
        }
        check(7, z, model, r);
        z.removeRange(10, 89);
        List<Map.Entry<String, Double>> l = sorted(model);
        for (int i = 10; i <= 89; i++) {
            model.remove(l.get(i).getKey());
        }
        check(7, z, model, r);
        assertTrue(z.heapBytes() < grown / 10, z.heapBytes() + " bytes left of " + grown);
        putRandom(z, model, r, "n", 2000, 1000, limits);
        check(7, z, model, r);
    }

    /** {@code count} puts of random scores to members {@code prefix} + [0, {@code range}), on both the set and the model. */
    private static void putRandom(SortedSet z, Map<String, Double> model, Random r, String prefix, int range, int count,
            SortedSet.Limits limits) {
        for (int i = 0; i < count; i++) {
            String m = prefix + r.nextInt(range);
            double s = score(r);
            z.put(bytes(m), s, limits);
            model.put(m, s + 0.0);
        }
    }
}
