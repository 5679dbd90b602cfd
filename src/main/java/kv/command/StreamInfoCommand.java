package kv.command;

import java.util.List;
import java.util.Map;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.protocol.Reply;
import kv.store.StreamGroup;
import kv.store.StreamId;
import kv.store.StreamValue;
import kv.store.ValueType;
import kv.util.ClientText;

/**
 * XINFO STREAM (plain and FULL), XINFO CONSUMERS, XINFO HELP and XGROUP HELP. Field sets follow
 * Redis 7.2: FULL consumers carry active-time and XINFO CONSUMERS inactive (7.0 has neither).
 */
final class StreamInfoCommand {
    /** FULL without COUNT (or with a negative one) lists this many entries and PEL items. */
    private static final long DEFAULT_FULL_COUNT = 10;

    private StreamInfoCommand() {
    }

    static void register(CommandTable t) {
        t.register("xinfo|stream", StreamInfoCommand::stream);
        t.register("xinfo|consumers", StreamInfoCommand::consumers);
        t.register("xinfo|help", StreamInfoCommand::xinfoHelp);
        t.register("xgroup|help", StreamInfoCommand::xgroupHelp);
    }

    private static StreamValue existing(Call c) {
        StreamValue s = c.db().read(c.arg(2), ValueType.STREAM);
        if (s == null) {
            throw c.error("ERR no such key");
        }
        return s;
    }

    /** Redis looks the key up before it parses FULL [COUNT n]. */
    private static void stream(Call c) {
        StreamValue s = existing(c);
        if (c.argc() == 3) {
            summary(c.reply(), s);
            return;
        }
        if (!c.is(3, "FULL") || (c.argc() != 4 && !(c.argc() == 6 && c.is(4, "COUNT")))) {
            throw Help.syntax(c);
        }
        long count = c.argc() == 6 ? c.longArg(5) : DEFAULT_FULL_COUNT;
        full(c, s, count < 0 ? DEFAULT_FULL_COUNT : count);
    }

    /** The fields both forms start with; KV has no radix tree, so both radix counts report its nodes. */
    private static void header(Reply r, StreamValue s) {
        r.bulkText("length");
        r.integer(s.length());
        r.bulkText("radix-tree-keys");
        r.integer(s.nodeCount());
        r.bulkText("radix-tree-nodes");
        r.integer(s.nodeCount());
        r.bulkText("last-generated-id");
        r.bulk(s.lastId().toBytes());
        r.bulkText("max-deleted-entry-id");
        r.bulk(s.maxDeletedId().toBytes());
        r.bulkText("entries-added");
        r.integer(s.entriesAdded());
        r.bulkText("recorded-first-entry-id");
        r.bulk(s.firstId().toBytes());
    }

    private static void summary(Reply r, StreamValue s) {
        r.map(10);
        header(r, s);
        r.bulkText("groups");
        r.integer(s.groups().size());
        r.bulkText("first-entry");
        edgeEntry(r, s, s.range(StreamId.MIN, StreamId.MAX, false, 1));
        r.bulkText("last-entry");
        edgeEntry(r, s, s.range(StreamId.MIN, StreamId.MAX, true, 1));
    }

    private static void edgeEntry(Reply r, StreamValue s, List<StreamValue.Entry> one) {
        if (one.isEmpty()) {
            r.nullBulk();
            return;
        }
        StreamValue.Entry e = one.get(0);
        r.array(2);
        r.bulk(e.id().toBytes());
        r.array(2 * s.fieldCount(e));
        s.forEachElement(e, r::bulk);
    }

    /** {@code count} (0 = all) caps the entries and every PEL listing, not the pel-count figures. */
    private static void full(Call c, StreamValue s, long count) {
        Reply r = c.reply();
        r.map(9);
        header(r, s);
        r.bulkText("entries");
        StreamCommands.replyEntries(r, s, s.range(StreamId.MIN, StreamId.MAX, false, count));
        r.bulkText("groups");
        r.array(s.groups().size());
        for (StreamGroup g : s.groups()) {
            r.map(7);
            r.bulkText("name");
            r.bulk(g.name);
            r.bulkText("last-delivered-id");
            r.bulk(g.lastId.toBytes());
            r.bulkText("entries-read");
            integerOrNull(r, g.entriesRead);
            r.bulkText("lag");
            integerOrNull(r, s.lag(g));
            r.bulkText("pel-count");
            r.integer(g.pending.size());
            r.bulkText("pending");
            List<StreamGroup.Pending> pel = capped(g.pending, count);
            r.array(pel.size());
            for (StreamGroup.Pending p : pel) {
                r.array(4);
                r.bulk(p.id.toBytes());
                r.bulk(p.owner.name);
                r.integer(p.deliveryTime);
                r.integer(p.deliveryCount);
            }
            r.bulkText("consumers");
            r.array(g.consumers.size());
            for (StreamGroup.Consumer k : g.consumers.values()) {
                r.map(5);
                r.bulkText("name");
                r.bulk(k.name);
                r.bulkText("seen-time");
                r.integer(k.seenTime);
                r.bulkText("active-time");
                r.integer(k.activeTime);
                r.bulkText("pel-count");
                r.integer(k.pending.size());
                r.bulkText("pending");
                List<StreamGroup.Pending> own = capped(k.pending, count);
                r.array(own.size());
                for (StreamGroup.Pending p : own) {
                    r.array(3);
                    r.bulk(p.id.toBytes());
                    r.integer(p.deliveryTime);
                    r.integer(p.deliveryCount);
                }
            }
        }
    }

    private static List<StreamGroup.Pending> capped(Map<StreamId, StreamGroup.Pending> pel, long count) {
        List<StreamGroup.Pending> all = List.copyOf(pel.values());
        return count == 0 || all.size() <= count ? all : all.subList(0, (int) count);
    }

    private static void integerOrNull(Reply r, long value) {
        if (value == -1) {
            r.nullBulk();
        } else {
            r.integer(value);
        }
    }

    /**
     * XINFO CONSUMERS key group, per consumer in name order: name, pending, idle (since it was
     * last seen) and, as in Redis 7.2, inactive (since it last got entries, -1 if never).
     */
    private static void consumers(Call c) {
        StreamValue s = existing(c);
        StreamGroup g = s.group(c.arg(3));
        if (g == null) {
            throw c.error("NOGROUP No such consumer group '" + ClientText.of(c.arg(3)) + "' for key name '"
                    + ClientText.of(c.arg(2)) + "'");
        }
        Reply r = c.reply();
        long now = c.now();
        r.array(g.consumers.size());
        for (StreamGroup.Consumer k : g.consumers.values()) {
            r.map(4);
            r.bulkText("name");
            r.bulk(k.name);
            r.bulkText("pending");
            r.integer(k.pending.size());
            r.bulkText("idle");
            r.integer(Math.max(0, now - k.seenTime));
            r.bulkText("inactive");
            r.integer(k.activeTime == -1 ? -1 : Math.max(0, now - k.activeTime));
        }
    }

    private static void xinfoHelp(Call c) {
        Help.reply(c, "XINFO",
                "CONSUMERS <key> <groupname>",
                "    List the consumers of group <groupname> with their pending counts and idle times.",
                "GROUPS <key>",
                "    List the consumer groups of the stream at <key>.",
                "STREAM <key> [FULL [COUNT <count>]",
                "    Describe the stream; FULL adds its entries, groups and pending lists (COUNT caps them, 0 = all).");
    }

    private static void xgroupHelp(Call c) {
        Help.reply(c, "XGROUP",
                "CREATE <key> <groupname> <id|$> [option]",
                "    Add a consumer group that starts after <id> ($ = the last entry). Options:",
                "    * MKSTREAM",
                "      Make an empty stream when <key> is missing.",
                "    * ENTRIESREAD entries_read",
                "      Start the group's entries-read counter at this value.",
                "CREATECONSUMER <key> <groupname> <consumer>",
                "    Add <consumer> to the group.",
                "DELCONSUMER <key> <groupname> <consumer>",
                "    Drop <consumer> and its pending entries.",
                "DESTROY <key> <groupname>",
                "    Drop the group.",
                "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                "    Move the group's last delivered ID and entries-read counter.");
    }
}
