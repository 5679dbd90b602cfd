package kv.store;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import kv.util.Numbers;

/**
 * A set in one of Redis 7.2's three encodings: "intset" (sorted packed integers), "listpack"
 * (small sets of short strings, packed in one array) and "hashtable" (an open-addressing table of
 * members). Conversions happen on add, at the thresholds Redis uses, and only towards the bigger
 * encodings.
 *
 * <p>The read-only part of the API ({@link #size}, {@link #contains}, {@link #forEach}) is what
 * other families (sorted-set algebra, SORT) use to read a set.
 */
public final class SetValue implements CompoundValue {
    /** The conversion thresholds (set-max-intset-entries, set-max-listpack-entries/-value). */
    public record Limits(long maxIntsetEntries, long maxListpackEntries, long maxListpackValue) {
        /** Redis caps the intset size at 2^30 whatever the configuration says. */
        long intsetCap() {
            return Math.min(maxIntsetEntries, 1L << 30);
        }
    }

    /** Receives members during iteration; the arrays must not be modified. */
    public interface MemberVisitor {
        void visit(byte[] member);
    }

    /**
     * The encoding, told by the class of this one field (a small set costs this object and its
     * array): a {@code byte[]} is an "intset" (see {@link IntSet}), a {@link PackedMembers} a
     * "listpack", a {@link MemberTable} a "hashtable".
     */
    private Object repr;

    /** Object header and the one reference. */
    private static final long SHALLOW = Memory.align(12 + 4);
    /** A {@link MemberTable} object without its arrays and members (its own field: a long). */
    private static final long TABLE_SHALLOW = Memory.align(OpenKeyTable.OBJECT_BYTES + 8);

    private byte[] ints() {
        return repr instanceof byte[] ? (byte[]) repr : null;
    }

    private PackedMembers packed() {
        return repr instanceof PackedMembers ? (PackedMembers) repr : null;
    }

    private MemberTable table() {
        return (MemberTable) repr;
    }

    private SetValue() {
    }

    /**
     * An empty set ready for {@code sizeHint} adds starting with {@code first} (Redis'
     * setTypeCreate): intset if that member is an integer and the hint fits the intset, else
     * listpack if the hint fits, else hashtable.
     */
    public static SetValue create(byte[] first, long sizeHint, Limits limits) {
        SetValue s = new SetValue();
        if (Numbers.isLong(first) && sizeHint <= limits.intsetCap()) {
            s.repr = IntSet.empty();
        } else if (sizeHint <= limits.maxListpackEntries()) {
            s.repr = new PackedMembers(0);
        } else {
            s.repr = new MemberTable();
        }
        return s;
    }

    /** An empty intset-encoded set (the start of SINTERSTORE/SUNIONSTORE/SDIFFSTORE results). */
    public static SetValue emptyIntset() {
        SetValue s = new SetValue();
        s.repr = IntSet.empty();
        return s;
    }

    /** An empty listpack-encoded set. */
    public static SetValue emptyListpack() {
        SetValue s = new SetValue();
        s.repr = new PackedMembers(0);
        return s;
    }

    @Override
    public ValueType type() {
        return ValueType.SET;
    }

    @Override
    public String encoding() {
        return repr instanceof byte[] ? "intset" : repr instanceof PackedMembers ? "listpack" : "hashtable";
    }

    public boolean isIntset() {
        return repr instanceof byte[];
    }

    /** The intset encoding in Redis' intset layout (for RDB; a new array); null in other encodings. */
    public byte[] intsetBytes() {
        byte[] ints = ints();
        return ints == null ? null : IntSet.toRedisLayout(ints);
    }

    public boolean isHashtable() {
        return repr instanceof MemberTable;
    }

    public int size() {
        Object r = repr;
        if (r instanceof byte[]) {
            return IntSet.size((byte[]) r);
        }
        return r instanceof PackedMembers ? ((PackedMembers) r).size() : ((MemberTable) r).size();
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    public boolean contains(byte[] m) {
        byte[] ints = ints();
        PackedMembers packed = packed();
        if (ints != null) {
            return Numbers.isLong(m) && IntSet.contains(ints, Numbers.parseLong(m));
        }
        if (packed != null) {
            return packed.contains(m);
        }
        return table().find(m) >= 0;
    }

    /** Adds {@code m}, converting the encoding where Redis does; false if already present. */
    public boolean add(byte[] m, Limits limits) {
        byte[] ints = ints();
        if (ints != null) {
            if (Numbers.isLong(m)) {
                byte[] grown = IntSet.add(ints, Numbers.parseLong(m));
                if (grown == ints) {
                    return false;
                }
                repr = grown;
                if (IntSet.size(grown) > limits.intsetCap()) {
                    toTable();
                }
                return true;
            }
            // a non-integer: listpack if every member (the widest integer included) fits it
            int n = IntSet.size(ints);
            int widest = n == 0 ? 0 : Math.max(Numbers.digits(IntSet.max(ints)), Numbers.digits(IntSet.min(ints)));
            if (n < limits.maxListpackEntries() && m.length <= limits.maxListpackValue() && widest <= limits.maxListpackValue()) {
                intsToPacked();
            } else {
                toTable();
            }
        }
        PackedMembers packed = packed();
        if (packed != null) {
            if (packed.contains(m)) {
                return false;
            }
            if (packed.size() < limits.maxListpackEntries() && m.length <= limits.maxListpackValue()) {
                packed.append(m);
                return true;
            }
            toTable();
        }
        MemberTable table = table();
        if (table.add(m)) {
            table.memberBytes += Memory.arrayBytes(m.length);
            return true;
        }
        return false;
    }

    public boolean remove(byte[] m) {
        byte[] ints = ints();
        if (ints != null) {
            if (!Numbers.isLong(m)) {
                return false;
            }
            byte[] shrunk = IntSet.remove(ints, Numbers.parseLong(m));
            repr = shrunk;
            return shrunk != ints;
        }
        PackedMembers packed = packed();
        if (packed != null) {
            return packed.remove(m);
        }
        MemberTable table = table();
        if (table.remove(m)) {
            table.memberBytes -= Memory.arrayBytes(m.length);
            return true;
        }
        return false;
    }

    private void intsToPacked() {
        byte[] ints = ints();
        PackedMembers p = new PackedMembers(IntSet.size(ints) * 8 + 16);
        for (int i = 0; i < IntSet.size(ints); i++) {
            p.append(Numbers.toBytes(IntSet.get(ints, i)));
        }
        repr = p;
    }

    private void toTable() {
        MemberTable t = new MemberTable();
        long bytes = 0;
        byte[] ints = ints();
        PackedMembers packed = packed();
        if (ints != null) {
            for (int i = 0; i < IntSet.size(ints); i++) {
                byte[] m = Numbers.toBytes(IntSet.get(ints, i));
                t.add(m);
                bytes += Memory.arrayBytes(m.length);
            }
        } else {
            for (int p = packed.first(); p < packed.end(); p = packed.next(p)) {
                byte[] m = packed.memberAt(p);
                t.add(m);
                bytes += Memory.arrayBytes(m.length);
            }
        }
        repr = t;
        t.memberBytes = bytes;
    }

    /** Every member, in the encoding's order (ascending for an intset, insertion order for a listpack). */
    public void forEach(MemberVisitor visitor) {
        byte[] ints = ints();
        PackedMembers packed = packed();
        if (ints != null) {
            for (int i = 0; i < IntSet.size(ints); i++) {
                visitor.visit(Numbers.toBytes(IntSet.get(ints, i)));
            }
        } else if (packed != null) {
            for (int p = packed.first(); p < packed.end(); p = packed.next(p)) {
                visitor.visit(packed.memberAt(p));
            }
        } else {
            MemberTable table = table();
            table.forEachSlot(slot -> visitor.visit(table.keyAt(slot)));
        }
    }

    /** A uniformly chosen member; the set must not be empty. */
    public byte[] randomMember(RandomGenerator random) {
        byte[] ints = ints();
        PackedMembers packed = packed();
        if (ints != null) {
            return Numbers.toBytes(IntSet.get(ints, random.nextInt(IntSet.size(ints))));
        }
        if (packed != null) {
            return packed.memberAt(packed.offsetOf(random.nextInt(packed.size())));
        }
        MemberTable table = table();
        return table.keyAt(table.randomSlot(random));
    }

    /** Removes and returns a uniformly chosen member; the set must not be empty. */
    public byte[] popRandom(RandomGenerator random) {
        byte[] ints = ints();
        if (ints != null) {
            int i = random.nextInt(IntSet.size(ints));
            long v = IntSet.get(ints, i);
            repr = IntSet.removeAt(ints, i);
            return Numbers.toBytes(v);
        }
        PackedMembers packed = packed();
        if (packed != null) {
            int p = packed.offsetOf(random.nextInt(packed.size()));
            byte[] m = packed.memberAt(p);
            packed.removeAt(p);
            return m;
        }
        MemberTable table = table();
        int slot = table.randomSlot(random);
        byte[] m = table.keyAt(slot);
        table.removeSlot(slot);
        table.memberBytes -= Memory.arrayBytes(m.length);
        return m;
    }

    /**
     * One SSCAN step over a hashtable (Redis' cursor semantics); the packed encodings return all
     * members at once and cursor 0, as Redis does for intsets and listpacks.
     */
    public long scanStep(long cursor, MemberVisitor visitor) {
        if (!(repr instanceof MemberTable)) {
            forEach(visitor);
            return 0;
        }
        MemberTable table = table();
        return table.scanStep(cursor, slot -> visitor.visit(table.keyAt(slot)));
    }

    /** {@code count} distinct members chosen at random, {@code count} below the size. */
    public List<byte[]> randomDistinct(int count, RandomGenerator random) {
        List<byte[]> out = new ArrayList<>(count);
        if (count * 3L > size()) {
            // a large share of the set: shuffle a copy partially
            List<byte[]> all = new ArrayList<>(size());
            forEach(all::add);
            for (int i = 0; i < count; i++) {
                int j = i + random.nextInt(all.size() - i);
                byte[] t = all.get(j);
                all.set(j, all.get(i));
                all.set(i, t);
                out.add(t);
            }
            return out;
        }
        MemberTable seen = new MemberTable();
        while (out.size() < count) {
            byte[] m = randomMember(random);
            if (seen.add(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * SPOP's strategy for popping most of a set (Redis 7.2): moves {@code keep} random members into
     * a new set, which it returns; this set is left holding the popped members. The new set keeps a
     * packed encoding; from a hashtable it starts as a listpack and converts as members arrive.
     */
    public SetValue keepRandom(int keep, Limits limits, RandomGenerator random) {
        SetValue kept = new SetValue();
        boolean intset = isIntset();
        kept.repr = intset ? IntSet.empty() : new PackedMembers(0);
        for (int i = 0; i < keep; i++) {
            byte[] m = popRandom(random);
            if (intset) {
                kept.repr = IntSet.add((byte[]) kept.repr, Numbers.parseLong(m));
            } else {
                kept.add(m, limits);
            }
        }
        return kept;
    }

    @Override
    public long heapBytes() {
        Object r = repr;
        if (r instanceof byte[]) {
            return SHALLOW + Memory.arrayBytes(((byte[]) r).length);
        }
        if (r instanceof PackedMembers) {
            return SHALLOW + ((PackedMembers) r).heapBytes();
        }
        MemberTable table = (MemberTable) r;
        return SHALLOW + TABLE_SHALLOW + table.tableBytes(0, 0) + table.memberBytes;
    }

    @Override
    public SetValue copy() {
        SetValue s = new SetValue();
        Object r = repr;
        if (r instanceof byte[]) {
            s.repr = IntSet.copy((byte[]) r);
        } else if (r instanceof PackedMembers) {
            s.repr = ((PackedMembers) r).copy();
        } else {
            // member arrays are never modified, so the copy may share them
            MemberTable table = (MemberTable) r;
            MemberTable t = new MemberTable();
            table.forEachSlot(slot -> t.add(table.keyAt(slot)));
            s.repr = t;
            t.memberBytes = table.memberBytes;
        }
        return s;
    }
}
