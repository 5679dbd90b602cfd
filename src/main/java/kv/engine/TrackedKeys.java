package kv.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import kv.store.Memory;

/**
 * The keys tracking clients in default mode have read, for all databases together (Redis'
 * TrackingTable): key → the sorted ids of its readers. Keeps its heap estimate as it changes, so
 * used_memory counts the table as Redis counts its rax; the per-entry figures are 64-bit HotSpot
 * with compressed references, checked against the measured heap (about 144 bytes for an 11-byte
 * key read by one client, plus the hash table's slots).
 */
final class TrackedKeys {
    /** A HashMap.Node: header, hash, key, value, next. */
    private static final long NODE_BYTES = 32;
    /** The ByteBuffer wrapping the key (HeapByteBuffer's fields). */
    private static final long WRAPPER_BYTES = 56;
    /** The map object itself. */
    private static final long MAP_BYTES = 48;

    private Map<ByteBuffer, long[]> table = new HashMap<>();
    /** The map's slot-array length as HashMap grows it (doubling past 3/4 full; it never shrinks). */
    private int capacity;
    private long entryBytes;
    private long items;

    /** Remembers that client {@code id} read {@code key}; true if that is new. */
    boolean remember(byte[] key, long id) {
        ByteBuffer k = ByteBuffer.wrap(key);
        long[] ids = table.get(k);
        if (ids == null) {
            byte[] copy = key.clone();
            table.put(ByteBuffer.wrap(copy), new long[] {id});
            entryBytes += NODE_BYTES + WRAPPER_BYTES + Memory.arrayBytes(copy.length) + Memory.arrayBytes(Long.BYTES);
            if (capacity == 0) {
                capacity = 16;
            }
            while (table.size() > capacity / 4 * 3) {
                capacity <<= 1;
            }
            items++;
            return true;
        }
        int at = Arrays.binarySearch(ids, id);
        if (at >= 0) {
            return false;
        }
        int insert = -at - 1;
        long[] more = new long[ids.length + 1];
        System.arraycopy(ids, 0, more, 0, insert);
        more[insert] = id;
        System.arraycopy(ids, insert, more, insert + 1, ids.length - insert);
        table.put(k, more);
        entryBytes += Memory.arrayBytes(more.length * Long.BYTES) - Memory.arrayBytes(ids.length * Long.BYTES);
        items++;
        return true;
    }

    /** Forgets {@code key}; the ids of the clients that read it, or null if nobody did. */
    long[] forget(byte[] key) {
        ByteBuffer k = ByteBuffer.wrap(key);
        long[] ids = table.remove(k);
        if (ids == null) {
            return null;
        }
        entryBytes -= NODE_BYTES + WRAPPER_BYTES + Memory.arrayBytes(key.length) + Memory.arrayBytes(ids.length * Long.BYTES);
        items -= ids.length;
        if (table.isEmpty()) {
            clear(); // a fresh map gives the slot array back
        }
        return ids;
    }

    /** Up to {@code n} keys, in the table's order (which tracking-table-max-keys forgets first). */
    List<byte[]> someKeys(long n) {
        List<byte[]> keys = new ArrayList<>();
        Iterator<ByteBuffer> it = table.keySet().iterator();
        while (n-- > 0 && it.hasNext()) {
            keys.add(it.next().array());
        }
        return keys;
    }

    void clear() {
        table = new HashMap<>();
        capacity = 0;
        entryBytes = 0;
        items = 0;
    }

    boolean isEmpty() {
        return table.isEmpty();
    }

    int size() {
        return table.size();
    }

    long items() {
        return items;
    }

    long heapBytes() {
        return MAP_BYTES + (capacity == 0 ? 0 : Memory.arrayBytes(capacity * 4)) + entryBytes;
    }
}
