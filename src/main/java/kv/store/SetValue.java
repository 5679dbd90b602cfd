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

    /** The intset encoding: Redis' intset bytes (see {@link IntSet}), or null. */
    private byte[] ints;
    private PackedMembers packed;
    private MemberTable table;

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
            s.ints = IntSet.empty();
        } else if (sizeHint <= limits.maxListpackEntries()) {
            s.packed = new PackedMembers(0);
        } else {
            s.table = new MemberTable();
        }
        return s;
    }

    /** An empty intset-encoded set (the start of SINTERSTORE/SUNIONSTORE/SDIFFSTORE results). */
    public static SetValue emptyIntset() {
        SetValue s = new SetValue();
        s.ints = IntSet.empty();
        return s;
    }

    /** An empty listpack-encoded set. */
    public static SetValue emptyListpack() {
        SetValue s = new SetValue();
        s.packed = new PackedMembers(0);
        return s;
    }

    @Override
    public ValueType type() {
        return ValueType.SET;
    }

    @Override
    public String encoding() {
        return ints != null ? "intset" : packed != null ? "listpack" : "hashtable";
    }

    public boolean isIntset() {
        return ints != null;
    }

    /** The intset encoding's bytes, exactly Redis' intset layout (for RDB); null in other encodings. Read only. */
    public byte[] intsetBytes() {
        return ints;
    }

    public boolean isHashtable() {
        return table != null;
    }

    public int size() {
        return ints != null ? IntSet.size(ints) : packed != null ? packed.size() : table.size();
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    public boolean contains(byte[] m) {
        if (ints != null) {
            return Numbers.isLong(m) && IntSet.contains(ints, Numbers.parseLong(m));
        }
        if (packed != null) {
            return packed.contains(m);
        }
        return table.find(m) >= 0;
    }

    /** Adds {@code m}, converting the encoding where Redis does; false if already present. */
    public boolean add(byte[] m, Limits limits) {
        if (ints != null) {
            if (Numbers.isLong(m)) {
                byte[] grown = IntSet.add(ints, Numbers.parseLong(m));
                if (grown == ints) {
                    return false;
                }
                ints = grown;
                if (IntSet.size(ints) > limits.intsetCap()) {
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
        if (table.add(m)) {
            table.memberBytes += Memory.arrayBytes(m.length);
            return true;
        }
        return false;
    }

    public boolean remove(byte[] m) {
        if (ints != null) {
            if (!Numbers.isLong(m)) {
                return false;
            }
            byte[] shrunk = IntSet.remove(ints, Numbers.parseLong(m));
            boolean removed = shrunk != ints;
            ints = shrunk;
            return removed;
        }
        if (packed != null) {
            return packed.remove(m);
        }
        if (table.remove(m)) {
            table.memberBytes -= Memory.arrayBytes(m.length);
            return true;
        }
        return false;
    }

    private void intsToPacked() {
        PackedMembers p = new PackedMembers(IntSet.size(ints) * 8 + 16);
        for (int i = 0; i < IntSet.size(ints); i++) {
            p.append(Numbers.toBytes(IntSet.get(ints, i)));
        }
        ints = null;
        packed = p;
    }

    private void toTable() {
        MemberTable t = new MemberTable();
        long bytes = 0;
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
        ints = null;
        packed = null;
        table = t;
        t.memberBytes = bytes;
    }

    /** Every member, in the encoding's order (ascending for an intset, insertion order for a listpack). */
    public void forEach(MemberVisitor visitor) {
        if (ints != null) {
            for (int i = 0; i < IntSet.size(ints); i++) {
                visitor.visit(Numbers.toBytes(IntSet.get(ints, i)));
            }
        } else if (packed != null) {
            for (int p = packed.first(); p < packed.end(); p = packed.next(p)) {
                visitor.visit(packed.memberAt(p));
            }
        } else {
            table.forEachSlot(slot -> visitor.visit(table.keyAt(slot)));
        }
    }

    /** A uniformly chosen member; the set must not be empty. */
    public byte[] randomMember(RandomGenerator random) {
        if (ints != null) {
            return Numbers.toBytes(IntSet.get(ints, random.nextInt(IntSet.size(ints))));
        }
        if (packed != null) {
            return packed.memberAt(packed.offsetOf(random.nextInt(packed.size())));
        }
        return table.keyAt(table.randomSlot(random));
    }

    /** Removes and returns a uniformly chosen member; the set must not be empty. */
    public byte[] popRandom(RandomGenerator random) {
        if (ints != null) {
            int i = random.nextInt(IntSet.size(ints));
            long v = IntSet.get(ints, i);
            ints = IntSet.removeAt(ints, i);
            return Numbers.toBytes(v);
        }
        if (packed != null) {
            int p = packed.offsetOf(random.nextInt(packed.size()));
            byte[] m = packed.memberAt(p);
            packed.removeAt(p);
            return m;
        }
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
        if (table == null) {
            forEach(visitor);
            return 0;
        }
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
        if (ints != null) {
            kept.ints = IntSet.empty();
        } else {
            kept.packed = new PackedMembers(0);
        }
        for (int i = 0; i < keep; i++) {
            byte[] m = popRandom(random);
            if (kept.ints != null) {
                kept.ints = IntSet.add(kept.ints, Numbers.parseLong(m));
            } else {
                kept.add(m, limits);
            }
        }
        return kept;
    }

    @Override
    public long heapBytes() {
        long self = 24;
        if (ints != null) {
            return self + Memory.arrayBytes(ints.length);
        }
        if (packed != null) {
            return self + packed.heapBytes();
        }
        return self + 40 + table.tableBytes(0) + table.memberBytes;
    }

    @Override
    public SetValue copy() {
        SetValue s = new SetValue();
        if (ints != null) {
            s.ints = IntSet.copy(ints);
        } else if (packed != null) {
            s.packed = packed.copy();
        } else {
            // member arrays are never modified, so the copy may share them
            MemberTable t = new MemberTable();
            table.forEachSlot(slot -> t.add(table.keyAt(slot)));
            s.table = t;
            t.memberBytes = table.memberBytes;
        }
        return s;
    }
}
