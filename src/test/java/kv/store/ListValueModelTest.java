package kv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random operations on a list value, through the encoding conversions commands use, against a
 * plain ArrayList model: contents, length and the encoding rules (a listpack never holds more
 * than the limit allows; conversions both ways happen). Seeded, so a failure reproduces.
 */
class ListValueModelTest {
    private static final int[] FILLS = {-2, -1, -3, 4, 1, 0, 128};

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void matchesModel(int seed) {
        Random rnd = new Random(seed * 7919L);
        int fill = FILLS[seed % FILLS.length];
        List<byte[]> model = new ArrayList<>();
        ListValue list = new PackedList();
        boolean sawQuick = false;
        boolean sawBack = false;
        for (int step = 0; step < 6000; step++) {
            int op = rnd.nextInt(12);
            long n = model.size();
            switch (op) {
                case 0, 1, 2 -> {
                    byte[] v = element(rnd);
                    boolean head = rnd.nextBoolean();
                    list = ListEncoding.growing(list, v.length, 1, fill);
                    list.push(head, v, fill);
                    if (head) {
                        model.add(0, v);
                    } else {
                        model.add(v);
                    }
                }
                case 3, 4 -> {
                    boolean head = rnd.nextBoolean();
                    byte[] got;
                    if (op == 4) {
                        // popTo writes the element from where it lies: the sink must see exactly it
                        byte[][] seen = new byte[1][];
                        boolean popped = list.popTo(head, new kv.util.BulkSink() {
                            @Override
                            public void bulk(byte[] value, int offset, int length) {
                                seen[0] = Arrays.copyOfRange(value, offset, offset + length);
                            }

                            @Override
                            public void bulkLong(long value) {
                                throw new AssertionError("a list element is bytes");
                            }
                        });
                        assertEquals(popped, seen[0] != null);
                        got = seen[0];
                    } else {
                        got = list.pop(head);
                    }
                    byte[] want = model.isEmpty() ? null : model.remove(head ? 0 : model.size() - 1);
                    assertArrayEquals(want, got);
                    list = ListEncoding.shrinking(list, fill);
                }
                case 5 -> {
                    if (n > 0) {
                        long i = rnd.nextInt((int) n);
                        assertArrayEquals(model.get((int) i), list.get(i));
                    }
                }
                case 6 -> {
                    if (n > 0) {
                        long i = rnd.nextInt((int) n);
                        byte[] v = element(rnd);
                        list = ListEncoding.growing(list, v.length, 1, fill);
                        list.set(i, v, fill);
                        list = ListEncoding.shrinking(list, fill);
                        model.set((int) i, v);
                    }
                }
                case 7 -> {
                    long i = rnd.nextInt((int) n + 1);
                    byte[] v = element(rnd);
                    list = ListEncoding.growing(list, v.length, 1, fill);
                    list.insert(i, v, fill);
                    model.add((int) i, v);
                }
                case 8 -> {
                    if (n > 0) {
                        byte[] v = model.get(rnd.nextInt((int) n));
                        long limit = rnd.nextInt(5) - 2;
                        long removed = list.removeMatching(v, limit);
                        assertEquals(removeFromModel(model, v, limit), removed);
                        list = ListEncoding.shrinking(list, fill);
                    }
                }
                case 9 -> {
                    if (n > 0 && rnd.nextInt(4) == 0) {
                        long from = rnd.nextInt((int) n);
                        long keep = rnd.nextInt((int) (n - from) + 1);
                        list.trim(from, keep);
                        List<byte[]> kept = new ArrayList<>(model.subList((int) from, (int) (from + keep)));
                        model.clear();
                        model.addAll(kept);
                        list = ListEncoding.shrinking(list, fill);
                    }
                }
                case 10 -> {
                    if (n > 0) {
                        long from = rnd.nextInt((int) n);
                        boolean forward = rnd.nextBoolean();
                        List<byte[]> seen = new ArrayList<>();
                        list.visit(from, forward, (b, off, len) -> {
                            seen.add(Arrays.copyOfRange(b, off, off + len));
                            return seen.size() < 50;
                        });
                        for (int k = 0; k < seen.size(); k++) {
                            int idx = (int) (forward ? from + k : from - k);
                            assertArrayEquals(model.get(idx), seen.get(k));
                        }
                    }
                }
                default -> {
                    ListValue copy = (ListValue) list.copy();
                    assertEquals(list.size(), copy.size());
                    assertEquals(list.encoding(), copy.encoding());
                }
            }
            assertEquals(model.size(), list.size(), "length at step " + step);
            assertEquals(model.isEmpty(), list.isEmpty());
            if (list instanceof PackedList p) {
                if (sawQuick) {
                    sawBack = true;
                }
                // a listpack never passes the limit (a single big element aside); with a count
                // limit Redis ignores the size when shrinking back, and so do we
                boolean within = fill < 0 ? p.size() <= 1 || !ListEncoding.exceedsLimit(fill, p.redisBytes(), p.size())
                        : p.size() <= Math.max(1, fill);
                assertTrue(within, "listpack over the limit at step " + step);
            } else {
                sawQuick = true;
            }
            if (model.isEmpty()) {
                list = new PackedList();
            }
        }
        List<byte[]> all = new ArrayList<>();
        list.visit(0, true, (b, off, len) -> all.add(Arrays.copyOfRange(b, off, off + len)));
        assertEquals(model.size(), all.size());
        for (int i = 0; i < all.size(); i++) {
            assertArrayEquals(model.get(i), all.get(i));
        }
        assertTrue(sawQuick || fill == -3, "the run never converted to a quicklist");
        assertTrue(sawBack || fill == 0 || fill == -3, "the run never converted back to a listpack");
    }

    private static long removeFromModel(List<byte[]> model, byte[] v, long limit) {
        long removed = 0;
        if (limit >= 0) {
            for (int i = 0; i < model.size() && (limit == 0 || removed < limit); ) {
                if (Arrays.equals(model.get(i), v)) {
                    model.remove(i);
                    removed++;
                } else {
                    i++;
                }
            }
        } else {
            for (int i = model.size() - 1; i >= 0 && removed < -limit; i--) {
                if (Arrays.equals(model.get(i), v)) {
                    model.remove(i);
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Mostly short strings and integers (so values repeat), sometimes 100..300 bytes, rarely 20 KB. */
    private static byte[] element(Random rnd) {
        int kind = rnd.nextInt(100);
        if (kind < 40) {
            return Integer.toString(rnd.nextInt(50) - 10).getBytes();
        }
        if (kind < 90) {
            byte[] b = new byte[rnd.nextInt(20)];
            rnd.nextBytes(b);
            return b;
        }
        byte[] b = new byte[kind < 99 ? 100 + rnd.nextInt(200) : 20000];
        rnd.nextBytes(b);
        return b;
    }
}
