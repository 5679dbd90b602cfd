package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import kv.engine.Client;
import kv.engine.EngineHarness;
import kv.engine.Server;
import kv.protocol.Reply;

/**
 * SORT against a plain model on random lists, sets and sorted sets of every encoding (sizes
 * across the packed thresholds), and what SORT ... STORE hands to the AOF/replicas.
 */
class SortCommandTest {
    private final EngineHarness engine = new EngineHarness();
    private final Server server = engine.server;
    private final Client client = engine.client;
    private final List<String> propagated = new ArrayList<>();

    SortCommandTest() {
        server.addPropagationTarget((db, argv) -> propagated.add(join(argv)));
    }

    private static String join(byte[][] argv) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : argv) {
            sb.append(sb.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** The reply flattened to strings: bulks as text, nil as null, integers as ":n", errors as "-msg". */
    private List<String> run(List<String> args) {
        propagated.clear();
        byte[][] argv = new byte[args.size()][];
        for (int j = 0; j < argv.length; j++) {
            argv[j] = args.get(j).getBytes(StandardCharsets.UTF_8);
        }
        Capture reply = new Capture();
        server.dispatcher().execute(client, argv, reply);
        return reply.out;
    }

    private List<String> run(String line) {
        return run(List.of(line.split(" ")));
    }

    @Test
    void storePropagatesItselfOnlyWhenItChangedSomething() {
        run("RPUSH l 3 1 2");
        run("SORT l STORE d");
        assertEquals(List.of("SORT l STORE d"), propagated);
        run("SORT l");
        assertEquals(List.of(), propagated);
        run("SORT_RO l DESC");
        assertEquals(List.of(), propagated);
        assertEquals(List.of(":0"), run("SORT nokey STORE absent"));
        assertEquals(List.of(), propagated);
        assertEquals(List.of(":0"), run("SORT nokey STORE d"));
        assertEquals(List.of("SORT nokey STORE d"), propagated);
        assertEquals(List.of(":0"), run("EXISTS d"));
    }

    @Test
    void randomSortsMatchTheModel() {
        Random random = new Random(20261130);
        for (int round = 0; round < 400; round++) {
            run("FLUSHALL");
            String kind = List.of("list", "set", "zset").get(random.nextInt(3));
            int size = random.nextInt(4) == 0 ? 100 + random.nextInt(500) : random.nextInt(20);
            boolean words = random.nextBoolean();
            List<String> elements = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                String e = words ? "w" + random.nextInt(size * 2 + 1) : Integer.toString(random.nextInt(size * 2 + 1) - size);
                if (!kind.equals("list") && elements.contains(e)) {
                    continue;
                }
                elements.add(e);
            }
            load(kind, elements);
            // unique weights, so ALPHA by weight has no ties (Redis leaves their order open)
            List<Integer> weights = new ArrayList<>();
            for (int i = 0; i < elements.size(); i++) {
                weights.add(i);
            }
            java.util.Collections.shuffle(weights, random);
            for (int i = 0; i < elements.size(); i++) {
                if (random.nextInt(10) > 0) {
                    run(List.of("SET", "weight_" + elements.get(i), String.format("%03d", weights.get(i))));
                }
            }
            for (int q = 0; q < 5; q++) {
                check(random, kind, elements, words);
            }
        }
    }

    private void load(String kind, List<String> elements) {
        if (elements.isEmpty()) {
            return;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(kind.equals("list") ? "RPUSH" : kind.equals("set") ? "SADD" : "ZADD");
        cmd.add("src");
        for (int i = 0; i < elements.size(); i++) {
            if (kind.equals("zset")) {
                cmd.add(Integer.toString(i));
            }
            cmd.add(elements.get(i));
        }
        run(cmd);
    }

    private void check(Random random, String kind, List<String> elements, boolean words) {
        boolean desc = random.nextBoolean();
        boolean byWeight = random.nextInt(3) == 0;
        boolean alpha = words || random.nextBoolean();
        boolean noSort = !kind.equals("set") && random.nextInt(5) == 0;
        boolean limit = random.nextBoolean();
        long offset = random.nextInt(elements.size() + 4) - 2;
        long count = random.nextInt(elements.size() + 4) - 2;
        // ALPHA by weight leaves the order of elements without a weight open: compare weights only
        boolean tiesOpen = byWeight && alpha && !noSort;
        boolean getWeight = tiesOpen || random.nextBoolean();
        List<String> cmd = new ArrayList<>(List.of("SORT", "src"));
        if (noSort) {
            cmd.addAll(List.of("BY", "nosort"));
        } else if (byWeight) {
            cmd.addAll(List.of("BY", "weight_*"));
        }
        if (limit) {
            cmd.addAll(List.of("LIMIT", Long.toString(offset), Long.toString(count)));
        }
        if (getWeight) {
            cmd.addAll(List.of("GET", "#", "GET", "weight_*"));
        }
        if (desc) {
            cmd.add("DESC");
        }
        if (alpha) {
            cmd.add("ALPHA");
        }

        List<String> order = new ArrayList<>(elements);
        if (!noSort) {
            Comparator<String> cmp;
            if (byWeight && alpha) {
                cmp = Comparator.comparing(this::weight, Comparator.nullsFirst(Comparator.<String>naturalOrder()));
            } else if (byWeight) {
                cmp = Comparator.<String>comparingDouble(e -> weight(e) == null ? 0 : Double.parseDouble(weight(e)))
                        .thenComparing(Comparator.naturalOrder());
            } else if (alpha) {
                cmp = Comparator.naturalOrder();
            } else {
                cmp = Comparator.<String>comparingDouble(Double::parseDouble).thenComparing(Comparator.naturalOrder());
            }
            order.sort(desc ? cmp.reversed() : cmp);
        } else if (desc) {
            java.util.Collections.reverse(order);
        }
        int from = limit ? (int) Math.min(Math.max(offset, 0), order.size()) : 0;
        int to = limit && count >= 0 ? (int) Math.min(order.size(), from + count) : order.size();
        List<String> expected = new ArrayList<>();
        for (String e : order.subList(from, to)) {
            expected.add(e);
            if (getWeight) {
                expected.add(weight(e));
            }
        }
        assertEquals(comparable(expected, tiesOpen), comparable(run(cmd), tiesOpen), cmd + " on " + kind + " " + elements);

        cmd.addAll(List.of("STORE", "dst"));
        assertEquals(List.of(":" + expected.size()), run(cmd), cmd.toString());
        List<String> stored = new ArrayList<>();
        for (String e : expected) {
            stored.add(e == null ? "" : e);
        }
        assertEquals(comparable(stored, tiesOpen), comparable(run("LRANGE dst 0 -1"), tiesOpen), cmd.toString());
    }

    /** The reply, or only its weight column (GET # GET weight_* pairs) when ties are open. */
    private static List<String> comparable(List<String> reply, boolean weightsOnly) {
        if (!weightsOnly) {
            return reply;
        }
        List<String> out = new ArrayList<>();
        for (int i = 1; i < reply.size(); i += 2) {
            out.add(reply.get(i));
        }
        return out;
    }

    private String weight(String element) {
        return run(List.of("GET", "weight_" + element)).get(0);
    }

    /** Flattens a reply into strings. */
    private static final class Capture implements Reply {
        final List<String> out = new ArrayList<>();

        @Override public void simple(String status) { out.add("+" + status); }
        @Override public void error(String message) { out.add("-" + message); }
        @Override public void integer(long value) { out.add(":" + value); }
        @Override public void bulk(byte[] value) { out.add(new String(value, StandardCharsets.UTF_8)); }
        @Override public void bulk(byte[] value, int offset, int length) { bulk(Arrays.copyOfRange(value, offset, offset + length)); }
        @Override public void bulkText(String ascii) { out.add(ascii); }
        @Override public void bulkLong(long value) { out.add(Long.toString(value)); }
        @Override public void nullBulk() { out.add(null); }
        @Override public void nullArray() { out.add(null); }
        @Override public void array(int count) { }
        @Override public void map(int pairs) { }
        @Override public void set(int count) { }
        @Override public void doubleValue(double value) { out.add(Double.toString(value)); }
        @Override public void bool(boolean value) { out.add(Boolean.toString(value)); }
        @Override public void verbatim(String format, byte[] text) { bulk(text); }
        @Override public void push(int count) { }
        @Override public void bigNumber(String digits) { out.add(digits); }
        @Override public void attribute(int pairs) { }
        @Override public int protocol() { return 2; }
    }

}
