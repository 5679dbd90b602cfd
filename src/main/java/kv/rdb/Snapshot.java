package kv.rdb;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import kv.store.CompoundValue;
import kv.store.Db;
import kv.store.Keyspace;
import kv.store.KeyspaceListener;
import kv.store.Values;

/**
 * A point-in-time view of the keyspace without fork: at {@link #take} (on the data thread) it
 * copies references to every entry (key, value, expiry), which is cheap; a value replaced later
 * stays alive through the copy. A value about to change in place is deep-copied once, before its
 * first change, through the funnel's before-change hook, so extra memory is bounded by what
 * writes touch while the snapshot is open. {@link #advance} then visits the entries in slices
 * (BGSAVE, and an AOF rewrite's base). Only the data thread may use it; {@link #close} detaches it.
 */
public final class Snapshot implements KeyspaceListener {
    /** Receives each entry as of the snapshot's time; the value must only be read. */
    public interface Visitor {
        /** Called once per database with entries, before its entries. */
        void database(int db, long size, long expiring) throws Exception;

        void entry(int db, byte[] key, Object value, long expireAtMs) throws Exception;
    }

    private final Keyspace keyspace;
    private final long timeMs;
    private final int[] dbIndex;
    private final List<byte[][]> keys = new ArrayList<>();
    private final List<Object[]> values = new ArrayList<>();
    private final List<long[]> expires = new ArrayList<>();
    /** Pre-images of values changed in place since the snapshot, by identity of the live object. */
    private final Map<Object, Object> preImages = new IdentityHashMap<>();
    private int db;
    private int next;
    private boolean announced;
    private boolean closed;

    private Snapshot(Keyspace keyspace, long timeMs) {
        this.keyspace = keyspace;
        this.timeMs = timeMs;
        List<Integer> used = new ArrayList<>();
        for (int i = 0; i < keyspace.count(); i++) {
            Db d = keyspace.db(i);
            if (d.size() == 0) {
                continue;
            }
            int n = d.size();
            byte[][] k = new byte[n][];
            Object[] v = new Object[n];
            long[] e = new long[n];
            int[] at = {0};
            d.forEachStored((key, value) -> {
                long when = d.expireTime(key);
                if (when >= 0 && when <= timeMs) {
                    return; // already expired: not part of the data set
                }
                k[at[0]] = key;
                v[at[0]] = value;
                e[at[0]] = when;
                at[0]++;
            });
            keys.add(java.util.Arrays.copyOf(k, at[0]));
            values.add(java.util.Arrays.copyOf(v, at[0]));
            expires.add(java.util.Arrays.copyOf(e, at[0]));
            used.add(i);
        }
        dbIndex = used.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Takes a snapshot of {@code keyspace} now and starts guarding it against in-place changes. */
    public static Snapshot take(Keyspace keyspace, long nowMs) {
        Snapshot s = new Snapshot(keyspace, nowMs);
        keyspace.addListener(s);
        return s;
    }

    public long timeMs() {
        return timeMs;
    }

    /** Total keys in the snapshot. */
    public long keyCount() {
        long n = 0;
        for (byte[][] k : keys) {
            n += k.length;
        }
        return n;
    }

    /** Pre-images kept so far (what writes during the snapshot cost). */
    public int preImageCount() {
        return preImages.size();
    }

    @Override
    public void beforeChange(Db d, byte[] key) {
        Object live = d.peek(key);
        // immutable string forms (byte[], Long) are never changed in place: only replaced
        boolean mutable = live instanceof CompoundValue || live != null && !(live instanceof byte[]) && !(live instanceof Long);
        if (mutable && !preImages.containsKey(live)) {
            preImages.put(live, Values.copy(live));
        }
    }

    /**
     * Visits entries until {@code deadlineNanos} (System.nanoTime) passes; true when every entry
     * has been visited (then the snapshot is closed).
     */
    public boolean advance(Visitor visitor, long deadlineNanos) throws Exception {
        int step = 0;
        while (db < dbIndex.length) {
            byte[][] k = keys.get(db);
            Object[] v = values.get(db);
            long[] e = expires.get(db);
            if (!announced) {
                long expiring = 0;
                for (long when : e) {
                    if (when >= 0) {
                        expiring++;
                    }
                }
                visitor.database(dbIndex[db], k.length, expiring);
                announced = true;
            }
            while (next < k.length) {
                Object value = v[next];
                Object pre = preImages.remove(value);
                visitor.entry(dbIndex[db], k[next], pre != null ? pre : value, e[next]);
                // drop references as we go: memory is released while the snapshot progresses
                k[next] = null;
                v[next] = null;
                next++;
                if ((++step & 63) == 0 && System.nanoTime() >= deadlineNanos) {
                    return false;
                }
            }
            db++;
            next = 0;
            announced = false;
        }
        close();
        return true;
    }

    /** Stops guarding the keyspace and drops every reference. Idempotent. */
    public void close() {
        if (!closed) {
            closed = true;
            keyspace.removeListener(this);
            preImages.clear();
            keys.clear();
            values.clear();
            expires.clear();
        }
    }
}
