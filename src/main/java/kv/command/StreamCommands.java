package kv.command;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import kv.config.ServerConfig;
import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.protocol.Reply;
import kv.store.Db;
import kv.store.StreamId;
import kv.store.StreamValue;
import kv.store.ValueType;

/** XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM and XREAD. */
final class StreamCommands {
    private static final byte[] EXACT = {'='};

    private StreamCommands() {
    }

    static void register(CommandTable t) {
        t.register("xadd", StreamCommands::xadd);
        t.register("xlen", StreamCommands::xlen);
        t.register("xrange", c -> xrange(c, false));
        t.register("xrevrange", c -> xrange(c, true));
        t.register("xdel", StreamCommands::xdel);
        t.register("xtrim", StreamCommands::xtrim);
        t.register("xread", StreamReadCommand::xread);
        t.register("xsetid", StreamCommands::xsetid);
    }

    // ---- XADD / XTRIM ----

    private static void xadd(Call c) {
        TrimArgs a = TrimArgs.parse(c, true);
        int fieldsAt = a.next + 1;
        int pairs = c.argc() - fieldsAt;
        if (pairs < 2 || pairs % 2 == 1) {
            throw c.error(Errors.wrongArity("xadd"));
        }
        if (a.id != null && a.seqGiven && a.id.equals(StreamId.MIN)) {
            throw c.error("ERR The ID specified in XADD must be greater than 0-0");
        }
        byte[] key = c.arg(1);
        Db db = c.db();
        // one lookup for the checks and the append: a refused ID ends the modify unchanged
        StreamValue s = db.modify(key, ValueType.STREAM);
        boolean created = s == null;
        if (created && a.noMkStream) {
            c.reply().nullBulk();
            return;
        }
        StreamId last = created ? StreamId.MIN : s.lastId();
        String refusal = null;
        StreamId id = null;
        if (last.isMax()) {
            refusal = "ERR The stream has exhausted the last possible ID, unable to add more items";
        } else {
            id = nextId(c, a, last);
            if (id == null || id.compareTo(last) <= 0) {
                refusal = "ERR The ID specified in XADD is equal or smaller than the target stream top item";
            }
        }
        if (refusal != null) {
            if (!created) {
                db.unmodified(key);
            }
            throw c.error(refusal);
        }
        if (created) {
            s = new StreamValue();
        }
        s.append(id, c.args(), fieldsAt, c.argc());
        long trimmed = a.strategy == 0 ? 0 : s.trim(a.maxLen, a.minId, a.approx, a.limit);
        if (created) {
            db.put(key, s);
        } else {
            db.modified(key);
        }
        if (trimmed > 0) {
            c.keyspaceEvent(ServerConfig.NOTIFY_STREAM, "xtrim", key);
        }
        byte[] idText = id.toBytes();
        if (a.id == null || !a.seqGiven || a.approx) {
            // replicas and the AOF get the ID chosen and, after an approximate trim, its exact outcome
            byte[][] argv = c.args().clone();
            argv[a.next] = idText;
            rewriteApproxTrim(a, s, argv);
            c.propagate(argv);
        }
        c.reply().bulk(idText);
    }

    /** The ID for XADD: explicit, {@code ms-*}, or {@code *} (the clock, or just after the last ID if the clock is behind). */
    private static StreamId nextId(Call c, TrimArgs a, StreamId last) {
        if (a.id == null) {
            long now = c.now();
            return Long.compareUnsigned(now, last.ms()) > 0 ? new StreamId(now, 0) : last.next();
        }
        if (a.seqGiven) {
            return a.id;
        }
        if (a.id.ms() == last.ms()) {
            return last.seq() == -1L ? null : new StreamId(last.ms(), last.seq() + 1);
        }
        return new StreamId(a.id.ms(), 0);
    }

    /** {@code ~ N} becomes {@code = <what is left>}, so that a replay trims exactly what this one did. */
    private static void rewriteApproxTrim(TrimArgs a, StreamValue s, byte[][] argv) {
        if (!a.approx) {
            return;
        }
        argv[a.thresholdAt - 1] = EXACT;
        argv[a.thresholdAt] = a.strategy == TrimArgs.MAXLEN
                ? Long.toString(s.length()).getBytes(StandardCharsets.US_ASCII)
                : s.firstId().toBytes();
    }

    private static void xtrim(Call c) {
        byte[] key = c.arg(1);
        StreamValue existing = c.db().read(key, ValueType.STREAM, Db.NO_STATS);
        if (existing == null) {
            c.reply().integer(0);
            return;
        }
        TrimArgs a = TrimArgs.parse(c, false);
        if (existing.trimDryRun(a.maxLen, a.minId, a.approx, a.limit) == 0) {
            c.reply().integer(0);
            return;
        }
        StreamValue s = c.db().modify(key, ValueType.STREAM);
        long deleted = s.trim(a.maxLen, a.minId, a.approx, a.limit);
        c.db().modified(key);
        if (a.approx) {
            byte[][] argv = c.args().clone();
            rewriteApproxTrim(a, s, argv);
            c.propagate(argv);
        }
        c.reply().integer(deleted);
    }

    // ---- XLEN / XRANGE / XDEL ----

    private static void xlen(Call c) {
        StreamValue s = c.db().read(c.arg(1), ValueType.STREAM);
        c.reply().integer(s == null ? 0 : s.length());
    }

    private static void xrange(Call c, boolean reverse) {
        StreamId start = StreamIds.bound(c.arg(reverse ? 3 : 2), true);
        StreamId end = StreamIds.bound(c.arg(reverse ? 2 : 3), false);
        long count = -1;
        for (int i = 4; i < c.argc(); i++) {
            if (c.is(i, "COUNT") && i + 1 < c.argc()) {
                count = Math.max(0, c.longArg(++i));
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        StreamValue s = c.db().read(c.arg(1), ValueType.STREAM);
        if (s == null) {
            c.reply().array(0);
            return;
        }
        if (count == 0) {
            c.reply().nullArray();
            return;
        }
        replyEntries(c.reply(), s, s.range(start, end, reverse, Math.max(count, 0)));
    }

    /** Entries as XRANGE replies them: [id, [field, value, ...]] each. */
    static void replyEntries(Reply r, StreamValue s, List<StreamValue.Entry> entries) {
        r.array(entries.size());
        for (StreamValue.Entry e : entries) {
            r.array(2);
            r.bulk(e.id().toBytes());
            r.array(2 * s.fieldCount(e));
            s.forEachElement(e, r::bulk);
        }
    }

    private static void xdel(Call c) {
        byte[] key = c.arg(1);
        StreamValue existing = c.db().read(key, ValueType.STREAM, Db.NO_STATS);
        if (existing == null) {
            c.reply().integer(0);
            return;
        }
        StreamId[] ids = new StreamId[c.argc() - 2];
        boolean any = false;
        for (int i = 2; i < c.argc(); i++) {
            ids[i - 2] = StreamIds.strict(c.arg(i));
        }
        for (StreamId id : ids) {
            any |= existing.contains(id);
        }
        if (!any) {
            c.reply().integer(0);
            return;
        }
        StreamValue s = c.db().modify(key, ValueType.STREAM);
        long deleted = 0;
        for (StreamId id : ids) {
            if (s.delete(id)) {
                deleted++;
            }
        }
        c.db().modified(key);
        c.reply().integer(deleted);
    }

    private static void xsetid(Call c) {
        StreamId id = StreamIds.strict(c.arg(2));
        long entriesAdded = -1;
        StreamId maxDeleted = null;
        for (int i = 3; i < c.argc(); i += 2) {
            boolean more = i < c.argc() - 1;
            if (c.is(i, "ENTRIESADDED") && more) {
                entriesAdded = c.longArg(i + 1);
                if (entriesAdded < 0) {
                    throw c.error("ERR entries_added must be positive");
                }
            } else if (c.is(i, "MAXDELETEDID") && more) {
                maxDeleted = StreamIds.strict(c.arg(i + 1));
                if (id.compareTo(maxDeleted) < 0) {
                    throw c.error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                }
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        byte[] key = c.arg(1);
        StreamValue existing = c.db().read(key, ValueType.STREAM, Db.NO_STATS);
        if (existing == null) {
            throw c.error("ERR no such key");
        }
        // redis-server 7.0.15 checks the new ID against the last live entry only, not past deletions
        if (existing.length() > 0) {
            if (id.compareTo(existing.lastLiveId()) < 0) {
                throw c.error("ERR The ID specified in XSETID is smaller than the target stream top item");
            }
            if (entriesAdded != -1 && existing.length() > entriesAdded) {
                throw c.error("ERR The entries_added specified in XSETID is smaller than the target stream length");
            }
        }
        StreamValue s = c.db().modify(key, ValueType.STREAM);
        s.setLastId(id, entriesAdded, maxDeleted == null || maxDeleted.equals(StreamId.MIN) ? null : maxDeleted);
        c.db().modified(key);
        c.reply().ok();
    }

    /** The trimming options shared by XADD and XTRIM, parsed as Redis does (order and errors). */
    static final class TrimArgs {
        static final int MAXLEN = 1;
        static final int MINID = 2;
        int strategy;
        boolean approx;
        long maxLen;
        StreamId minId;
        long limit;
        /** Index of the threshold argument (the one after {@code ~}/{@code =} if any). */
        int thresholdAt;
        boolean noMkStream;
        /** XADD's explicit ID (null for {@code *}) and whether its seq was given. */
        StreamId id;
        boolean seqGiven = true;
        /** XADD: index of the ID argument. */
        int next;

        /** {@code XADD key * ...}, the common form: no option, nothing to parse (never modified). */
        private static final TrimArgs AUTO_ID = new TrimArgs();

        static {
            AUTO_ID.next = 2;
        }

        static TrimArgs parse(Call c, boolean xadd) {
            if (xadd && c.argc() > 2 && c.arg(2).length == 1 && c.arg(2)[0] == '*') {
                return AUTO_ID;
            }
            TrimArgs a = new TrimArgs();
            boolean limitGiven = false;
            int i = 2;
            for (; i < c.argc(); i++) {
                int more = c.argc() - 1 - i;
                byte[] opt = c.arg(i);
                if (xadd && opt.length == 1 && opt[0] == '*') {
                    break;
                } else if ((c.is(i, "MAXLEN") || c.is(i, "MINID")) && more > 0) {
                    boolean maxlen = c.is(i, "MAXLEN");
                    if (a.strategy != 0) {
                        throw c.error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                    }
                    a.approx = false;
                    byte[] next = c.arg(i + 1);
                    if (more >= 2 && next.length == 1 && (next[0] == '~' || next[0] == '=')) {
                        a.approx = next[0] == '~';
                        i++;
                    }
                    if (maxlen) {
                        a.maxLen = c.longArg(i + 1);
                        if (a.maxLen < 0) {
                            throw c.error("ERR The MAXLEN argument must be >= 0.");
                        }
                    } else {
                        a.minId = StreamIds.strict(c.arg(i + 1));
                    }
                    i++;
                    a.strategy = maxlen ? MAXLEN : MINID;
                    a.thresholdAt = i;
                } else if (c.is(i, "LIMIT") && more > 0) {
                    a.limit = c.longArg(i + 1);
                    if (a.limit < 0) {
                        throw c.error("ERR The LIMIT argument must be >= 0.");
                    }
                    limitGiven = true;
                    i++;
                } else if (xadd && c.is(i, "NOMKSTREAM")) {
                    a.noMkStream = true;
                } else if (xadd) {
                    boolean[] seqGiven = new boolean[1];
                    a.id = StreamIds.parseAdd(opt, seqGiven);
                    a.seqGiven = seqGiven[0];
                    break;
                } else {
                    throw c.error(Errors.SYNTAX);
                }
            }
            a.next = i;
            if (a.limit != 0 && a.strategy == 0) {
                throw c.error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
            }
            if (!xadd && a.strategy == 0) {
                throw c.error("ERR syntax error, XTRIM must be called with a trimming strategy");
            }
            if (limitGiven) {
                if (!a.approx) {
                    throw c.error("ERR syntax error, LIMIT cannot be used without the special ~ option");
                }
            } else {
                // an unbounded approximate trim still stops after 100 nodes' worth of entries
                a.limit = a.approx ? 100L * StreamValue.NODE_MAX_ENTRIES : 0;
            }
            return a;
        }
    }
}
