package kv.store;

import java.util.Arrays;
import kv.util.BulkSink;

/**
 * The main dictionary of a database: key → value, plus an access clock per key (LRU or LFU).
 * Keys live in the slab, and so do string values up to the embstr limit (in the key's record);
 * any other value is an object in the side array, null for a slot whose value is in its record.
 */
final class KeyTable extends SlabKeyTable {
    private static final Object[] NO_VALUES = new Object[CHUNK];
    private static final int[] NO_ACCESS = new int[CHUNK];

    /** Value objects and access clocks, in chunks as the references. */
    private Object[][] values;
    private int[][] access;
    private Object[][] oldValues;
    private int[][] oldAccess;

    @Override
    protected void allocatePayload(int chunkCount) {
        oldValues = values;
        oldAccess = access;
        values = new Object[chunkCount][];
        access = new int[chunkCount][];
        Arrays.fill(values, NO_VALUES);
        Arrays.fill(access, NO_ACCESS);
    }

    @Override
    protected void allocatePayloadChunk(int c, int length) {
        values[c] = objectChunk(length);
        access[c] = intChunk(length);
    }

    @Override
    protected void stockPayloadChunk(ChunkStock stock) {
        stock.addObjects();
        stock.addInts();
    }

    @Override
    protected void movePayloadFromOld(int from, int to) {
        copyPayload(oldValues, oldAccess, from, to);
    }

    /** Copies value and clock of slot {@code from} of the given arrays to slot {@code to} of the current ones. */
    private void copyPayload(Object[][] fromValues, int[][] fromAccess, int from, int to) {
        int fc = from >>> CHUNK_SHIFT;
        int fi = from & CHUNK_MASK;
        int tc = to >>> CHUNK_SHIFT;
        int ti = to & CHUNK_MASK;
        values[tc][ti] = fromValues[fc][fi];
        access[tc][ti] = fromAccess[fc][fi];
    }

    @Override
    protected Object payloadArray() {
        return values;
    }

    @Override
    protected Object oldPayloadArray() {
        return resizing() ? oldValues : null;
    }

    @Override
    protected void dropOldPayload() {
        oldValues = null;
        oldAccess = null;
    }

    @Override
    protected void shiftPayload(int from, int to) {
        copyPayload(values, access, from, to);
    }

    @Override
    protected void clearPayload(int slot) {
        values[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = null;
        access[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = 0;
    }

    /** The value of {@code slot}: a string kept in the record comes out as a fresh array. */
    Object valueAt(int slot) {
        Object v = values[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
        return v != null ? v : slab.value(refAt(slot));
    }

    /**
     * Writes the value of {@code slot} to {@code out} if it is a string, one kept in the record
     * straight from the slab page; false (nothing written) for a value of another type.
     */
    boolean writeStringAt(int slot, BulkSink out) {
        // the record, which the lookup has just read, says whether the value is there: the side
        // array (a cache miss of its own) is read only when it holds the value
        long r = refAt(slot);
        if (slab.hasValue(r)) {
            slab.writeValue(r, out);
            return true;
        }
        Object v = values[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
        if (!StringValues.isString(v)) {
            return false;
        }
        StringValues.writeTo(out, v);
        return true;
    }

    /** The value object of {@code slot}, or null when its value is a string in the record. */
    Object sideValueAt(int slot) {
        return values[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
    }

    /**
     * Replaces a value object by another one the record does not hold either (INCR's next
     * integer): the record stays, only the side array changes.
     */
    void replaceSideValueAt(int slot, Object value) {
        beforeWrite(refs, slot);
        values[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = value;
    }

    /** The value as a snapshot saw it: the side object, else the record's string (null for none). */
    static Object valueOf(KeySlab slab, long ref, Object side) {
        return side != null ? side : slab.hasValue(ref) ? slab.value(ref) : null;
    }

    void setValueAt(int slot, Object value) {
        Object[] chunk = values[slot >>> CHUNK_SHIFT];
        int i = slot & CHUNK_MASK;
        if (KeySlab.fits(value)) {
            // if the record holds the old string too, overwrite it where it lies if the size class allows
            if (slab.rewriteValue(refAt(slot), (byte[]) value)) {
                return;
            }
            replaceRecord(slot, (byte[]) value);
            chunk[i] = null;
            return;
        }
        if (chunk[i] == null) {
            // the record held the old value: a record of the key alone now
            replaceRecord(slot, null);
        } else {
            beforeWrite(refs, slot);
        }
        chunk[i] = value;
    }

    int accessAt(int slot) {
        return access[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
    }

    void setAccessAt(int slot, int clock) {
        access[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = clock;
    }

    /** Inserts or overwrites; returns the slot. */
    int put(byte[] key, Object value, int clock) {
        int h = KeyHash.hash(key);
        int slot = find(key, h);
        if (slot < 0) {
            return insert(key, h, value, clock);
        }
        setValueAt(slot, value);
        setAccessAt(slot, clock);
        return slot;
    }

    /** Inserts {@code key}, known to be absent (its hash given); returns the slot. */
    int insert(byte[] key, int hash, Object value, int clock) {
        boolean inRecord = KeySlab.fits(value);
        int slot = insertAbsent(key, 0, key.length, hash, inRecord ? (byte[]) value : null);
        values[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = inRecord ? null : value;
        setAccessAt(slot, clock);
        return slot;
    }

    /** Writes the record of {@code key} (with {@code value} if it fits) into the slab, not into the table yet. */
    long addRecord(byte[] key, Object value) {
        return slab.add(key, 0, key.length, KeySlab.fits(value) ? (byte[]) value : null);
    }

    /** {@link #addRecord} of the first {@code keyLen} bytes of {@code key}, with {@code valueLen} of {@code value} (null: none). */
    long addRecord(byte[] key, int keyLen, byte[] value, int valueLen) {
        return slab.add(key, 0, keyLen, value, valueLen);
    }

    /**
     * Inserts the key of {@link #addRecord record} {@code ref}, known to be absent, with the value
     * object the record does not hold ({@code side}; null when it holds the value). Returns the slot.
     */
    int insertRecord(long ref, int hash, Object side, int clock) {
        int slot = insertRecord(ref, hash);
        if (side != null) {
            // a vacant slot's side value is already null (cleared when it was vacated)
            values[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = side;
        }
        setAccessAt(slot, clock);
        return slot;
    }

    /** Estimated bytes of the entry in {@code slot}: its record, and its value object if it has one. */
    long entryBytesAt(int slot) {
        long r = refAt(slot);
        if (slab.hasValue(r)) {
            return slab.recordBytes(r);
        }
        Object v = sideValueAt(slot);
        return slab.recordBytes(r) + (v == null ? 0 : Values.heapBytes(v));
    }

    /** {@link #entryBytesAt} of an entry of this key length and value, before it is stored. */
    static long entryBytes(int keyLength, Object value) {
        return KeySlab.recordBytes(keyLength, value) + (KeySlab.fits(value) ? 0 : Values.heapBytes(value));
    }

    void remove(int slot) {
        removeRecordAt(slot);
    }
}
