package kv.rdb;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import kv.store.HashValue;
import kv.store.ListEncoding;
import kv.store.ListValue;
import kv.store.PackedList;
import kv.store.SetValue;
import kv.store.SortedSet;
import kv.store.StreamGroup;
import kv.store.StreamId;
import kv.store.StreamValue;
import kv.store.StringValues;

/** Random values of every type, sized around the encoding thresholds. */
final class RandomValues {
    private final Random r;
    private final EncodingLimits limits = EncodingLimits.DEFAULTS;

    RandomValues(long seed) {
        r = new Random(seed);
    }

    /** Small and large sizes: both sides of the default thresholds (128 entries, 64 bytes, 512 ints). */
    int size() {
        int[] sizes = {1, 2, 5, 127, 128, 129, 300, 511, 512, 513, 1200};
        return sizes[r.nextInt(sizes.length)];
    }

    byte[] element() {
        switch (r.nextInt(6)) {
            case 0:
                return Long.toString(r.nextInt(200) - 100).getBytes(StandardCharsets.US_ASCII);
            case 1:
                return Long.toString(r.nextLong()).getBytes(StandardCharsets.US_ASCII);
            case 2: {
                byte[] b = new byte[r.nextInt(100)];
                r.nextBytes(b);
                return b;
            }
            case 3:
                return "x".repeat(r.nextInt(5000)).getBytes(StandardCharsets.US_ASCII);
            default:
                return ("e" + r.nextInt(100000)).getBytes(StandardCharsets.US_ASCII);
        }
    }

    Object any() {
        return switch (r.nextInt(6)) {
            case 0 -> StringValues.of(element());
            case 1 -> list();
            case 2 -> set();
            case 3 -> zset();
            case 4 -> hash();
            default -> stream();
        };
    }

    ListValue list() {
        ListValue l = new PackedList();
        int n = size();
        for (int i = 0; i < n; i++) {
            byte[] e = element();
            l = ListEncoding.growing(l, e.length, 1, -2);
            l.push(r.nextBoolean(), e, -2);
        }
        return l;
    }

    SetValue set() {
        SetValue.Limits sl = limits.set();
        int n = size();
        boolean ints = r.nextBoolean();
        SetValue s = null;
        for (int i = 0; i < n; i++) {
            byte[] m = ints ? Long.toString(r.nextInt(1_000_000) - 500_000).getBytes() : element();
            if (s == null) {
                s = SetValue.create(m, n, sl);
            }
            s.add(m, sl);
        }
        return s;
    }

    SortedSet zset() {
        int n = size();
        SortedSet z = SortedSet.create(n, 0, limits.zset());
        for (int i = 0; i < n; i++) {
            double score = switch (r.nextInt(4)) {
                case 0 -> r.nextInt(1000);
                case 1 -> r.nextDouble() * 1e6;
                case 2 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                default -> r.nextGaussian() * 1e-5;
            };
            z.put(element(), score, limits.zset());
        }
        return z;
    }

    HashValue hash() {
        HashValue h = new HashValue();
        int n = size();
        boolean ttls = r.nextInt(4) == 0;
        for (int i = 0; i < n; i++) {
            byte[] f = element();
            h.set(f, element(), limits.hashMaxListpackEntries(), limits.hashMaxListpackValue());
            if (ttls && r.nextBoolean()) {
                h.setTtl(f, 4_000_000_000_000L + r.nextInt(1_000_000));
            }
        }
        return h;
    }

    StreamValue stream() {
        StreamValue s = new StreamValue();
        int n = size();
        long ms = 1_700_000_000_000L;
        for (int i = 0; i < n; i++) {
            ms += r.nextInt(3);
            StreamId id = new StreamId(ms, i);
            int fields = 1 + r.nextInt(3);
            byte[][] argv = new byte[2 * fields][];
            for (int f = 0; f < fields; f++) {
                argv[2 * f] = r.nextBoolean() ? "field".getBytes() : ("f" + f).getBytes();
                argv[2 * f + 1] = element();
            }
            s.append(id, argv, 0, argv.length);
        }
        if (r.nextBoolean() && n > 2) {
            s.delete(s.firstId());
        }
        if (r.nextBoolean()) {
            StreamGroup g = s.createGroup("g1".getBytes(), s.firstId(), r.nextBoolean() ? -1 : 1);
            StreamGroup.Consumer c = s.createConsumer(g, "alice".getBytes(), 1_700_000_000_123L);
            s.deliver(g, s.firstId(), c, 1_700_000_000_456L);
            s.createConsumer(g, "bob".getBytes(), 1_700_000_000_789L);
        }
        return s;
    }
}
