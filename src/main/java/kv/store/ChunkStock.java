package kv.store;

import java.util.ArrayDeque;

/**
 * Slot-array chunks of {@link HashSlots#CHUNK} slots allocated before a table's growth needs them.
 * A growth's inserts land at random homes, so without a stock the first few thousand inserts after
 * it begins would allocate every chunk of the new table at once (1024 chunks of 320 KiB for the
 * main dictionary at 6.7M keys: hundreds of milliseconds of zeroing and page faults on the loop).
 * The table fills this stock a chunk at a time while it goes from 3/4 to 4/5 full and the growth
 * takes from it. Fresh chunks of one array type are interchangeable, so the stock keeps one lane
 * per type and counts whole chunk sets, each one chunk of every array the table keeps.
 */
final class ChunkStock {
    private final ArrayDeque<int[]> ints = new ArrayDeque<>();
    private final ArrayDeque<long[]> longs = new ArrayDeque<>();
    private final ArrayDeque<Object[]> objects = new ArrayDeque<>();
    private final ArrayDeque<byte[][]> keyArrays = new ArrayDeque<>();
    /** Whole chunk sets in stock. */
    private int sets;

    int sets() {
        return sets;
    }

    /** Counts a chunk set whose arrays were just added. */
    void addedSet() {
        sets++;
    }

    /** Counts a chunk set about to be taken (one array of each of the table's types). */
    void takingSet() {
        sets--;
    }

    void addInts() {
        ints.add(new int[HashSlots.CHUNK]);
    }

    void addLongs() {
        longs.add(new long[HashSlots.CHUNK]);
    }

    void addObjects() {
        objects.add(new Object[HashSlots.CHUNK]);
    }

    void addKeyArrays() {
        keyArrays.add(new byte[HashSlots.CHUNK][]);
    }

    // Each hands out a stocked chunk when one of the length asked for is there, else a new array.

    int[] ints(int length) {
        int[] a = length == HashSlots.CHUNK ? ints.poll() : null;
        return a != null ? a : new int[length];
    }

    long[] longs(int length) {
        long[] a = length == HashSlots.CHUNK ? longs.poll() : null;
        return a != null ? a : new long[length];
    }

    Object[] objects(int length) {
        Object[] a = length == HashSlots.CHUNK ? objects.poll() : null;
        return a != null ? a : new Object[length];
    }

    byte[][] keyArrays(int length) {
        byte[][] a = length == HashSlots.CHUNK ? keyArrays.poll() : null;
        return a != null ? a : new byte[length][];
    }
}
