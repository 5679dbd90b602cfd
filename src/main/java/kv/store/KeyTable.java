package kv.store;

/** The main dictionary of a database: key → value, plus an access clock per key (LRU or LFU). */
final class KeyTable extends OpenKeyTable {
    private Object[] values;
    private int[] access;
    private Object[] oldValues;
    private int[] oldAccess;

    @Override
    protected void allocatePayload(int capacity) {
        oldValues = values;
        oldAccess = access;
        values = new Object[capacity];
        access = new int[capacity];
    }

    @Override
    protected void movePayloadFromOld(int from, int to) {
        values[to] = oldValues[from];
        access[to] = oldAccess[from];
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
        values[to] = values[from];
        access[to] = access[from];
    }

    @Override
    protected void clearPayload(int slot) {
        values[slot] = null;
        access[slot] = 0;
    }

    Object valueAt(int slot) {
        return values[slot];
    }

    void setValueAt(int slot, Object value) {
        beforeWrite(keys, slot);
        values[slot] = value;
    }

    int accessAt(int slot) {
        return access[slot];
    }

    void setAccessAt(int slot, int clock) {
        access[slot] = clock;
    }

    /** Inserts or overwrites; returns the slot. */
    int put(byte[] key, Object value, int clock) {
        int slot = findOrInsert(key);
        beforeWrite(keys, slot);
        values[slot] = value;
        access[slot] = clock;
        return slot;
    }

    /** Inserts {@code key}, known to be absent (its hash given); returns the slot. */
    int insert(byte[] key, int hash, Object value, int clock) {
        int slot = insertAbsent(key, hash);
        values[slot] = value;
        access[slot] = clock;
        return slot;
    }

    void remove(int slot) {
        removeAt(slot);
    }
}
