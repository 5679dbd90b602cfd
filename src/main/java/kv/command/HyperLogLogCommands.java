package kv.command;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.store.Db;
import kv.store.StringBytes;
import kv.store.ValueType;

/**
 * PFADD, PFCOUNT and PFMERGE over Redis-format HyperLogLog strings ({@link HllSketch}). Sketches
 * are stored as "raw" strings, as Redis stores them; a dense one is updated in place.
 */
final class HyperLogLogCommands {
    static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    static final String CORRUPT = "INVALIDOBJ Corrupted HLL object detected";

    private HyperLogLogCommands() {
    }

    static void register(CommandTable t) {
        t.register("pfadd", HyperLogLogCommands::pfadd);
        t.register("pfcount", HyperLogLogCommands::pfcount);
        t.register("pfmerge", HyperLogLogCommands::pfmerge);
    }

    /** Checks that a string value is a sketch (Redis' isHLLObjectOrReply). */
    private static void checkSketch(Call c, Object v) {
        if (!HllSketch.isValid(StringBytes.array(v), StringBytes.length(v))) {
            throw c.error(NOT_HLL);
        }
    }

    private static long sparseMax(Call c) {
        return c.server().config().hllSparseMaxBytes();
    }

    private static void pfadd(Call c) {
        byte[] key = c.arg(1);
        Db db = c.db();
        long sparseMax = sparseMax(c);
        Object v = db.read(key, ValueType.STRING, Db.NO_STATS);
        if (v == null) {
            HllSketch h = HllSketch.empty();
            for (int i = 2; i < c.argc(); i++) {
                h.add(c.arg(i), sparseMax);
            }
            h.invalidateCache();
            db.put(key, StringBytes.raw(h.toBytes()));
            c.reply().integer(1);
            return;
        }
        checkSketch(c, v);
        byte[] bytes = StringBytes.array(v);
        int length = StringBytes.length(v);
        if (HllSketch.isDense(bytes)) {
            addDense(c, key, v, bytes, length);
            return;
        }
        HllSketch h = HllSketch.copyOf(bytes, length);
        boolean updated = false;
        for (int i = 2; i < c.argc(); i++) {
            int r = h.add(c.arg(i), sparseMax);
            if (r < 0) {
                throw c.error(CORRUPT);
            }
            updated |= r == 1;
        }
        if (!updated) {
            c.reply().integer(0);
            return;
        }
        h.invalidateCache();
        db.modify(key, ValueType.STRING);
        db.modified(key, StringBytes.raw(h.toBytes()));
        c.reply().integer(1);
    }

    /** PFADD into a dense sketch: in place, and only touching the key if a register rises. */
    private static void addDense(Call c, byte[] key, Object v, byte[] bytes, int length) {
        HllSketch probe = HllSketch.inPlace(bytes, length);
        boolean changes = false;
        for (int i = 2; i < c.argc() && !changes; i++) {
            changes = probe.denseWouldChange(c.arg(i));
        }
        if (!changes) {
            c.reply().integer(0);
            return;
        }
        Db db = c.db();
        db.modify(key, ValueType.STRING);
        Object g = StringBytes.growable(v, length);
        HllSketch h = HllSketch.inPlace(StringBytes.writableArray(g), length);
        for (int i = 2; i < c.argc(); i++) {
            h.add(c.arg(i), Long.MAX_VALUE);
        }
        h.invalidateCache();
        db.modified(key, g);
        c.reply().integer(1);
    }

    private static void pfcount(Call c) {
        Db db = c.db();
        if (c.argc() > 2) {
            byte[] max = new byte[HllSketch.REGISTERS];
            for (int i = 1; i < c.argc(); i++) {
                Object v = db.read(c.arg(i), ValueType.STRING);
                if (v == null) {
                    continue;
                }
                checkSketch(c, v);
                if (!HllSketch.mergeInto(StringBytes.array(v), StringBytes.length(v), max)) {
                    throw c.error(CORRUPT);
                }
            }
            c.reply().integer(HllSketch.countRaw(max));
            return;
        }
        byte[] key = c.arg(1);
        Object v = db.read(key, ValueType.STRING);
        if (v == null) {
            c.reply().integer(0);
            return;
        }
        checkSketch(c, v);
        int length = StringBytes.length(v);
        HllSketch h = HllSketch.inPlace(StringBytes.array(v), length);
        if (h.cacheValid()) {
            c.reply().integer(h.cachedCount());
            return;
        }
        long card = h.count();
        if (card < 0) {
            throw c.error(CORRUPT);
        }
        // caching the count changes the string: a change Redis counts and propagates
        db.modify(key, ValueType.STRING);
        Object g = StringBytes.growable(v, length);
        HllSketch.inPlace(StringBytes.writableArray(g), length).setCachedCount(card);
        db.modified(key, g);
        c.propagate(c.args());
        c.reply().integer(card);
    }

    private static void pfmerge(Call c) {
        Db db = c.db();
        byte[] max = new byte[HllSketch.REGISTERS];
        boolean dense = false;
        for (int i = 1; i < c.argc(); i++) {
            Object v = db.read(c.arg(i), ValueType.STRING);
            if (v == null) {
                continue;
            }
            checkSketch(c, v);
            byte[] bytes = StringBytes.array(v);
            dense |= HllSketch.isDense(bytes);
            if (!HllSketch.mergeInto(bytes, StringBytes.length(v), max)) {
                throw c.error(CORRUPT);
            }
        }
        byte[] key = c.arg(1);
        Object v = db.read(key, ValueType.STRING, Db.NO_STATS | Db.NO_TOUCH);
        HllSketch h = v == null ? HllSketch.empty() : HllSketch.copyOf(StringBytes.array(v), StringBytes.length(v));
        if (dense && !h.toDense()) {
            throw c.error(CORRUPT);
        }
        long sparseMax = sparseMax(c);
        for (int j = 0; j < HllSketch.REGISTERS; j++) {
            if (max[j] != 0) {
                h.set(j, max[j], sparseMax);
            }
        }
        h.invalidateCache();
        Object merged = StringBytes.raw(h.toBytes());
        if (v == null) {
            db.put(key, merged);
        } else {
            db.modify(key, ValueType.STRING);
            db.modified(key, merged);
        }
        c.reply().ok();
    }
}
