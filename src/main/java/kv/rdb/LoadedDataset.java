package kv.rdb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import kv.store.Db;
import kv.store.Keyspace;

/**
 * Everything an RDB file held, fully decoded but not yet in the keyspace: a load either produces
 * one of these or fails, so the keyspace is never half-loaded. {@link #applyTo} installs it.
 */
public final class LoadedDataset {
    /** One key as loaded: TTL in unix ms or -1; idle seconds / LFU frequency or -1. */
    public record Entry(int db, byte[] key, Object value, long expireAtMs, long idleSeconds, int frequency) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, byte[]> aux = new LinkedHashMap<>();
    private final List<byte[]> functionLibraries = new ArrayList<>();
    private int version;
    private long expiredSkipped;
    private long loaded;
    private long length;

    void add(Entry e) {
        entries.add(e);
        loaded++;
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

    /** The entries not yet applied (an applied entry is handed over, not kept). */
    public List<Entry> entries() {
        return entries;
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
     * Puts every key into {@code keyspace} (on the data thread). A key whose database does not
     * exist here was refused while loading already.
     */
    public void applyTo(Keyspace keyspace) {
        applyTo(keyspace, 0, Long.MAX_VALUE);
    }

    /**
     * Puts entries from index {@code from} until {@code deadlineNanos} (System.nanoTime) passes;
     * returns the index to continue from, {@code entries().size()} when done. Lets a big load be
     * installed in slices that keep the event loop responsive (LOADING replies meanwhile).
     */
    public int applyTo(Keyspace keyspace, int from, long deadlineNanos) {
        int i = from;
        while (i < entries.size()) {
            Entry e = entries.get(i);
            entries.set(i++, null); // the keyspace holds it now
            if ((i & 1023) == 0 && System.nanoTime() >= deadlineNanos) {
                i--;
                entries.set(i, e);
                return i;
            }
            Db db = keyspace.db(e.db());
            db.put(e.key(), e.value(), e.expireAtMs() >= 0 ? e.expireAtMs() : Db.NO_TTL);
            if (e.idleSeconds() >= 0 || e.frequency() >= 0) {
                db.restoreAccess(e.key(), e.idleSeconds(), e.frequency());
            }
        }
        return i;
    }
}
