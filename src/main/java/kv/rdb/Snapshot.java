package kv.rdb;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import kv.store.CompoundValue;
import kv.store.Db;
import kv.store.FrozenDb;
import kv.store.Keyspace;
import kv.store.KeyspaceListener;
import kv.store.Values;

/**
 * A point-in-time view of the keyspace without fork: {@link #take} (on the data thread) costs
 * O(databases): each table keeps its slots' content for the snapshot, copying a chunk of slots
 * before its first change ({@link Db#freeze}); a value replaced later stays alive through the
 * copy. A value about to change in place is deep-copied once, before its first change,
 * through the funnel's before-change hook, so extra memory is bounded by what writes touch while
 * the snapshot is open. {@link #advance} then visits the entries in slices (BGSAVE, and an AOF
 * rewrite's base). Only the data thread may use it; {@link #close} detaches it.
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
    private final List<FrozenDb> frozen = new ArrayList<>();
    /** Pre-images of values changed in place since the snapshot, by identity of the live object. */
    private final Map<Object, Object> preImages = new IdentityHashMap<>();
    /** Heap bytes of the pre-images held, and the most the snapshot held at once (sampled per slice). */
    private long preImageBytes;
    private long peakExtraBytes;
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
            frozen.add(d.freeze());
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

    /** Total keys in the snapshot (keys already past their TTL but not yet removed included). */
    public long keyCount() {
        long n = 0;
        for (FrozenDb f : frozen) {
            n += f == null ? 0 : f.size();
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
            Object copy = Values.copy(live);
            preImages.put(live, copy);
            preImageBytes += Values.heapBytes(copy);
        }
        // the chunk copy a write makes comes after this hook: the next write or slice sees it
        samplePeak();
    }

    /**
     * The memory this snapshot costs now beyond the live data: slot chunks copied before writes
     * changed them and pre-images of values changed in place, both dropped as the walk passes
     * them. The analogue of a fork's copy-on-write size.
     */
    public long extraBytes() {
        long n = preImageBytes;
        for (FrozenDb f : frozen) {
            n += f == null ? 0 : f.copiedBytes();
        }
        return n;
    }

    /** The largest {@link #extraBytes} seen (at the start of each slice and before anything is dropped). */
    public long peakExtraBytes() {
        return Math.max(peakExtraBytes, closed ? 0 : extraBytes());
    }

    private void samplePeak() {
        peakExtraBytes = Math.max(peakExtraBytes, extraBytes());
    }

    /**
     * Visits entries until {@code deadlineNanos} (System.nanoTime) passes; true when every entry
     * has been visited (then the snapshot is closed). Keys whose TTL had passed at the snapshot's
     * time are left out. The size announced per database counts the keys as stored then (a
     * hint, as RESIZEDB is).
     */
    public boolean advance(Visitor visitor, long deadlineNanos) throws Exception {
        samplePeak();
        int step = 0;
        while (db < dbIndex.length) {
            FrozenDb f = frozen.get(db);
            if (!announced) {
                visitor.database(dbIndex[db], f.size(), f.expiring());
                announced = true;
            }
            int slots = f.slots();
            while (next < slots) {
                int slot = next++;
                byte[] key = f.keyAt(slot);
                if (key == null) {
                    f.passed(slot);
                    if ((++step & 1023) == 0 && System.nanoTime() >= deadlineNanos) {
                        return false;
                    }
                    continue;
                }
                Object value = f.valueAt(slot);
                long when = f.expireAt(slot);
                // chunks behind the walk need no copies: memory is released while the snapshot progresses
                f.passed(slot);
                Object pre = preImages.remove(value);
                if (pre != null) {
                    preImageBytes -= Values.heapBytes(pre);
                }
                if (when < 0 || when > timeMs) {
                    visitor.entry(dbIndex[db], key, pre != null ? pre : value, when);
                }
                if ((++step & 63) == 0 && System.nanoTime() >= deadlineNanos) {
                    return false;
                }
            }
            samplePeak();
            f.close();
            frozen.set(db, null);
            db++;
            next = 0;
            announced = false;
        }
        close();
        return true;
    }

    /** Whether it stopped guarding the keyspace (done, aborted, or never started). */
    public boolean closed() {
        return closed;
    }

    /** Stops guarding the keyspace and drops every reference. Idempotent. */
    public void close() {
        if (!closed) {
            samplePeak();
            closed = true;
            keyspace.removeListener(this);
            preImages.clear();
            preImageBytes = 0;
            for (FrozenDb f : frozen) {
                if (f != null) {
                    f.close();
                }
            }
            frozen.clear();
        }
    }
}
