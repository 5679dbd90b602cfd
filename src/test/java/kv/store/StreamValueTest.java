package kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** StreamValue against a sorted-map model under random appends, deletions, trims and ranges. */
class StreamValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> contents(StreamValue s, StreamValue.Entry e) {
        List<String> out = new ArrayList<>();
        s.forEachElement(e, (buf, off, len) -> out.add(new String(buf, off, len, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void randomOperationsMatchTheModel() {
        for (int seed = 0; seed < 40; seed++) {
            run(new Random(seed));
        }
    }

    private void run(Random rnd) {
        StreamValue s = new StreamValue();
        TreeMap<StreamId, List<String>> model = new TreeMap<>();
        long ms = rnd.nextInt(3);
        long seq = 0;
        for (int op = 0; op < 2000; op++) {
            int k = rnd.nextInt(100);
            if (k < 60) {
                if (rnd.nextBoolean()) {
                    ms += rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextLong(1L << rnd.nextInt(40));
                }
                seq = model.isEmpty() && s.lastId().ms() != ms ? 0 : (s.lastId().ms() == ms ? s.lastId().seq() + 1 : 0);
                StreamId id = new StreamId(ms, seq);
                int fields = 1 + rnd.nextInt(3);
                byte[][] argv = new byte[2 + 2 * fields][];
                List<String> fv = new ArrayList<>();
                for (int f = 0; f < 2 * fields; f++) {
                    String t = "x".repeat(rnd.nextInt(rnd.nextInt(10) == 0 ? 300 : 8)) + f;
                    argv[2 + f] = b(t);
                    fv.add(t);
                }
                s.append(id, argv, 2, argv.length);
                model.put(id, fv);
            } else if (k < 75 && !model.isEmpty()) {
                List<StreamId> ids = new ArrayList<>(model.keySet());
                StreamId id = rnd.nextInt(5) == 0 ? new StreamId(ms + 1, 0) : ids.get(rnd.nextInt(ids.size()));
                assertEquals(model.remove(id) != null, s.delete(id));
            } else if (k < 80) {
                long maxLen = rnd.nextInt(Math.max(1, model.size() + 5));
                boolean approx = rnd.nextBoolean();
                long before = model.size();
                long dry = s.trimDryRun(maxLen, null, approx, approx ? 100 * StreamValue.NODE_MAX_ENTRIES : 0);
                long deleted = s.trim(maxLen, null, approx, approx ? 100 * StreamValue.NODE_MAX_ENTRIES : 0);
                assertEquals(dry > 0, deleted > 0);
                for (long i = 0; i < deleted; i++) {
                    model.pollFirstEntry();
                }
                assertEquals(before - deleted, model.size());
                assertTrue(model.size() >= Math.min(before, maxLen));
                if (!approx) {
                    assertEquals(Math.min(before, maxLen), model.size());
                }
            } else if (k < 85 && !model.isEmpty()) {
                List<StreamId> ids = new ArrayList<>(model.keySet());
                StreamId minId = ids.get(rnd.nextInt(ids.size()));
                boolean approx = rnd.nextBoolean();
                long deleted = s.trim(0, minId, approx, 0);
                for (long i = 0; i < deleted; i++) {
                    assertTrue(model.pollFirstEntry().getKey().compareTo(minId) < 0);
                }
                if (!approx) {
                    assertTrue(model.isEmpty() || model.firstKey().compareTo(minId) >= 0);
                }
            } else {
                checkRange(rnd, s, model, ms);
            }
            assertEquals(model.size(), s.length());
            assertEquals(model.isEmpty() ? StreamId.MIN : model.firstKey(), s.firstId());
            assertEquals(model.isEmpty() ? null : model.lastKey(), s.lastLiveId());
        }
        StreamValue copy = s.copy();
        assertEquals(s.heapBytes(), copy.heapBytes());
        assertEquals(s.range(StreamId.MIN, StreamId.MAX, false, 0).size(), copy.range(StreamId.MIN, StreamId.MAX, false, 0).size());
    }

    private void checkRange(Random rnd, StreamValue s, TreeMap<StreamId, List<String>> model, long ms) {
        StreamId a = new StreamId(rnd.nextLong(ms + 2), rnd.nextInt(3));
        StreamId z = new StreamId(rnd.nextLong(ms + 2), rnd.nextInt(3));
        if (rnd.nextInt(4) == 0) {
            a = StreamId.MIN;
        }
        if (rnd.nextInt(4) == 0) {
            z = StreamId.MAX;
        }
        boolean reverse = rnd.nextBoolean();
        int count = rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(20);
        List<Map.Entry<StreamId, List<String>>> expected = new ArrayList<>();
        if (a.compareTo(z) <= 0) {
            var sub = model.subMap(a, true, z, true);
            expected.addAll((reverse ? sub.descendingMap() : sub).entrySet());
        }
        if (count > 0 && expected.size() > count) {
            expected = expected.subList(0, count);
        }
        List<StreamValue.Entry> got = s.range(a, z, reverse, count);
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(expected.get(i).getKey(), got.get(i).id());
            assertEquals(expected.get(i).getValue(), contents(s, got.get(i)));
            assertEquals(expected.get(i).getValue().size() / 2, s.fieldCount(got.get(i)));
        }
    }

    @Test
    void unsignedIdsOrderAboveSignedRange() {
        StreamValue s = new StreamValue();
        s.append(new StreamId(5, 0), new byte[][] {b("f"), b("v")}, 0, 2);
        s.append(new StreamId(-2L, 3), new byte[][] {b("f"), b("v")}, 0, 2);
        s.append(StreamId.MAX, new byte[][] {b("f"), b("v")}, 0, 2);
        assertEquals(3, s.range(new StreamId(1, 0), StreamId.MAX, false, 0).size());
        assertEquals("18446744073709551614-3", s.range(new StreamId(6, 0), new StreamId(-2L, 3), false, 0).get(0).id().toString());
        assertTrue(s.delete(StreamId.MAX));
        assertEquals(StreamId.MAX, s.lastId());
        assertEquals(new StreamId(-2L, 3), s.lastLiveId());
    }

    @Test
    void heapBytesFollowTheNodes() {
        StreamValue s = new StreamValue();
        long empty = s.heapBytes();
        for (int i = 1; i <= 1000; i++) {
            s.append(new StreamId(i, 0), new byte[][] {b("field"), b("value")}, 0, 2);
        }
        s.append(new StreamId(1001, 0), new byte[][] {b("field"), b("other"), b("x"), b("y")}, 0, 4);
        s.append(new StreamId(1002, 0), new byte[][] {b("field"), b("last")}, 0, 2);
        long full = s.heapBytes();
        // entries repeating the node's first field names store only their values
        assertTrue(full - empty < 1000 * 16, "packed entries: " + (full - empty));
        assertEquals(List.of("field", "value"), contents(s, s.entry(new StreamId(500, 0))));
        assertEquals(List.of("field", "other", "x", "y"), contents(s, s.entry(new StreamId(1001, 0))));
        assertEquals(List.of("field", "last"), contents(s, s.entry(new StreamId(1002, 0))));
        s.trim(0, null, false, 0);
        assertEquals(empty, s.heapBytes());
    }
}
