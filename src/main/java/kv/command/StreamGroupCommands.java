package kv.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.protocol.Reply;
import kv.store.Db;
import kv.store.StreamGroup;
import kv.store.StreamId;
import kv.store.StreamValue;
import kv.store.ValueType;
import kv.util.ClientText;

/** XGROUP CREATE/SETID/DESTROY/CREATECONSUMER/DELCONSUMER, XREADGROUP, XACK, XPENDING. */
final class StreamGroupCommands {
    private static final String NEEDS_KEY = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE"
            + " you may want to use the MKSTREAM option to create an empty stream automatically.";

    private StreamGroupCommands() {
    }

    static void register(CommandTable t) {
        t.register("xgroup|create", StreamGroupCommands::xgroup);
        t.register("xgroup|setid", StreamGroupCommands::xgroup);
        t.register("xgroup|destroy", StreamGroupCommands::xgroup);
        t.register("xgroup|createconsumer", StreamGroupCommands::xgroup);
        t.register("xgroup|delconsumer", StreamGroupCommands::xgroup);
        t.register("xreadgroup", StreamReadCommand::xreadgroup);
        t.register("xack", StreamGroupCommands::xack);
        t.register("xpending", StreamGroupCommands::xpending);
        t.register("xinfo|groups", StreamGroupCommands::xinfoGroups);
        StreamInfoCommand.register(t);
    }

    /** The subcommands in Redis' order of checks: options, key, group, then the action. */
    private static void xgroup(Call c) {
        boolean create = c.is(1, "CREATE");
        boolean setId = c.is(1, "SETID");
        boolean mkStream = false;
        long entriesRead = -1;
        if (create || setId) {
            for (int i = 5; i < c.argc(); ) {
                if (create && c.is(i, "MKSTREAM")) {
                    mkStream = true;
                    i++;
                } else if (c.is(i, "ENTRIESREAD") && i + 1 < c.argc()) {
                    entriesRead = c.longArg(i + 1);
                    if (entriesRead < 0 && entriesRead != -1) {
                        throw c.error("ERR value for ENTRIESREAD must be positive or -1");
                    }
                    i += 2;
                } else {
                    throw c.error(Errors.subcommandSyntax(c.arg(1), "xgroup"));
                }
            }
            if (create ? c.argc() > 8 : c.argc() != 5 && c.argc() != 7) {
                throw c.error(Errors.subcommandSyntax(c.arg(1), "xgroup"));
            }
        }
        byte[] key = c.arg(2);
        byte[] groupName = c.arg(3);
        StreamValue existing = c.db().read(key, ValueType.STREAM, Db.NO_STATS);
        if (existing == null && !(create && mkStream)) {
            throw c.error(NEEDS_KEY);
        }
        StreamGroup group = existing == null ? null : existing.group(groupName);
        if (group == null && !create && !c.is(1, "DESTROY")) {
            throw c.error("NOGROUP No such consumer group '" + ClientText.of(groupName) + "' for key name '"
                    + ClientText.of(key) + "'");
        }
        if (create || setId) {
            StreamId id = c.arg(4).length == 1 && c.arg(4)[0] == '$'
                    ? (existing == null ? StreamId.MIN : existing.lastId())
                    : StreamIds.strict(c.arg(4));
            if (create) {
                if (group != null) {
                    throw c.error("BUSYGROUP Consumer Group name already exists");
                }
                StreamValue s = existing == null ? new StreamValue() : c.db().modify(key, ValueType.STREAM);
                s.createGroup(groupName, id, entriesRead);
                if (existing == null) {
                    c.db().put(key, s);
                } else {
                    c.db().modified(key);
                }
            } else {
                StreamValue s = c.db().modify(key, ValueType.STREAM);
                StreamGroup g = s.group(groupName);
                g.lastId = id;
                g.entriesRead = entriesRead;
                c.db().modified(key);
            }
            c.reply().ok();
            return;
        }
        if (c.is(1, "DESTROY")) {
            if (group == null) {
                c.reply().integer(0);
                return;
            }
            StreamValue s = c.db().modify(key, ValueType.STREAM);
            s.destroyGroup(groupName);
            c.db().modified(key);
            c.reply().integer(1);
            return;
        }
        byte[] consumerName = c.arg(4);
        StreamGroup.Consumer consumer = group.consumer(consumerName);
        if (c.is(1, "CREATECONSUMER")) {
            if (consumer != null) {
                c.reply().integer(0);
                return;
            }
            StreamValue s = c.db().modify(key, ValueType.STREAM);
            s.createConsumer(s.group(groupName), consumerName, c.now());
            c.db().modified(key);
            c.reply().integer(1);
            return;
        }
        // DELCONSUMER
        if (consumer == null) {
            c.reply().integer(0);
            return;
        }
        StreamValue s = c.db().modify(key, ValueType.STREAM);
        StreamGroup g = s.group(groupName);
        int pending = s.deleteConsumer(g, g.consumer(consumerName));
        c.db().modified(key);
        c.reply().integer(pending);
    }

    /** XINFO GROUPS key: name, consumers, pending, last-delivered-id, entries-read, lag per group. */
    private static void xinfoGroups(Call c) {
        StreamValue s = c.db().read(c.arg(2), ValueType.STREAM);
        if (s == null) {
            throw c.error("ERR no such key");
        }
        Reply r = c.reply();
        r.array(s.groups().size());
        for (StreamGroup g : s.groups()) {
            r.map(6);
            r.bulkText("name");
            r.bulk(g.name);
            r.bulkText("consumers");
            r.integer(g.consumers.size());
            r.bulkText("pending");
            r.integer(g.pending.size());
            r.bulkText("last-delivered-id");
            r.bulk(g.lastId.toBytes());
            r.bulkText("entries-read");
            if (g.entriesRead == -1) {
                r.nullBulk();
            } else {
                r.integer(g.entriesRead);
            }
            r.bulkText("lag");
            long lag = s.lag(g);
            if (lag == -1) {
                r.nullBulk();
            } else {
                r.integer(lag);
            }
        }
    }

    private static void xack(Call c) {
        byte[] key = c.arg(1);
        StreamValue existing = c.db().read(key, ValueType.STREAM);
        StreamGroup group = existing == null ? null : existing.group(c.arg(2));
        if (group == null) {
            c.reply().integer(0);
            return;
        }
        StreamId[] ids = new StreamId[c.argc() - 3];
        boolean any = false;
        for (int i = 3; i < c.argc(); i++) {
            ids[i - 3] = StreamIds.strict(c.arg(i));
            any |= group.pending.containsKey(ids[i - 3]);
        }
        if (!any) {
            c.reply().integer(0);
            return;
        }
        StreamValue s = c.db().modify(key, ValueType.STREAM);
        StreamGroup g = s.group(c.arg(2));
        long acked = 0;
        for (StreamId id : ids) {
            if (s.ack(g, id)) {
                acked++;
            }
        }
        c.db().modified(key);
        c.reply().integer(acked);
    }

    private static void xpending(Call c) {
        boolean summary = c.argc() == 3;
        long minIdle = 0;
        long count = 0;
        StreamId start = null;
        StreamId end = null;
        byte[] consumerName = null;
        if (!summary) {
            int i = 3;
            if (c.is(i, "IDLE")) {
                if (i + 1 >= c.argc()) {
                    throw c.error(Errors.SYNTAX);
                }
                minIdle = c.longArg(i + 1);
                i += 2;
            }
            if (c.argc() - i < 3) {
                throw c.error(Errors.SYNTAX);
            }
            count = Math.max(0, c.longArg(i + 2));
            start = StreamIds.bound(c.arg(i), true);
            end = StreamIds.bound(c.arg(i + 1), false);
            if (i + 3 < c.argc()) {
                consumerName = c.arg(i + 3);
            }
        }
        byte[] key = c.arg(1);
        StreamValue s = c.db().read(key, ValueType.STREAM);
        StreamGroup g = s == null ? null : s.group(c.arg(2));
        if (g == null) {
            throw c.error("NOGROUP No such key '" + ClientText.of(key) + "' or consumer group '" + ClientText.of(c.arg(2)) + "'");
        }
        Reply r = c.reply();
        if (summary) {
            r.array(4);
            r.integer(g.pending.size());
            if (g.pending.isEmpty()) {
                r.nullBulk();
                r.nullBulk();
                r.nullArray();
                return;
            }
            r.bulk(g.pending.firstKey().toBytes());
            r.bulk(g.pending.lastKey().toBytes());
            List<StreamGroup.Consumer> withPending = new ArrayList<>();
            for (StreamGroup.Consumer k : g.consumers.values()) {
                if (!k.pending.isEmpty()) {
                    withPending.add(k);
                }
            }
            r.array(withPending.size());
            for (StreamGroup.Consumer k : withPending) {
                r.array(2);
                r.bulk(k.name);
                r.bulkLong(k.pending.size());
            }
            return;
        }
        java.util.TreeMap<StreamId, StreamGroup.Pending> pel = g.pending;
        if (consumerName != null) {
            StreamGroup.Consumer k = g.consumer(consumerName);
            if (k == null) {
                r.array(0);
                return;
            }
            pel = k.pending;
        }
        long now = c.now();
        List<StreamGroup.Pending> out = new ArrayList<>();
        if (start.compareTo(end) <= 0) {
            for (Map.Entry<StreamId, StreamGroup.Pending> e : pel.subMap(start, true, end, true).entrySet()) {
                if (out.size() >= count) {
                    break;
                }
                StreamGroup.Pending p = e.getValue();
                if (minIdle > 0 && now - p.deliveryTime < minIdle) {
                    continue;
                }
                out.add(p);
            }
        }
        r.array(out.size());
        for (StreamGroup.Pending p : out) {
            r.array(4);
            r.bulk(p.id.toBytes());
            r.bulk(p.owner.name);
            r.integer(Math.max(0, now - p.deliveryTime));
            r.integer(p.deliveryCount);
        }
    }
}
