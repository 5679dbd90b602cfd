package kv.rdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import kv.store.CompoundValue;
import kv.store.HashValue;
import kv.store.ListValue;
import kv.store.SetValue;
import kv.store.SortedSet;
import kv.store.StreamGroup;
import kv.store.StreamValue;
import kv.store.StringValues;
import kv.store.ZsetCursor;

/**
 * Writes a value in the encodings Redis 7.0 writes (RDB 10): quicklist 2 lists, intset or plain
 * sets, listpack or skiplist sorted sets, listpack or plain hashes, stream listpacks 2. A hash
 * with field TTLs has no RDB 10 form: it is written as Redis 7.4+ does (types 24/25, RDB 12).
 */
final class ValueEncoder {
    /** Quicklist nodes are cut at 8 KiB, Redis' default list-max-listpack-size -2. */
    private static final int LIST_NODE_BYTES = 8192;
    private static final int STREAM_NODE_ENTRIES = 100;
    private static final int STREAM_NODE_BYTES = 4096;
    private static final int STREAM_ITEM_FLAG_SAMEFIELDS = 2;

    private ValueEncoder() {
    }

    /** True if {@code value} needs RDB 12 (a hash with field TTLs). */
    static boolean needsVersion12(Object value) {
        return value instanceof HashValue && ((HashValue) value).hasFieldTtls();
    }

    /** Writes the type byte and the value. */
    static void write(RdbOutput out, Object value) {
        if (StringValues.isString(value)) {
            out.type(RdbFormat.STRING);
            string(out, value);
        } else if (value instanceof ListValue) {
            list(out, (ListValue) value);
        } else if (value instanceof SetValue) {
            set(out, (SetValue) value);
        } else if (value instanceof SortedSet) {
            zset(out, (SortedSet) value);
        } else if (value instanceof HashValue) {
            hash(out, (HashValue) value);
        } else if (value instanceof StreamValue) {
            stream(out, (StreamValue) value);
        } else {
            throw new IllegalArgumentException("no RDB form for " + ((CompoundValue) value).type());
        }
    }

    private static void string(RdbOutput out, Object value) {
        if (value instanceof Long) {
            long v = (Long) value;
            out.longString(v);
        } else {
            out.string(StringValues.bytes(value));
        }
    }

    private static void list(RdbOutput out, ListValue list) {
        List<byte[]> nodes = new ArrayList<>();
        Listpack.Builder[] node = {new Listpack.Builder()};
        list.visit(0, true, (b, off, len) -> {
            // Redis' rule for list-max-listpack-size -2: a node takes an element while its listpack
            // plus the element plus an 8-byte overhead estimate stays within 8 KiB
            if (node[0].count() > 0 && node[0].bytes() + len + 8 > LIST_NODE_BYTES) {
                nodes.add(node[0].build());
                node[0] = new Listpack.Builder();
            }
            node[0].add(b, off, len);
            return true;
        });
        nodes.add(node[0].build());
        out.type(RdbFormat.LIST_QUICKLIST_2);
        out.length(nodes.size());
        for (byte[] lp : nodes) {
            out.length(RdbFormat.CONTAINER_PACKED);
            out.string(lp);
        }
    }

    private static void set(RdbOutput out, SetValue set) {
        byte[] ints = set.intsetBytes();
        if (ints != null) {
            out.type(RdbFormat.SET_INTSET);
            out.string(ints);
            return;
        }
        // RDB 10 has no set listpack (type 20 came with 7.2): a plain set
        out.type(RdbFormat.SET);
        out.length(set.size());
        set.forEach(out::string);
    }

    private static void zset(RdbOutput out, SortedSet z) {
        if (z.isPacked()) {
            Listpack.Builder lp = new Listpack.Builder();
            z.forEach((m, score) -> {
                lp.add(m);
                byte[] s = score70(score);
                lp.add(s);
            });
            out.type(RdbFormat.ZSET_LISTPACK);
            out.string(lp.build());
            return;
        }
        out.type(RdbFormat.ZSET_2);
        out.length(z.size());
        // greatest first, as Redis saves a skiplist (loading then inserts at the head)
        for (ZsetCursor c = z.cursor(z.size() - 1, true); c.valid(); c.advance()) {
            out.string(c.member());
            out.binaryDouble(c.score());
        }
    }

    /**
     * A score as Redis 7.0 stores it in a listpack: integral values (below 2^52) as integers,
     * others as {@code %.17g} text, so that a DUMP matches 7.0's byte for byte.
     */
    static byte[] score70(double d) {
        if (d != 0 && d > -4503599627370495.0 && d < 4503599627370496.0 && d == (double) (long) d) {
            return kv.util.Numbers.toBytes((long) d);
        }
        return kv.util.Doubles.format17g(d).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static void hash(RdbOutput out, HashValue h) {
        if (h.hasFieldTtls()) {
            hashWithTtls(out, h);
            return;
        }
        if (h.isPacked()) {
            Listpack.Builder lp = new Listpack.Builder();
            h.forEach((f, fo, fl, v, vo, vl) -> {
                lp.add(f, fo, fl);
                lp.add(v, vo, vl);
            });
            out.type(RdbFormat.HASH_LISTPACK);
            out.string(lp.build());
            return;
        }
        out.type(RdbFormat.HASH);
        out.length(h.size());
        h.forEach((f, fo, fl, v, vo, vl) -> {
            out.string(f, fo, fl);
            out.string(v, vo, vl);
        });
    }

    /** Redis 7.4+ forms: the minimum expiry first; listpack triplets, or TTLs relative to it plus one. */
    private static void hashWithTtls(RdbOutput out, HashValue h) {
        long[] min = {Long.MAX_VALUE};
        h.forEachWithTtl((f, v, when) -> {
            if (when >= 0 && when < min[0]) {
                min[0] = when;
            }
        });
        long minExpire = min[0] == Long.MAX_VALUE ? -1 : min[0];
        if (h.isPacked()) {
            Listpack.Builder lp = new Listpack.Builder();
            h.forEachWithTtl((f, v, when) -> {
                lp.add(f);
                lp.add(v);
                lp.add(when >= 0 ? when : 0);
            });
            out.type(RdbFormat.HASH_LISTPACK_EX);
            out.le(minExpire, 8);
            out.string(lp.build());
            return;
        }
        out.type(RdbFormat.HASH_METADATA);
        out.le(minExpire, 8);
        out.length(h.size());
        h.forEachWithTtl((f, v, when) -> {
            out.length(when >= 0 ? when - minExpire + 1 : 0);
            out.string(f);
            out.string(v);
        });
    }

    // ---- streams ----

    private static void stream(RdbOutput out, StreamValue s) {
        List<byte[][]> nodes = streamNodes(s);
        out.type(RdbFormat.STREAM_LISTPACKS_2);
        out.length(nodes.size());
        for (byte[][] node : nodes) {
            out.string(node[0]);
            out.string(node[1]);
        }
        out.length(s.length());
        out.length(s.lastId().ms());
        out.length(s.lastId().seq());
        out.length(s.firstId().ms());
        out.length(s.firstId().seq());
        out.length(s.maxDeletedId().ms());
        out.length(s.maxDeletedId().seq());
        out.length(s.entriesAdded());
        java.util.Collection<StreamGroup> groups = s.groups();
        out.length(groups.size());
        for (StreamGroup g : groups) {
            out.string(g.name);
            out.length(g.lastId.ms());
            out.length(g.lastId.seq());
            out.length(g.entriesRead);
            out.length(g.pending.size());
            for (StreamGroup.Pending p : g.pending.values()) {
                id(out, p.id.ms(), p.id.seq());
                out.le(p.deliveryTime, 8);
                out.length(p.deliveryCount);
            }
            out.length(g.consumers.size());
            for (StreamGroup.Consumer c : g.consumers.values()) {
                out.string(c.name);
                out.le(c.seenTime, 8);
                out.length(c.pending.size());
                for (kv.store.StreamId id : c.pending.keySet()) {
                    id(out, id.ms(), id.seq());
                }
            }
        }
    }

    private static void id(RdbOutput out, long ms, long seq) {
        out.be(ms, 8);
        out.be(seq, 8);
    }

    /** The live entries cut into Redis-shaped listpack nodes: {master ID key, listpack}. */
    private static List<byte[][]> streamNodes(StreamValue s) {
        List<byte[][]> nodes = new ArrayList<>();
        List<long[]> ids = new ArrayList<>();
        List<List<byte[]>> bodies = new ArrayList<>();
        s.forEach(new StreamValue.EntryVisitor() {
            @Override
            public void entry(long ms, long seq) {
                ids.add(new long[] {ms, seq});
                bodies.add(new ArrayList<>());
            }

            @Override
            public void element(byte[] b, int offset, int length) {
                bodies.get(bodies.size() - 1).add(Arrays.copyOfRange(b, offset, offset + length));
            }
        });
        int i = 0;
        while (i < ids.size()) {
            int from = i;
            int bytes = 0;
            while (i < ids.size() && i - from < STREAM_NODE_ENTRIES && (i == from || bytes < STREAM_NODE_BYTES)) {
                for (byte[] e : bodies.get(i)) {
                    bytes += e.length + 2;
                }
                i++;
            }
            nodes.add(streamNode(ids, bodies, from, i));
        }
        return nodes;
    }

    private static byte[][] streamNode(List<long[]> ids, List<List<byte[]>> bodies, int from, int to) {
        long[] master = ids.get(from);
        List<byte[]> first = bodies.get(from);
        int masterFields = first.size() / 2;
        Listpack.Builder lp = new Listpack.Builder();
        lp.add(to - from).add(0).add(masterFields);
        for (int f = 0; f < masterFields; f++) {
            lp.add(first.get(2 * f));
        }
        lp.add(0);
        for (int i = from; i < to; i++) {
            List<byte[]> body = bodies.get(i);
            int fields = body.size() / 2;
            boolean same = fields == masterFields;
            for (int f = 0; same && f < fields; f++) {
                same = Arrays.equals(body.get(2 * f), first.get(2 * f));
            }
            long[] id = ids.get(i);
            lp.add(same ? STREAM_ITEM_FLAG_SAMEFIELDS : 0).add(id[0] - master[0]).add(id[1] - master[1]);
            if (same) {
                for (int f = 0; f < fields; f++) {
                    lp.add(body.get(2 * f + 1));
                }
                lp.add(fields + 3);
            } else {
                lp.add(fields);
                for (byte[] e : body) {
                    lp.add(e);
                }
                lp.add(2L * fields + 4);
            }
        }
        byte[] key = new byte[16];
        for (int k = 0; k < 8; k++) {
            key[k] = (byte) (master[0] >>> (56 - 8 * k));
            key[8 + k] = (byte) (master[1] >>> (56 - 8 * k));
        }
        return new byte[][] {key, lp.build()};
    }
}
