package kv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random operations on a {@link HashValue} against a plain model: contents, field TTLs, the
 * encoding (listpack / listpackex / hashtable, converted exactly when Redis converts and never
 * back), the listpack order (insertion order; with TTLs Redis 8's listpackex order), deep copies,
 * and a heap estimate that reads never change.
 */
class HashValueModelTest {
    static long[] seeds() {
        long[] s = new long[60];
        for (int i = 0; i < s.length; i++) {
            s[i] = 1000 + i * 7919L;
        }
        return s;
    }

    /** The model: values, expiry times (0: none), and the order a listpack(ex) keeps. */
    private static final class Model {
        final Map<String, String> values = new HashMap<>();
        final Map<String, Long> ttls = new HashMap<>();
        final List<String> order = new ArrayList<>();
        boolean converted;
        boolean withTtl;

        long ttl(String f) {
            return ttls.getOrDefault(f, 0L);
        }

        void moveTo(String f, long when) {
            order.remove(f);
            if (when == 0) {
                order.add(f);
                return;
            }
            int at = order.size();
            for (int i = 0; i < order.size(); i++) {
                long w = ttl(order.get(i));
                if (w == 0 || w >= when) {
                    at = i;
                    break;
                }
            }
            order.add(at, f);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomOperationsMatchTheModel(long seed) {
        Random r = new Random(seed);
        long maxEntries = r.nextInt(10);
        long maxValue = 1 + r.nextInt(8);
        HashValue h = new HashValue();
        Model m = new Model();
        long now = 1_000_000;
        for (int step = 0; step < 400; step++) {
            String f = "f" + r.nextInt(14);
            int op = r.nextInt(10);
            if (op <= 2) {
                String v = "v".repeat(r.nextInt((int) maxValue + 2));
                if (f.length() > maxValue || v.length() > maxValue) {
                    m.converted = true;
                }
                boolean keep = op == 2;
                boolean added = keep ? h.setKeepTtl(b(f), b(v), maxEntries, maxValue) : h.set(b(f), b(v), maxEntries, maxValue);
                assertEquals(!m.values.containsKey(f), added);
                if (!m.values.containsKey(f)) {
                    m.order.add(f);
                } else if (!keep && m.ttl(f) != 0) {
                    m.ttls.remove(f);
                    m.moveTo(f, 0);
                }
                m.values.put(f, v);
                if (m.values.size() > maxEntries) {
                    m.converted = true;
                }
            } else if (op == 3) {
                assertEquals(m.values.remove(f) != null, h.delete(b(f)));
                m.ttls.remove(f);
                m.order.remove(f);
            } else if (op == 4 || op == 5) {
                long when = now + 1 + r.nextInt(50);
                boolean exists = m.values.containsKey(f);
                assertEquals(exists, h.setTtl(b(f), when));
                m.withTtl = true;
                if (exists) {
                    m.ttls.put(f, when);
                    m.moveTo(f, when);
                }
            } else if (op == 6) {
                int expected = !m.values.containsKey(f) ? -2 : m.ttl(f) == 0 ? -1 : 1;
                assertEquals(expected, h.persist(b(f)));
                if (expected == 1) {
                    m.ttls.remove(f);
                    m.moveTo(f, 0);
                }
            } else if (op == 7) {
                now += r.nextInt(20);
                List<String> gone = new ArrayList<>();
                h.expireDue(now, Integer.MAX_VALUE, x -> gone.add(s(x)));
                List<String> due = new ArrayList<>();
                for (Map.Entry<String, Long> e : m.ttls.entrySet()) {
                    if (e.getValue() <= now) {
                        due.add(e.getKey());
                    }
                }
                assertEquals(new java.util.HashSet<>(due), new java.util.HashSet<>(gone));
                assertEquals(due.size(), gone.size());
                for (String x : due) {
                    m.values.remove(x);
                    m.ttls.remove(x);
                    m.order.remove(x);
                }
            } else if (op == 8) {
                HashValue copy = h.copy();
                assertEquals(h.encoding(), copy.encoding());
                if (h.isPacked()) {
                    assertEquals(h.heapBytes(), copy.heapBytes());
                }
                copy.set(b("only-in-copy"), b("x"), maxEntries, maxValue);
                assertFalse(h.contains(b("only-in-copy")));
                // a value of the same length is rewritten in place: never in the original's arrays
                for (String field : m.values.keySet()) {
                    copy.set(b(field), b("w".repeat(m.values.get(field).length())), maxEntries, maxValue);
                }
            } else {
                long before = h.heapBytes();
                h.get(b(f));
                h.contains(b(f));
                h.ttl(b(f));
                h.nextExpiry();
                h.forEach((a, ao, al, v, vo, vl) -> { });
                assertEquals(before, h.heapBytes(), "reads must not change the size estimate");
            }
            check(h, m, now);
        }
    }

    private static void check(HashValue h, Model m, long now) {
        assertEquals(m.values.size(), h.size());
        assertEquals(m.values.isEmpty(), h.isEmpty());
        String expected = m.converted ? "hashtable" : m.withTtl ? "listpackex" : "listpack";
        assertEquals(expected, h.encoding());
        for (Map.Entry<String, String> e : m.values.entrySet()) {
            assertArrayEquals(b(e.getValue()), h.get(b(e.getKey())), e.getKey());
            assertEquals(e.getValue().length(), h.valueLength(b(e.getKey())));
            long w = m.ttl(e.getKey());
            assertEquals(w == 0 ? HashValue.NO_TTL : w, h.ttl(b(e.getKey())));
        }
        assertNull(h.get(b("absent")));
        assertEquals(HashValue.NO_FIELD, h.ttl(b("absent")));
        assertEquals(!m.ttls.isEmpty(), h.hasFieldTtls());
        long min = m.ttls.values().stream().mapToLong(Long::longValue).min().orElse(HashValue.NEVER);
        assertTrue(h.nextExpiry() <= min, "next expiry is never late");
        if (h.isPacked()) {
            assertEquals(min, h.nextExpiry());
            List<String> order = new ArrayList<>();
            h.forEach((f, fo, fl, v, vo, vl) -> order.add(new String(f, fo, fl, StandardCharsets.UTF_8)));
            assertEquals(m.order, order);
        }
        assertTrue(h.heapBytes() > 0);
    }
}
