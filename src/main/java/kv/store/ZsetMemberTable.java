package kv.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;


/**
 * Member → skip-list node, open addressing with linear probing and backward-shift deletion (no
 * tombstones, no entry objects). Capacity is a power of two, at most 3/4 full.
 */
final class ZsetMemberTable {
    private SkipListZset.Node[] slots;
    private int mask;
    private int size;

    ZsetMemberTable(int expected) {
        int cap = 8;
        while (cap * 3 / 4 < expected) {
            cap <<= 1;
        }
        slots = new SkipListZset.Node[cap];
        mask = cap - 1;
    }

    private int indexOf(byte[] member) {
        int i = KeyHash.hash(member) & mask;
        SkipListZset.Node n;
        while ((n = slots[i]) != null) {
            if (Arrays.equals(n.member, member)) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1 - i;
    }

    SkipListZset.Node get(byte[] member) {
        int i = indexOf(member);
        return i >= 0 ? slots[i] : null;
    }

    void put(SkipListZset.Node node) {
        if ((size + 1) * 4 > slots.length * 3) {
            resize(slots.length * 2);
        }
        int i = indexOf(node.member);
        if (i >= 0) {
            slots[i] = node;
            return;
        }
        slots[-1 - i] = node;
        size++;
    }

    void remove(byte[] member) {
        int i = indexOf(member);
        if (i < 0) {
            return;
        }
        slots[i] = null;
        size--;
        // backward shift: move later entries of the probe run into the hole when their home allows
        int hole = i;
        int j = (i + 1) & mask;
        SkipListZset.Node n;
        while ((n = slots[j]) != null) {
            int home = KeyHash.hash(n.member) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole] = n;
                slots[j] = null;
                hole = j;
            }
            j = (j + 1) & mask;
        }
        if (slots.length > 64 && size * 8 < slots.length) {
            resize(slots.length / 2);
        }
    }

    private void resize(int capacity) {
        SkipListZset.Node[] old = slots;
        slots = new SkipListZset.Node[capacity];
        mask = capacity - 1;
        for (SkipListZset.Node n : old) {
            if (n != null) {
                int i = KeyHash.hash(n.member) & mask;
                while (slots[i] != null) {
                    i = (i + 1) & mask;
                }
                slots[i] = n;
            }
        }
    }

    long heapBytes() {
        return 24 + Memory.arrayBytes(4 * slots.length);
    }

    /**
     * Visits the entries whose home bucket is {@code cursor}'s and returns the next cursor, in the
     * reverse-binary order of Redis' dict scan, so entries present throughout an iteration are
     * seen even when the table is resized between steps.
     */
    long scan(long cursor, Consumer<SkipListZset.Node> visitor) {
        if (size == 0) {
            return 0;
        }
        int bucket = (int) (cursor & mask);
        List<SkipListZset.Node> picked = new ArrayList<>();
        int i = bucket;
        SkipListZset.Node n;
        while ((n = slots[i]) != null) {
            if ((KeyHash.hash(n.member) & mask) == bucket) {
                picked.add(n);
            }
            i = (i + 1) & mask;
        }
        picked.forEach(visitor);
        long v = cursor | ~(long) mask;
        v = Long.reverse(v);
        v++;
        v = Long.reverse(v);
        return v;
    }
}
