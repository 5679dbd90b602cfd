package kv.rdb;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
import kv.util.Numbers;

/**
 * Reads one value of a given RDB type and builds it with the store's own types, encodings chosen
 * by the configured thresholds. Anything malformed, or that KV cannot represent, is an
 * {@link RdbException}; nothing is stored here, so a failed value leaves no trace.
 */
final class ValueDecoder {
    private static final int STREAM_ITEM_FLAG_DELETED = 1;
    private static final int STREAM_ITEM_FLAG_SAMEFIELDS = 2;

    private final RdbInput in;
    private final EncodingLimits limits;
    private final long nowMs;

    ValueDecoder(RdbInput in, EncodingLimits limits, long nowMs) {
        this.in = in;
        this.limits = limits;
        this.nowMs = nowMs;
    }

    /** The value, or null for an empty aggregate (Redis skips those: "empty keys"). */
    Object read(int type) throws IOException, RdbException {
        long at = in.offset();
        try {
            return switch (type) {
                case RdbFormat.STRING -> StringValues.of(in.string());
                case RdbFormat.LIST -> list(plainElements());
                case RdbFormat.LIST_ZIPLIST -> list(LegacyPacked.ziplist(in.string()));
                case RdbFormat.LIST_QUICKLIST, RdbFormat.LIST_QUICKLIST_2 -> quicklist(type == RdbFormat.LIST_QUICKLIST_2);
                case RdbFormat.SET -> set(plainElements());
                case RdbFormat.SET_INTSET -> intset(LegacyPacked.intset(in.string()));
                case RdbFormat.SET_LISTPACK -> set(Listpack.elements(in.string()));
                case RdbFormat.ZSET, RdbFormat.ZSET_2 -> plainZset(type == RdbFormat.ZSET_2);
                case RdbFormat.ZSET_ZIPLIST -> packedZset(LegacyPacked.ziplist(in.string()));
                case RdbFormat.ZSET_LISTPACK -> packedZset(Listpack.elements(in.string()));
                case RdbFormat.HASH -> hash(plainElements2(), null);
                case RdbFormat.HASH_ZIPMAP -> hash(LegacyPacked.zipmap(in.string()), null);
                case RdbFormat.HASH_ZIPLIST -> hash(LegacyPacked.ziplist(in.string()), null);
                case RdbFormat.HASH_LISTPACK -> hash(Listpack.elements(in.string()), null);
                case RdbFormat.HASH_METADATA, RdbFormat.HASH_METADATA_PRE_GA -> hashWithTtls(type == RdbFormat.HASH_METADATA);
                case RdbFormat.HASH_LISTPACK_EX, RdbFormat.HASH_LISTPACK_EX_PRE_GA -> hashListpackEx(type == RdbFormat.HASH_LISTPACK_EX);
                case RdbFormat.STREAM_LISTPACKS, RdbFormat.STREAM_LISTPACKS_2, RdbFormat.STREAM_LISTPACKS_3 -> stream(type);
                case RdbFormat.MODULE_PRE_GA, RdbFormat.MODULE_2 -> throw new RdbException("module values cannot be loaded (KV has no modules)", at);
                default -> throw new RdbException("unknown value type " + type, at);
            };
        } catch (RdbException e) {
            // packed-blob decoders do not know the file offset: report the value's start
            if (e.offset() < 0) {
                throw new RdbException(stripOffset(e) + " (value of type " + RdbFormat.typeName(type) + " starting", at);
            }
            throw e;
        }
    }

    private static String stripOffset(RdbException e) {
        String m = e.getMessage();
        int i = m.lastIndexOf(" at offset ");
        return i < 0 ? m : m.substring(0, i);
    }

    private List<byte[]> plainElements() throws IOException, RdbException {
        long n = in.length();
        List<byte[]> out = new ArrayList<>((int) Math.min(n, 1 << 16));
        for (long i = 0; i < n; i++) {
            out.add(in.string());
        }
        return out;
    }

    private List<byte[]> plainElements2() throws IOException, RdbException {
        long n = in.length();
        List<byte[]> out = new ArrayList<>((int) Math.min(2 * n, 1 << 16));
        for (long i = 0; i < n; i++) {
            out.add(in.string());
            out.add(in.string());
        }
        return out;
    }

    // ---- lists ----

    private ListValue list(List<byte[]> elements) {
        if (elements.isEmpty()) {
            return null;
        }
        ListValue list = new PackedList();
        int fill = limits.listMaxListpackSize();
        for (byte[] e : elements) {
            list = ListEncoding.growing(list, e.length, 1, fill);
            list.push(false, e, fill);
        }
        return list;
    }

    private ListValue quicklist(boolean v2) throws IOException, RdbException {
        long nodes = in.length();
        List<byte[]> all = new ArrayList<>();
        for (long i = 0; i < nodes; i++) {
            int container = RdbFormat.CONTAINER_PACKED;
            if (v2) {
                container = (int) in.length();
                if (container != RdbFormat.CONTAINER_PACKED && container != RdbFormat.CONTAINER_PLAIN) {
                    throw in.error("quicklist node with invalid container " + container);
                }
            }
            byte[] data = in.string();
            if (data.length == 0) {
                throw in.error("empty quicklist node");
            }
            if (container == RdbFormat.CONTAINER_PLAIN) {
                all.add(data);
            } else if (v2) {
                all.addAll(Listpack.elements(data));
            } else {
                all.addAll(LegacyPacked.ziplist(data));
            }
        }
        return list(all);
    }

    // ---- sets ----

    private SetValue set(List<byte[]> members) throws RdbException {
        if (members.isEmpty()) {
            return null;
        }
        SetValue.Limits l = limits.set();
        SetValue s = SetValue.create(members.get(0), members.size(), l);
        for (byte[] m : members) {
            if (!s.add(m, l)) {
                throw in.error("duplicate set member");
            }
        }
        return s;
    }

    /** An intset blob stays an intset unless it has more members than set-max-intset-entries: then a table. */
    private SetValue intset(long[] ints) throws RdbException {
        if (ints.length == 0) {
            return null;
        }
        SetValue.Limits l = limits.set();
        boolean tooMany = ints.length > l.maxIntsetEntries();
        SetValue s = SetValue.create(Numbers.toBytes(ints[0]), tooMany ? Long.MAX_VALUE : ints.length, l);
        for (long v : ints) {
            s.add(Numbers.toBytes(v), l);
        }
        return s;
    }

    // ---- sorted sets ----

    private SortedSet plainZset(boolean binary) throws IOException, RdbException {
        long n = in.length();
        List<byte[]> members = new ArrayList<>();
        double[] scores = new double[(int) Math.min(n, 1 << 20)];
        for (long i = 0; i < n; i++) {
            members.add(in.string());
            double d = binary ? in.binaryDouble() : in.textDouble();
            if (Double.isNaN(d)) {
                throw in.error("sorted set member with a NaN score");
            }
            if (i >= scores.length) {
                scores = java.util.Arrays.copyOf(scores, (int) Math.min(n, scores.length * 2L));
            }
            scores[(int) i] = d;
        }
        return zset(members, scores, true);
    }

    private SortedSet packedZset(List<byte[]> elements) throws RdbException {
        if (elements.size() % 2 != 0) {
            throw in.error("sorted set blob with an odd number of elements");
        }
        int n = elements.size() / 2;
        List<byte[]> members = new ArrayList<>(n);
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            members.add(elements.get(2 * i));
            byte[] s = elements.get(2 * i + 1);
            scores[i] = score(s);
            if (Double.isNaN(scores[i])) {
                throw in.error("sorted set member with a NaN score");
            }
        }
        return zset(members, scores, false);
    }

    /** A listpack score as strtod reads it: decimal or exponent forms, "inf", "-inf". */
    private double score(byte[] b) throws RdbException {
        String t = new String(b, java.nio.charset.StandardCharsets.US_ASCII);
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        if (t.isEmpty() || !t.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')) {
            throw in.error("sorted set blob with an invalid score");
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw in.error("sorted set blob with an invalid score");
        }
    }

    /**
     * A plain (skiplist) set converts to listpack when small and short, as Redis does after
     * loading; a packed blob is kept packed unless it has too many members.
     */
    private SortedSet zset(List<byte[]> members, double[] scores, boolean checkLengths) throws RdbException {
        if (members.isEmpty()) {
            return null;
        }
        int maxLen = 0;
        if (checkLengths) {
            for (byte[] m : members) {
                maxLen = Math.max(maxLen, m.length);
            }
        }
        SortedSet.Limits l = limits.zset();
        SortedSet z = SortedSet.create(members.size(), maxLen, l);
        for (int i = 0; i < members.size(); i++) {
            if (!z.put(members.get(i), scores[i], l)) {
                throw in.error("duplicate sorted set member");
            }
        }
        return z;
    }

    // ---- hashes ----

    private HashValue hash(List<byte[]> pairs, long[] ttls) throws RdbException {
        if (pairs.size() % 2 != 0) {
            throw in.error("hash with an odd number of elements");
        }
        if (pairs.isEmpty()) {
            return null;
        }
        HashValue h = new HashValue();
        int n = pairs.size() / 2;
        long maxEntries = limits.hashMaxListpackEntries();
        long maxValue = limits.hashMaxListpackValue();
        if (n > maxEntries) {
            // too many fields: straight to the table, as Redis does, without listpack steps
            h.prepareFor(new byte[][] {new byte[(int) maxValue + 1]}, 0, 0, maxValue);
        } else {
            // a listpack sized for all the pairs (or the table if a value is too long for one)
            h.prepareFor(pairs.toArray(new byte[0][]), 0, pairs.size() - 1, maxValue);
        }
        for (int i = 0; i < n; i++) {
            if (!h.set(pairs.get(2 * i), pairs.get(2 * i + 1), maxEntries, maxValue)) {
                throw in.error("duplicate hash field");
            }
        }
        if (ttls != null) {
            for (int i = 0; i < n; i++) {
                if (ttls[i] > 0) {
                    h.setTtl(pairs.get(2 * i), ttls[i]);
                }
            }
        }
        return h;
    }

    /** Types 24 (GA: minimum expiry first, TTLs relative to it plus one) and 22 (7.4 RC: absolute TTLs). */
    private HashValue hashWithTtls(boolean relative) throws IOException, RdbException {
        long min = relative ? in.le(8) : 0;
        long n = in.length();
        List<byte[]> pairs = new ArrayList<>();
        long[] ttls = new long[(int) Math.min(n, 1 << 20)];
        for (long i = 0; i < n; i++) {
            long ttl = in.length();
            long when = relative ? (ttl == 0 ? 0 : ttl + min - 1) : ttl;
            if (i >= ttls.length) {
                ttls = java.util.Arrays.copyOf(ttls, (int) Math.min(n, ttls.length * 2L));
            }
            ttls[(int) i] = when;
            pairs.add(in.string());
            pairs.add(in.string());
        }
        return hash(pairs, ttls);
    }

    /** Types 25 (minimum expiry, then a listpack of field, value, TTL triplets) and 23 (no minimum). */
    private HashValue hashListpackEx(boolean withMin) throws IOException, RdbException {
        if (withMin) {
            in.le(8);
        }
        List<byte[]> triplets = Listpack.elements(in.string());
        if (triplets.size() % 3 != 0) {
            throw in.error("hash listpack with TTLs whose element count is not a multiple of 3");
        }
        int n = triplets.size() / 3;
        List<byte[]> pairs = new ArrayList<>(2 * n);
        long[] ttls = new long[n];
        for (int i = 0; i < n; i++) {
            pairs.add(triplets.get(3 * i));
            pairs.add(triplets.get(3 * i + 1));
            byte[] t = triplets.get(3 * i + 2);
            if (!Numbers.isLong(t)) {
                throw in.error("hash field TTL is not an integer");
            }
            ttls[i] = Numbers.parseLong(t);
        }
        return hash(pairs, ttls);
    }

    // ---- streams ----

    private StreamValue stream(int type) throws IOException, RdbException {
        StreamValue s = new StreamValue();
        long nodes = in.length();
        StreamId previous = null;
        for (long i = 0; i < nodes; i++) {
            byte[] master = in.string();
            if (master.length != 16) {
                throw in.error("stream node key is not a 128-bit ID");
            }
            StreamId base = new StreamId(be(master, 0), be(master, 8));
            List<byte[]> e = Listpack.elements(in.string());
            if (e.isEmpty()) {
                throw in.error("empty stream listpack");
            }
            previous = streamNode(s, base, e, previous);
        }
        long length = in.length();
        StreamId lastId = new StreamId(in.rawLength(), in.rawLength());
        StreamId maxDeleted = StreamId.MIN;
        long entriesAdded = length;
        if (type >= RdbFormat.STREAM_LISTPACKS_2) {
            in.rawLength(); // first ID: recomputed from the entries
            in.rawLength();
            maxDeleted = new StreamId(in.rawLength(), in.rawLength());
            entriesAdded = in.rawLength();
        }
        if (s.length() != length) {
            throw in.error("stream length " + length + " does not match its " + s.length() + " entries");
        }
        if (previous != null && previous.compareTo(lastId) > 0) {
            throw in.error("stream last ID is below an entry's ID");
        }
        s.setLastId(lastId, entriesAdded, maxDeleted);
        long groups = in.length();
        for (long g = 0; g < groups; g++) {
            group(s, type);
        }
        return s;
    }

    private static long be(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    /** Appends the live entries of one node; returns the last ID seen. */
    private StreamId streamNode(StreamValue s, StreamId base, List<byte[]> e, StreamId previous) throws RdbException {
        int masterFields = (int) num(e, 2);
        int p = 3 + masterFields;
        if (p >= e.size() || num(e, p) != 0) {
            throw in.error("stream master entry without terminator");
        }
        p++;
        while (p < e.size()) {
            int flags = (int) num(e, p);
            StreamId id = new StreamId(base.ms() + num(e, p + 1), base.seq() + num(e, p + 2));
            int fields;
            byte[][] argv;
            if ((flags & STREAM_ITEM_FLAG_SAMEFIELDS) != 0) {
                fields = masterFields;
                argv = new byte[2 * fields][];
                for (int f = 0; f < fields; f++) {
                    argv[2 * f] = get(e, 3 + f);
                    argv[2 * f + 1] = get(e, p + 3 + f);
                }
                p += 3 + fields;
            } else {
                fields = (int) num(e, p + 3);
                argv = new byte[2 * fields][];
                for (int f = 0; f < 2 * fields; f++) {
                    argv[f] = get(e, p + 4 + f);
                }
                p += 4 + 2 * fields;
            }
            num(e, p); // lp-count, for walking backwards
            p++;
            if (previous != null && id.compareTo(previous) <= 0) {
                throw in.error("stream IDs out of order");
            }
            previous = id;
            if ((flags & STREAM_ITEM_FLAG_DELETED) == 0) {
                s.append(id, argv, 0, argv.length);
            }
        }
        return previous;
    }

    private byte[] get(List<byte[]> e, int i) throws RdbException {
        if (i >= e.size()) {
            throw in.error("stream listpack entry cut short");
        }
        return e.get(i);
    }

    private long num(List<byte[]> e, int i) throws RdbException {
        byte[] b = get(e, i);
        if (!Numbers.isLong(b)) {
            throw in.error("stream listpack holds a string where a number belongs");
        }
        return Numbers.parseLong(b);
    }

    private void group(StreamValue s, int type) throws IOException, RdbException {
        byte[] name = in.string();
        StreamId last = new StreamId(in.rawLength(), in.rawLength());
        long entriesRead = type >= RdbFormat.STREAM_LISTPACKS_2 ? in.rawLength() : s.estimateEntriesRead(last);
        StreamGroup g = s.createGroup(name, last, entriesRead);
        if (g == null) {
            throw in.error("duplicate consumer group");
        }
        long pel = in.length();
        java.util.Map<StreamId, long[]> nacks = new java.util.TreeMap<>();
        for (long i = 0; i < pel; i++) {
            byte[] raw = in.bytes(16);
            StreamId id = new StreamId(be(raw, 0), be(raw, 8));
            long deliveryTime = in.le(8);
            long deliveryCount = in.length();
            if (nacks.put(id, new long[] {deliveryTime, deliveryCount}) != null) {
                throw in.error("duplicate entry in a group's pending list");
            }
        }
        long consumers = in.length();
        Set<StreamId> owned = new HashSet<>();
        for (long c = 0; c < consumers; c++) {
            byte[] cname = in.string();
            long seen = in.le(8);
            long active = type >= RdbFormat.STREAM_LISTPACKS_3 ? in.le(8) : seen;
            if (g.consumer(cname) != null) {
                throw in.error("duplicate consumer");
            }
            StreamGroup.Consumer consumer = s.createConsumer(g, cname, seen);
            long n = in.length();
            for (long i = 0; i < n; i++) {
                byte[] raw = in.bytes(16);
                StreamId id = new StreamId(be(raw, 0), be(raw, 8));
                long[] nack = nacks.get(id);
                if (nack == null || !owned.add(id)) {
                    throw in.error("consumer pending entry missing from the group's pending list");
                }
                StreamGroup.Pending p = s.claim(g, id, consumer, true, nowMs);
                p.deliveryTime = nack[0];
                p.deliveryCount = nack[1];
            }
            consumer.seenTime = seen;
            consumer.activeTime = active;
        }
        if (owned.size() != nacks.size()) {
            throw in.error("group pending entry without a consumer");
        }
    }
}
