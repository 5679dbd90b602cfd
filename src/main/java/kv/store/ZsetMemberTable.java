package kv.store;

import java.util.Arrays;
import java.util.function.IntConsumer;


/**
 * Member → skip-list node (the offset of its record in {@link SkipListZset}; 0, the head's, marks
 * an empty slot), open addressing with linear probing and backward-shift deletion (no
 * tombstones, no entry objects). Capacity is a power of two, at most 3/4 full.
 */
final class ZsetMemberTable {
    private static final int EMPTY = 0;
    private final SkipListZset owner;
    private int[] slots;
    private int mask;
    private int size;

    ZsetMemberTable(SkipListZset owner, int expected) {
        this.owner = owner;
        int cap = 8;
        while (cap * 3 / 4 < expected) {
            cap <<= 1;
        }
        slots = new int[cap];
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

    private int indexOf(byte[] member) {
        int i = KeyHash.hash(member) & mask;
        int n;
        while ((n = slots[i]) != EMPTY) {
            if (Arrays.equals(owner.member(n), member)) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1 - i;
    }

    /** The node of {@code member}, or 0. */
    int get(byte[] member) {
        int i = indexOf(member);
        return i >= 0 ? slots[i] : EMPTY;
    }

    /** Adds {@code node}, whose member is absent. */
    void put(int node) {
        if ((size + 1) * 4 > slots.length * 3) {
            resize(slots.length * 2);
        }
        place(node);
        size++;
    }

    private void place(int node) {
        int i = KeyHash.hash(owner.member(node)) & mask;
        while (slots[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        slots[i] = node;
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
        int n;
        while ((n = slots[j]) != EMPTY) {
            int home = KeyHash.hash(owner.member(n)) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole] = n;
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
        int[] old = slots;
        slots = new int[capacity];
        mask = capacity - 1;
        for (int n : old) {
            if (n != EMPTY) {
                place(n);
            }
        }
    }

    long heapBytes() {
        return Memory.align(12 + 4 * 4) + Memory.arrayBytes(4 * slots.length);
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
        int n;
        while ((n = slots[i]) != EMPTY) {
            if ((KeyHash.hash(owner.member(n)) & mask) == bucket) {
                if (picked == nodes.length) {
                    nodes = Arrays.copyOf(nodes, picked * 2);
                }
                nodes[picked++] = n;
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
