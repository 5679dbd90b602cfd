package kv.rdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import kv.store.Keyspace;
import kv.store.LoadedTables;

/**
 * Everything an RDB file held, fully decoded into tables of its own but not yet in the keyspace:
 * a load either produces one of these or fails (and its tables are dropped), so the keyspace is
 * never half-loaded.
 * {@link #applyTo} installs it, in time independent of the key count.
 */
public final class LoadedDataset {
    /** One key as loaded: TTL in unix ms or -1. */
    public record Entry(int db, byte[] key, Object value, long expireAtMs) {
    }

    private final LoadedTables tables;
    private final Map<String, byte[]> aux = new LinkedHashMap<>();
    private final List<byte[]> functionLibraries = new ArrayList<>();
    private int version;
    private long expiredSkipped;
    private long loaded;
    private long length;

    LoadedDataset(LoadedTables tables) {
        this.tables = tables;
    }

    void reserve(int db, long keys, long expiring) {
        tables.reserve(db, keys, expiring);
    }

    /** Adds a key whose record starts at {@code offset}: a key the file holds twice in a database is an error. */
    void add(int db, byte[] key, Object value, long expireAtMs, long idleSeconds, int frequency, long offset)
            throws RdbException {
        if (!tables.add(db, key, value, expireAtMs, idleSeconds, frequency)) {
            throw duplicate(db, key, key.length, offset);
        }
        loaded++;
    }

    /** {@link LoadedTables#addString}: a string key read into reused arrays. */
    void addString(int db, byte[] key, int keyLen, byte[] value, int valueLen, long expireAtMs, long idleSeconds,
            int frequency, long offset) throws RdbException {
        if (!tables.addString(db, key, keyLen, value, valueLen, expireAtMs, idleSeconds, frequency)) {
            throw duplicate(db, key, keyLen, offset);
        }
        loaded++;
    }

    private static RdbException duplicate(int db, byte[] key, int keyLen, long offset) {
        return new RdbException("duplicate key '" + RdbLoader.printable(Arrays.copyOf(key, keyLen)) + "' in db " + db, offset);
    }

    void aux(String name, byte[] value) {
        aux.put(name, value);
    }

    void function(byte[] code) {
        functionLibraries.add(code);
    }

    void length(long bytes) {
        length = bytes;
    }

    /**
     * Bytes the RDB took in its stream, checksum included: where what follows it starts (the
     * RESP tail of an AOF with an RDB preamble). The loader may have buffered bytes beyond it.
     */
    public long length() {
        return length;
    }

    void version(int v) {
        version = v;
    }

    void expiredSkipped() {
        expiredSkipped++;
    }

    /** The entries not yet applied, as a list built on each call (tools and tests). */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        tables.forEach((db, key, value, when) -> out.add(new Entry(db, key, value, when)));
        return out;
    }

    /** Auxiliary fields (redis-ver, ctime, aof-base...), in file order. */
    public Map<String, byte[]> aux() {
        return aux;
    }

    /**
     * Function libraries (RDB_OPCODE_FUNCTION2): each the library's source code, for the scripting
     * engine to load (KV keeps them here until it has one).
     */
    public List<byte[]> functionLibraries() {
        return functionLibraries;
    }

    public int version() {
        return version;
    }

    public long keysLoaded() {
        return loaded;
    }

    /** Keys whose TTL had passed at load time (not loaded, as a Redis primary does). */
    public long keysExpired() {
        return expiredSkipped;
    }

    /**
     * Puts every key into {@code keyspace} (on the data thread), then holds nothing more: empty
     * databases take the loaded tables over (O(1) each), others get the entries one by one.
     */
    public void applyTo(Keyspace keyspace) {
        tables.installInto(keyspace);
    }
}
