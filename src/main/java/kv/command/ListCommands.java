package kv.command;

import kv.config.ServerConfig;
import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.Propagation;
import kv.store.Db;
import kv.store.ListEncoding;
import kv.store.ListValue;
import kv.store.PackedList;
import kv.store.ValueType;

/**
 * The list family, as Redis 7.2's t_list.c: pushes and pops (with counts), ranges, LINSERT, LSET,
 * LREM, LTRIM, LPOS, LMOVE/RPOPLPUSH, LMPOP and the blocking forms. Checks run in Redis' order, so
 * the first error a request meets is the one Redis sends. Encoding changes follow
 * {@link ListEncoding}: a growing list is converted before the elements are added, a shrinking
 * one after they are removed.
 */
final class ListCommands {
    private static final String OUT_OF_RANGE = "ERR index out of range";

    private ListCommands() {
    }

    static void register(CommandTable t) {
        t.register("lpush", c -> push(c, true, false));
        t.register("rpush", c -> push(c, false, false));
        t.register("lpushx", c -> push(c, true, true));
        t.register("rpushx", c -> push(c, false, true));
        t.register("lpop", c -> pop(c, true));
        t.register("rpop", c -> pop(c, false));
        t.register("llen", ListCommands::llen);
        t.register("lrange", ListCommands::lrange);
        t.register("lindex", ListCommands::lindex);
        t.register("lset", ListCommands::lset);
        t.register("linsert", ListCommands::linsert);
        t.register("lrem", ListCommands::lrem);
        t.register("ltrim", ListCommands::ltrim);
        t.register("lpos", ListCommands::lpos);
        t.register("lmove", c -> lmove(c, side(c, 3), side(c, 4)));
        t.register("rpoplpush", c -> lmove(c, false, true));
        t.register("lmpop", c -> mpop(c, 1, false));
        t.register("blpop", c -> blockingPop(c, true));
        t.register("brpop", c -> blockingPop(c, false));
        t.register("blmove", ListCommands::blmove);
        t.register("brpoplpush", c -> {
            long deadline = c.timeoutArg(3);
            blockingMove(c, false, true, deadline);
        });
        t.register("blmpop", c -> mpop(c, 2, true));
    }

    private static int fill(Call c) {
        return c.server().config().listMaxListpackSize();
    }

    /** LEFT or RIGHT (true for LEFT: the head). */
    private static boolean side(Call c, int i) {
        if (c.is(i, "LEFT")) {
            return true;
        }
        if (c.is(i, "RIGHT")) {
            return false;
        }
        throw c.error(Errors.SYNTAX);
    }

    /** Lookup for a write command that may not change anything: no hit/miss counting. */
    private static ListValue readForWrite(Call c, byte[] key) {
        return c.db().read(key, ValueType.LIST, Db.NO_STATS);
    }

    // ---- pushes ----

    private static void push(Call c, boolean head, boolean onlyIfExists) {
        byte[] key = c.arg(1);
        Db db = c.db();
        int fill = fill(c);
        ListValue list = db.modify(key, ValueType.LIST);
        if (list == null) {
            if (onlyIfExists) {
                c.reply().integer(0);
                return;
            }
            ListValue fresh = ListEncoding.growing(new PackedList(payload(c, 2)), c.args(), 2, c.argc() - 1, fill);
            for (int i = 2; i < c.argc(); i++) {
                fresh.push(head, c.arg(i), fill);
            }
            db.put(key, fresh);
            c.reply().integer(fresh.size());
            return;
        }
        ListValue grown = ListEncoding.growing(list, c.args(), 2, c.argc() - 1, fill);
        for (int i = 2; i < c.argc(); i++) {
            grown.push(head, c.arg(i), fill);
        }
        settle(db, key, list, grown);
        c.reply().integer(grown.size());
    }

    /**
     * Ends a {@link Db#modify} of the list {@code before}, now {@code after}: the value is stored
     * again only when a conversion replaced it (storing the same reference into the key table
     * would still cost G1 a card to refine).
     */
    private static void settle(Db db, byte[] key, ListValue before, ListValue after) {
        if (after == before) {
            db.modified(key);
        } else {
            db.modified(key, after);
        }
    }

    /** Bytes the packed entries of arguments {@code from..} take, to size a new list exactly. */
    private static int payload(Call c, int from) {
        long n = 0;
        for (int i = from; i < c.argc(); i++) {
            n += c.arg(i).length + 2;
        }
        return (int) Math.min(n, 1 << 16);
    }

    /** Pushes one element moved from another list (LMOVE's destination side). */
    private static void pushMoved(Call c, byte[] key, byte[] value, boolean head) {
        Db db = c.db();
        int fill = fill(c);
        ListValue list = db.modify(key, ValueType.LIST);
        if (list == null) {
            ListValue fresh = ListEncoding.growing(new PackedList(value.length + 2), ListEncoding.movedBytes(value), 1, fill);
            fresh.push(head, value, fill);
            db.put(key, fresh);
            return;
        }
        ListValue grown = ListEncoding.growing(list, ListEncoding.movedBytes(value), 1, fill);
        grown.push(head, value, fill);
        settle(db, key, list, grown);
    }

    // ---- pops ----

    private static void pop(Call c, boolean head) {
        byte[] key = c.arg(1);
        if (c.argc() > 3) {
            throw c.error(Errors.wrongArity(c.spec().fullName()));
        }
        if (c.argc() == 3) {
            long count = c.positiveLongArg(2);
            ListValue list = readForWrite(c, key);
            if (list == null) {
                c.reply().nullArray();
            } else if (count == 0) {
                c.reply().array(0);
            } else {
                popRange(c, key, head, count);
            }
            return;
        }
        Db db = c.db();
        ListValue list = db.modify(key, ValueType.LIST);
        if (list == null) {
            c.reply().nullBulk();
            return;
        }
        list.popTo(head, c.reply());
        settle(db, key, list, ListEncoding.shrinking(list, fill(c)));
    }

    /** Pops up to {@code count} elements of an existing list and replies them as an array. */
    private static long popRange(Call c, byte[] key, boolean head, long count) {
        Db db = c.db();
        ListValue list = db.modify(key, ValueType.LIST);
        long n = Math.min(count, list.size());
        c.reply().array((int) n);
        for (long i = 0; i < n; i++) {
            list.popTo(head, c.reply());
        }
        settle(db, key, list, ListEncoding.shrinking(list, fill(c)));
        return n;
    }

    // ---- reading ----

    private static void llen(Call c) {
        ListValue list = c.db().read(c.arg(1), ValueType.LIST);
        c.reply().integer(list == null ? 0 : list.size());
    }

    private static void lrange(Call c) {
        long start = c.longArg(2);
        long end = c.longArg(3);
        ListValue list = c.db().read(c.arg(1), ValueType.LIST);
        if (list == null) {
            c.reply().array(0);
            return;
        }
        long len = list.size();
        if (start < 0) {
            start += len;
        }
        if (end < 0) {
            end += len;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= len) {
            c.reply().array(0);
            return;
        }
        if (end >= len) {
            end = len - 1;
        }
        long n = end - start + 1;
        c.reply().array((int) n);
        long[] left = {n};
        list.visit(start, true, (b, off, l) -> {
            c.reply().bulk(b, off, l);
            return --left[0] > 0;
        });
    }

    private static void lindex(Call c) {
        ListValue list = c.db().read(c.arg(1), ValueType.LIST);
        if (list == null) {
            c.reply().nullBulk();
            return;
        }
        long index = c.longArg(2);
        long len = list.size();
        if (index < 0) {
            index += len;
        }
        if (index < 0 || index >= len) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(list.get(index));
        }
    }

    /** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
    private static void lpos(Call c) {
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int j = 3; j < c.argc(); j++) {
            boolean more = j + 1 < c.argc();
            if (c.is(j, "RANK") && more) {
                j++;
                rank = c.longArg(j);
                if (rank == 0) {
                    throw c.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                            + "or use negative to start from the end of the list");
                }
            } else if (c.is(j, "COUNT") && more) {
                j++;
                count = nonNegative(c, j, "ERR COUNT can't be negative");
            } else if (c.is(j, "MAXLEN") && more) {
                j++;
                maxlen = nonNegative(c, j, "ERR MAXLEN can't be negative");
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        boolean forward = rank > 0;
        // Redis negates the rank in a C long: LONG_MIN stays negative, so every match qualifies
        long skip = rank == Long.MIN_VALUE ? 1 : Math.abs(rank);
        ListValue list = c.db().read(c.arg(1), ValueType.LIST);
        if (list == null) {
            if (count != -1) {
                c.reply().array(0);
            } else {
                c.reply().nullBulk();
            }
            return;
        }
        byte[] element = c.arg(2);
        long len = list.size();
        long[] state = {0, 0}; // elements seen, matches
        LongList found = new LongList();
        long wanted = count;
        long finalSkip = skip;
        long limit = maxlen;
        list.visit(forward ? 0 : len - 1, forward, (b, off, l) -> {
            if (limit != 0 && state[0] >= limit) {
                return false;
            }
            long index = state[0]++;
            if (l == element.length && java.util.Arrays.equals(b, off, off + l, element, 0, l)) {
                state[1]++;
                if (state[1] >= finalSkip) {
                    found.add(forward ? index : len - index - 1);
                    if (wanted == -1 || wanted != 0 && state[1] - finalSkip + 1 >= wanted) {
                        return false;
                    }
                }
            }
            return true;
        });
        if (count == -1) {
            if (found.size == 0) {
                c.reply().nullBulk();
            } else {
                c.reply().integer(found.values[0]);
            }
            return;
        }
        c.reply().array(found.size);
        for (int i = 0; i < found.size; i++) {
            c.reply().integer(found.values[i]);
        }
    }

    /** A growable array of longs (LPOS matches: the count is known only at the end). */
    private static final class LongList {
        long[] values = new long[4];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }

    private static long nonNegative(Call c, int i, String error) {
        long v = c.longArg(i, error);
        if (v < 0) {
            throw c.error(error);
        }
        return v;
    }

    // ---- changing in the middle ----

    private static void lset(Call c) {
        byte[] key = c.arg(1);
        ListValue list = readForWrite(c, key);
        if (list == null) {
            throw c.error(Errors.NO_SUCH_KEY);
        }
        long index = c.longArg(2);
        long len = list.size();
        if (index < 0) {
            index += len;
        }
        if (index < 0 || index >= len) {
            throw c.error(OUT_OF_RANGE);
        }
        Db db = c.db();
        int fill = fill(c);
        list = db.modify(key, ValueType.LIST);
        ListValue grown = ListEncoding.growing(list, c.args(), 3, 3, fill);
        grown.set(index, c.arg(3), fill);
        settle(db, key, list, ListEncoding.shrinking(grown, fill));
        c.reply().ok();
    }

    private static void linsert(Call c) {
        boolean after;
        if (c.is(2, "AFTER")) {
            after = true;
        } else if (c.is(2, "BEFORE")) {
            after = false;
        } else {
            throw c.error(Errors.SYNTAX);
        }
        byte[] key = c.arg(1);
        ListValue list = readForWrite(c, key);
        if (list == null) {
            c.reply().integer(0);
            return;
        }
        int fill = fill(c);
        // Redis converts before searching the pivot, so a big element converts even when absent
        ListValue target = ListEncoding.growing(list, c.args(), 4, 4, fill);
        long pivot = indexOf(list, c.arg(3));
        if (pivot < 0 && target == list) {
            c.reply().integer(-1);
            return;
        }
        Db db = c.db();
        db.modify(key, ValueType.LIST);
        if (pivot >= 0) {
            target.insert(after ? pivot + 1 : pivot, c.arg(4), fill);
        }
        settle(db, key, list, target);
        c.reply().integer(pivot < 0 ? -1 : target.size());
    }

    private static long indexOf(ListValue list, byte[] element) {
        long[] at = {0, -1};
        list.visit(0, true, (b, off, l) -> {
            if (l == element.length && java.util.Arrays.equals(b, off, off + l, element, 0, l)) {
                at[1] = at[0];
                return false;
            }
            at[0]++;
            return true;
        });
        return at[1];
    }

    private static void lrem(Call c) {
        long count = c.longArg(2);
        byte[] key = c.arg(1);
        ListValue list = readForWrite(c, key);
        if (list == null || indexOf(list, c.arg(3)) < 0) {
            c.reply().integer(0);
            return;
        }
        Db db = c.db();
        list = db.modify(key, ValueType.LIST);
        long removed = list.removeMatching(c.arg(3), count == Long.MIN_VALUE ? Long.MIN_VALUE + 1 : count);
        settle(db, key, list, ListEncoding.shrinking(list, fill(c)));
        c.reply().integer(removed);
    }

    private static void ltrim(Call c) {
        long start = c.longArg(2);
        long end = c.longArg(3);
        byte[] key = c.arg(1);
        ListValue list = readForWrite(c, key);
        if (list == null) {
            c.reply().ok();
            return;
        }
        long len = list.size();
        if (start < 0) {
            start += len;
        }
        if (end < 0) {
            end += len;
        }
        if (start < 0) {
            start = 0;
        }
        long keepFrom;
        long keep;
        if (start > end || start >= len) {
            keepFrom = 0;
            keep = 0;
        } else {
            if (end >= len) {
                end = len - 1;
            }
            keepFrom = start;
            keep = end - start + 1;
        }
        if (keep == len) {
            // nothing to remove, yet Redis reports the trim
            c.keyspaceEvent(ServerConfig.NOTIFY_LIST, "ltrim", key);
            c.reply().ok();
            return;
        }
        Db db = c.db();
        list = db.modify(key, ValueType.LIST);
        list.trim(keepFrom, keep);
        settle(db, key, list, ListEncoding.shrinking(list, fill(c)));
        c.reply().ok();
    }

    // ---- moving ----

    private static void lmove(Call c, boolean fromHead, boolean toHead) {
        byte[] src = c.arg(1);
        byte[] dst = c.arg(2);
        ListValue source = readForWrite(c, src);
        if (source == null) {
            c.reply().nullBulk();
            return;
        }
        readForWrite(c, dst); // WRONGTYPE before anything moves
        Db db = c.db();
        ListValue list = db.modify(src, ValueType.LIST);
        byte[] value = list.pop(fromHead);
        settle(db, src, list, ListEncoding.shrinking(list, fill(c)));
        pushMoved(c, dst, value, toHead);
        c.reply().bulk(value);
    }

    // ---- multi-key pops ----

    /**
     * LMPOP numkeys key... LEFT|RIGHT [COUNT n] (numkeys at {@code numkeysAt}), and BLMPOP with
     * its timeout before numkeys.
     */
    private static void mpop(Call c, int numkeysAt, boolean blocking) {
        String numkeysError = "ERR numkeys should be greater than 0";
        long numkeys = c.longArg(numkeysAt, numkeysError);
        if (numkeys < 1) {
            throw c.error(numkeysError);
        }
        if (numkeys >= c.argc() - numkeysAt - 1) {
            throw c.error(Errors.SYNTAX);
        }
        int whereAt = numkeysAt + (int) numkeys + 1;
        boolean head = side(c, whereAt);
        long count = -1;
        for (int j = whereAt + 1; j < c.argc(); j++) {
            if (count == -1 && c.is(j, "COUNT") && j + 1 < c.argc()) {
                j++;
                String countError = "ERR count should be greater than 0";
                count = c.longArg(j, countError);
                if (count < 1) {
                    throw c.error(countError);
                }
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        if (count == -1) {
            count = 1;
        }
        long deadline = blocking ? c.timeoutArg(1) : 0;
        for (int k = 0; k < numkeys; k++) {
            byte[] key = c.arg(numkeysAt + 1 + k);
            if (readForWrite(c, key) != null) {
                c.reply().array(2);
                c.reply().bulk(key);
                long n = popRange(c, key, head, count);
                c.propagate(Propagation.pop(head, key, n));
                return;
            }
        }
        if (!blocking || !c.mayBlock()) {
            c.reply().nullArray();
            return;
        }
        byte[][] keys = new byte[(int) numkeys][];
        for (int k = 0; k < numkeys; k++) {
            keys[k] = c.arg(numkeysAt + 1 + k);
        }
        c.block(ValueType.LIST, deadline, keys);
    }

    // ---- blocking ----

    private static void blockingPop(Call c, boolean head) {
        long deadline = c.timeoutArg(c.argc() - 1);
        Db db = c.db();
        for (int i = 1; i < c.argc() - 1; i++) {
            byte[] key = c.arg(i);
            ListValue list = db.modify(key, ValueType.LIST);
            if (list == null) {
                continue;
            }
            byte[] value = list.pop(head);
            settle(db, key, list, ListEncoding.shrinking(list, fill(c)));
            c.reply().array(2);
            c.reply().bulk(key);
            c.reply().bulk(value);
            c.propagate(Propagation.pop(head, key));
            return;
        }
        if (!c.mayBlock()) {
            c.reply().nullArray();
            return;
        }
        byte[][] keys = new byte[c.argc() - 2][];
        for (int i = 1; i < c.argc() - 1; i++) {
            keys[i - 1] = c.arg(i);
        }
        c.block(ValueType.LIST, deadline, keys);
    }

    private static void blmove(Call c) {
        boolean fromHead = side(c, 3);
        boolean toHead = side(c, 4);
        long deadline = c.timeoutArg(5);
        blockingMove(c, fromHead, toHead, deadline);
    }

    private static void blockingMove(Call c, boolean fromHead, boolean toHead, long deadline) {
        byte[] src = c.arg(1);
        if (readForWrite(c, src) == null) {
            if (!c.mayBlock()) {
                c.reply().nullBulk();
            } else {
                c.block(ValueType.LIST, deadline, src);
            }
            return;
        }
        lmove(c, fromHead, toHead);
        boolean brpoplpush = c.argc() == 4;
        c.propagate(brpoplpush ? Propagation.rpoplpush(src, c.arg(2)) : Propagation.lmove(src, c.arg(2), c.arg(3), c.arg(4)));
    }
}
