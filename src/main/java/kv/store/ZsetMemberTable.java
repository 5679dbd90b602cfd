package kv.store;

import java.util.Arrays;
import java.util.function.IntConsumer;


/**
 * Member → skip-list node (the offset of its record in {@link SkipListZset}), open addressing with
 * linear probing and backward-shift deletion (no tombstones, no entry objects). A slot holds the
 * member's hash in its high half and the node in its low half (0, as no hash is 0, marks an empty
 * slot), so a probe reads a node's record and member only where the hash matches, and removals
 * and resizes never read members. Capacity is a power of two, at most 3/4 full.
 */
final class ZsetMemberTable {
    private static final long EMPTY = 0;
    private final SkipListZset owner;
    private long[] slots;
    private int mask;
    private int size;

    ZsetMemberTable(SkipListZset owner, int expected) {
        this.owner = owner;
        int cap = 8;
        while (cap * 3 / 4 < expected) {
            cap <<= 1;
        }
        slots = new long[cap];
        mask = cap - 1;
    }

    private ZsetMemberTable(SkipListZset owner, ZsetMemberTable o) {
        this.owner = owner;
        slots = o.slots.clone();
        mask = o.mask;
        size = o.size;
    }

    /** This table for {@code owner}, a copy of this table's owner. */
    ZsetMemberTable copy(SkipListZset owner) {
        return new ZsetMemberTable(owner, this);
    }

    private static int hashOf(long slot) {
        return (int) (slot >>> 32);
    }

    private static int nodeOf(long slot) {
        return (int) slot;
    }

    private int indexOf(byte[] member) {
        int h = KeyHash.hash(member);
        int i = h & mask;
        long s;
        while ((s = slots[i]) != EMPTY) {
            if (hashOf(s) == h && Arrays.equals(owner.member(nodeOf(s)), member)) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1 - i;
    }

    /** The node of {@code member}, or 0. */
    int get(byte[] member) {
        int i = indexOf(member);
        return i >= 0 ? nodeOf(slots[i]) : 0;
    }

    /** Adds {@code node}, whose member is absent. */
    void put(int node) {
        if ((size + 1) * 4 > slots.length * 3) {
            resize(slots.length * 2);
        }
        place((long) KeyHash.hash(owner.member(node)) << 32 | (node & 0xffffffffL));
        size++;
    }

    private void place(long slot) {
        int i = hashOf(slot) & mask;
        while (slots[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        slots[i] = slot;
    }

    void remove(byte[] member) {
        int i = indexOf(member);
        if (i < 0) {
            return;
        }
        slots[i] = EMPTY;
        size--;
        // backward shift: move later entries of the probe run into the hole when their home allows
        int hole = i;
        int j = (i + 1) & mask;
        long s;
        while ((s = slots[j]) != EMPTY) {
            int home = hashOf(s) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole] = s;
                slots[j] = EMPTY;
                hole = j;
            }
            j = (j + 1) & mask;
        }
        if (slots.length > 64 && size * 8 < slots.length) {
            resize(slots.length / 2);
        }
    }

    private void resize(int capacity) {
        long[] old = slots;
        slots = new long[capacity];
        mask = capacity - 1;
        for (long s : old) {
            if (s != EMPTY) {
                place(s);
            }
        }
    }

    long heapBytes() {
        return Memory.align(12 + 4 * 4) + Memory.arrayBytes(8 * slots.length);
    }

    /**
     * Visits the entries whose home bucket is {@code cursor}'s and returns the next cursor, in the
     * reverse-binary order of Redis' dict scan, so entries present throughout an iteration are
     * seen even when the table is resized between steps.
     */
    long scan(long cursor, IntConsumer visitor) {
        if (size == 0) {
            return 0;
        }
        int bucket = (int) (cursor & mask);
        int picked = 0;
        int[] nodes = new int[8];
        int i = bucket;
        long s;
        while ((s = slots[i]) != EMPTY) {
            if ((hashOf(s) & mask) == bucket) {
                if (picked == nodes.length) {
                    nodes = Arrays.copyOf(nodes, picked * 2);
                }
                nodes[picked++] = nodeOf(s);
            }
            i = (i + 1) & mask;
        }
        for (int k = 0; k < picked; k++) {
            visitor.accept(nodes[k]);
        }
        long v = cursor | ~(long) mask;
        v = Long.reverse(v);
        v++;
        v = Long.reverse(v);
        return v;
    }
}
