package kv.store;

import java.util.function.BiConsumer;


/**
 * A sorted set value: "listpack" (one packed array) while it has at most
 * zset-max-listpack-entries members of at most zset-max-listpack-value bytes, "skiplist" after.
 * Like Redis, a set never converts back by itself; {@link #compactIfSmall} does it for freshly
 * stored results (ZUNIONSTORE, ZRANGESTORE, GEOSEARCHSTORE...), as Redis' stores do.
 */
public final class SortedSet implements CompoundValue {
    /**
     * The packed array itself (a byte[]: no wrapper object per small set) or the {@link
     * SkipListZset}; {@link #enc()} gives a view of either.
     */
    private Object repr;

    private SortedSet(Object repr) {
        this.repr = repr;
    }

    private ZsetEncoding enc() {
        return repr instanceof byte[] ? new PackedZset(this) : (ZsetEncoding) repr;
    }

    byte[] packedBytes() {
        return (byte[]) repr;
    }

    void packedBytes(byte[] b) {
        repr = b;
    }

    /** An empty set sized for {@code sizeHint} members of up to {@code maxMemberLength} bytes (Redis' zsetTypeCreate). */
    public static SortedSet create(long sizeHint, long maxMemberLength, Limits limits) {
        if (sizeHint <= limits.maxEntries && maxMemberLength <= limits.maxValue) {
            return new SortedSet(PackedZset.empty());
        }
        return new SortedSet(new SkipListZset((int) Math.min(sizeHint, 1 << 20)));
    }

    /** The conversion thresholds (zset-max-listpack-entries / -value) in force. */
    public record Limits(long maxEntries, long maxValue) {
    }

    @Override
    public ValueType type() {
        return ValueType.ZSET;
    }

    @Override
    public String encoding() {
        return repr instanceof byte[] ? "listpack" : "skiplist";
    }

    public boolean isPacked() {
        return repr instanceof byte[];
    }

    @Override
    public long heapBytes() {
        Object r = repr;
        return 16 + (r instanceof byte[] ? Memory.arrayBytes(((byte[]) r).length) : ((ZsetEncoding) r).heapBytes());
    }

    @Override
    public boolean isEmpty() {
        return repr instanceof byte[] ? ((byte[]) repr).length == 0 : enc().size() == 0;
    }

    @Override
    public SortedSet copy() {
        return new SortedSet(repr instanceof byte[] ? ((byte[]) repr).clone() : enc().copy());
    }

    public int size() {
        return enc().size();
    }

    /** The score of {@code member}, NaN if absent. */
    public double score(byte[] member) {
        // ZADD's lookup and insertion go to the packed entries without a view (enc() allocates one)
        Object r = repr;
        return r instanceof byte[] ? PackedZset.score((byte[]) r, member) : ((ZsetEncoding) r).score(member);
    }

    /**
     * Sets {@code member}'s score, adding it if absent; converts to the big encoding first when
     * the packed one would exceed {@code limits}. Returns true if the member was added.
     */
    public boolean put(byte[] member, double score, Limits limits) {
        return put(member, score, score(member), limits);
    }

    /**
     * {@link #put(byte[], double, Limits)} for a caller that just read the member's current score
     * ({@code old}, NaN if absent; the set unchanged since), saving a lookup.
     */
    public boolean put(byte[] member, double score, double old, Limits limits) {
        if (!Double.isNaN(old)) {
            if (old != score) {
                enc().update(member, old, score);
            }
            return false;
        }
        if (repr instanceof byte[]) {
            byte[] grown = member.length > limits.maxValue ? null : PackedZset.insertWithin((byte[]) repr, member, score, limits.maxEntries);
            if (grown != null) {
                repr = grown;
                return true;
            }
            toSkipList(enc());
        }
        ((ZsetEncoding) repr).insert(member, score);
        return true;
    }

    private ZsetEncoding toSkipList(ZsetEncoding small) {
        SkipListZset big = new SkipListZset(small.size() + 1);
        for (ZsetCursor c = small.size() == 0 ? null : small.cursor(0, false); c != null && c.valid(); c.advance()) {
            big.insert(c.member(), c.score());
        }
        repr = big;
        return big;
    }

    /** Converts a big set holding few and short members back to the packed encoding. */
    public void compactIfSmall(Limits limits) {
        ZsetEncoding enc = enc();
        if (enc instanceof SkipListZset && enc.size() <= limits.maxEntries) {
            int maxLen = 0;
            for (ZsetCursor c = enc.cursor(0, false); c.valid(); c.advance()) {
                maxLen = Math.max(maxLen, c.member().length);
            }
            if (maxLen <= limits.maxValue) {
                repr = PackedZset.empty();
                PackedZset small = new PackedZset(this);
                for (ZsetCursor c = enc.size() == 0 ? null : enc.cursor(enc.size() - 1, true); c != null && c.valid(); c.advance()) {
                    small.insert(c.member(), c.score());
                }
            }
        }
    }

    public boolean remove(byte[] member) {
        return enc().delete(member);
    }

    /** The 0-based ascending rank of {@code member}, or -1. */
    public int rank(byte[] member) {
        ZsetEncoding enc = enc();
        double s = enc.score(member);
        return Double.isNaN(s) ? -1 : enc.rank(member, s);
    }

    /** Rank of the first element with score above {@code min} (at or above unless exclusive); size() if none. */
    public int firstRankByScore(double min, boolean exclusive) {
        return enc().prefixLength((m, o, l, s) -> exclusive ? s <= min : s < min);
    }

    /** Rank of the last element with score below {@code max} (at or below unless exclusive); -1 if none. */
    public int lastRankByScore(double max, boolean exclusive) {
        return enc().prefixLength((m, o, l, s) -> exclusive ? s < max : s <= max) - 1;
    }

    /** Rank of the first member at or after {@code min} in byte order (the lex-range commands); size() if none. */
    public int firstRankByLex(LexBound min) {
        return enc().prefixLength((m, o, l, s) -> !min.allowsAsMin(m, o, l));
    }

    /** Rank of the last member at or before {@code max} in byte order; -1 if none. */
    public int lastRankByLex(LexBound max) {
        return enc().prefixLength((m, o, l, s) -> max.allowsAsMax(m, o, l)) - 1;
    }

    /**
     * Redis' quick rejection of a lex range: the last member must reach {@code min} and the first
     * must not pass {@code max}. It matters when scores differ (lex ranges assume equal scores).
     */
    public boolean mayHaveLexRange(LexBound min, LexBound max) {
        ZsetEncoding enc = enc();
        if (enc.size() == 0 || LexBound.emptyRange(min, max)) {
            return false;
        }
        return min.allowsAsMin(enc.cursor(enc.size() - 1, false).member()) && max.allowsAsMax(enc.cursor(0, false).member());
    }

    /** Walks from {@code rank} (in [0, size)) up, or down if {@code reverse}. */
    public ZsetCursor cursor(int rank, boolean reverse) {
        return enc().cursor(rank, reverse);
    }

    /** Removes ranks [from, to], inclusive, both within [0, size). */
    public void removeRange(int from, int to) {
        enc().deleteRange(from, to);
    }

    /** Every member with its score, in order. */
    public void forEach(java.util.function.ObjDoubleConsumer<byte[]> action) {
        ZsetEncoding enc = enc();
        for (ZsetCursor c = enc.size() == 0 ? null : enc.cursor(0, false); c != null && c.valid(); c.advance()) {
            action.accept(c.member(), c.score());
        }
    }

    /**
     * One ZSCAN step: a packed set is visited whole (cursor 0 is returned), a big one by member
     * table buckets.
     */
    public long scan(long cursor, BiConsumer<byte[], Double> visitor) {
        ZsetEncoding enc = enc();
        if (enc instanceof SkipListZset) {
            return ((SkipListZset) enc).scan(cursor, visitor);
        }
        for (ZsetCursor c = enc.size() == 0 ? null : enc.cursor(0, false); c != null && c.valid(); c.advance()) {
            visitor.accept(c.member(), c.score());
        }
        return 0;
    }
}
