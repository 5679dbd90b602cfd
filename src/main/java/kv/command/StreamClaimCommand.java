package kv.command;

import java.util.ArrayList;
import java.util.List;

import kv.config.ServerConfig;
import kv.engine.Call;
import kv.engine.CommandTable;
import kv.protocol.Reply;
import kv.store.StreamGroup;
import kv.store.StreamId;
import kv.store.StreamValue;
import kv.store.ValueType;
import kv.util.ClientText;

/**
 * XCLAIM key group consumer min-idle id... [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID]
 * [LASTID id]: moves pending entries to a consumer. Also what XREADGROUP propagates, so replay
 * must accept its FORCE JUSTID LASTID form. Pending entries whose stream entry is gone are
 * dropped. Propagates one XCLAIM per entry changed, or XGROUP SETID when only LASTID moved.
 */
final class StreamClaimCommand {
    private StreamClaimCommand() {
    }

    static void register(CommandTable t) {
        t.register("xclaim", StreamClaimCommand::xclaim);
        t.register("xautoclaim", StreamClaimCommand::xautoclaim);
    }

    private static void xclaim(Call c) {
        byte[] key = c.arg(1);
        byte[] groupName = c.arg(2);
        StreamValue existing = c.db().read(key, ValueType.STREAM);
        if (existing == null || existing.group(groupName) == null) {
            throw c.error("NOGROUP No such key '" + ClientText.of(key) + "' or consumer group '" + ClientText.of(groupName) + "'");
        }
        long minIdle = Math.max(0, c.longArg(4, "ERR Invalid min-idle-time argument for XCLAIM"));
        List<StreamId> ids = new ArrayList<>();
        int j = 5;
        for (; j < c.argc(); j++) {
            StreamId id;
            try {
                id = StreamIds.strict(c.arg(j));
            } catch (kv.engine.CommandError e) {
                break;
            }
            ids.add(id);
        }
        long now = c.now();
        long retryCount = -1;
        long deliveryTime = -1;
        boolean force = false;
        boolean justId = false;
        StreamId lastId = StreamId.MIN;
        for (; j < c.argc(); j++) {
            boolean more = j < c.argc() - 1;
            if (c.is(j, "FORCE")) {
                force = true;
            } else if (c.is(j, "JUSTID")) {
                justId = true;
            } else if (c.is(j, "IDLE") && more) {
                deliveryTime = now - c.longArg(++j, "ERR Invalid IDLE option argument for XCLAIM");
            } else if (c.is(j, "TIME") && more) {
                deliveryTime = c.longArg(++j, "ERR Invalid TIME option argument for XCLAIM");
            } else if (c.is(j, "RETRYCOUNT") && more) {
                retryCount = c.longArg(++j, "ERR Invalid RETRYCOUNT option argument for XCLAIM");
            } else if (c.is(j, "LASTID") && more) {
                lastId = StreamIds.strict(c.arg(++j));
            } else {
                throw c.error("ERR Unrecognized XCLAIM option '" + ClientText.of(c.arg(j)) + "'");
            }
        }
        if (deliveryTime < 0 || deliveryTime > now) {
            deliveryTime = now;
        }
        StreamValue s = c.db().modify(key, ValueType.STREAM);
        StreamGroup g = s.group(groupName);
        c.propagateNothing();
        boolean changed = false;
        boolean lastIdMoved = lastId.compareTo(g.lastId) > 0;
        if (lastIdMoved) {
            g.lastId = lastId;
            changed = true;
        }
        StreamGroup.Consumer consumer = null;
        List<StreamId> claimed = new ArrayList<>();
        List<StreamValue.Entry> entries = new ArrayList<>();
        for (StreamId id : ids) {
            StreamGroup.Pending p = g.pending.get(id);
            StreamValue.Entry entry = s.entry(id);
            if (entry == null) {
                if (p != null) {
                    // the entry is gone: the pending record goes too (replicated as a claim of it)
                    StreamGroupRead.propagateClaim(c, key, g, p);
                    lastIdMoved = false;
                    s.ack(g, id);
                    changed = true;
                }
                continue;
            }
            boolean forced = false;
            if (p == null) {
                if (!force) {
                    continue;
                }
                forced = true;
            } else if (minIdle > 0 && now - p.deliveryTime < minIdle) {
                continue;
            }
            if (consumer == null) {
                consumer = g.consumer(c.arg(3));
                if (consumer == null) {
                    consumer = s.createConsumer(g, c.arg(3), now);
                    c.keyspaceEvent(ServerConfig.NOTIFY_STREAM, "xgroup-createconsumer", key);
                }
            }
            p = s.claim(g, id, consumer, forced, now);
            p.deliveryTime = deliveryTime;
            if (retryCount >= 0) {
                p.deliveryCount = retryCount;
            } else if (!justId) {
                p.deliveryCount++;
            }
            claimed.add(id);
            entries.add(entry);
            StreamGroupRead.propagateClaim(c, key, g, p);
            lastIdMoved = false;
            changed = true;
        }
        if (lastIdMoved) {
            StreamGroupRead.propagateGroupId(c, key, g);
        }
        c.db().modified(key);
        replyClaimed(c.reply(), s, claimed, entries, justId);
    }

    /**
     * XAUTOCLAIM key group consumer min-idle start [COUNT n] [JUSTID]: claims pending entries idle
     * long enough, scanning at most 10 * COUNT of them from {@code start}; replies [next cursor,
     * claimed, IDs dropped because their entries are gone].
     */
    private static void xautoclaim(Call c) {
        // Redis reads the key first (a miss counts, and notifies keymiss, even if an argument is bad)
        StreamValue existing = c.db().read(c.arg(1), ValueType.STREAM);
        long minIdle = Math.max(0, c.longArg(4, "ERR Invalid min-idle-time argument for XAUTOCLAIM"));
        StreamId start = StreamIds.bound(c.arg(5), true);
        long count = 100;
        boolean justId = false;
        for (int j = 6; j < c.argc(); j++) {
            if (c.is(j, "COUNT") && j < c.argc() - 1) {
                count = c.longArg(++j, "ERR COUNT must be > 0");
                if (count < 1 || count > Long.MAX_VALUE / 16) {
                    throw c.error("ERR COUNT must be > 0");
                }
            } else if (c.is(j, "JUSTID")) {
                justId = true;
            } else {
                throw c.error(kv.engine.Errors.SYNTAX);
            }
        }
        byte[] key = c.arg(1);
        byte[] groupName = c.arg(2);
        if (existing == null || existing.group(groupName) == null) {
            throw c.error("NOGROUP No such key '" + ClientText.of(key) + "' or consumer group '" + ClientText.of(groupName) + "'");
        }
        StreamValue s = c.db().modify(key, ValueType.STREAM);
        StreamGroup g = s.group(groupName);
        c.propagateNothing();
        long now = c.now();
        long attempts = count * 10;
        StreamGroup.Consumer consumer = null;
        List<StreamId> claimed = new ArrayList<>();
        List<StreamValue.Entry> entries = new ArrayList<>();
        List<StreamId> deleted = new ArrayList<>();
        StreamId id = g.pending.ceilingKey(start);
        while (attempts-- > 0 && count > 0 && id != null) {
            StreamGroup.Pending p = g.pending.get(id);
            StreamValue.Entry entry = s.entry(id);
            if (entry == null) {
                StreamGroupRead.propagateClaim(c, key, g, p);
                s.ack(g, id);
                deleted.add(id);
                count--;
            } else if (minIdle == 0 || now - p.deliveryTime >= minIdle) {
                if (consumer == null) {
                    consumer = g.consumer(c.arg(3));
                    if (consumer == null) {
                        consumer = s.createConsumer(g, c.arg(3), now);
                        c.keyspaceEvent(ServerConfig.NOTIFY_STREAM, "xgroup-createconsumer", key);
                    }
                }
                s.claim(g, id, consumer, false, now);
                p.deliveryTime = now;
                if (!justId) {
                    p.deliveryCount++;
                }
                claimed.add(id);
                entries.add(entry);
                count--;
                StreamGroupRead.propagateClaim(c, key, g, p);
            }
            id = g.pending.higherKey(id);
        }
        c.db().modified(key);
        Reply r = c.reply();
        r.array(3);
        r.bulk((id == null ? StreamId.MIN : id).toBytes());
        replyClaimed(r, s, claimed, entries, justId);
        r.array(deleted.size());
        for (StreamId d : deleted) {
            r.bulk(d.toBytes());
        }
    }

    private static void replyClaimed(Reply r, StreamValue s, List<StreamId> claimed, List<StreamValue.Entry> entries, boolean justId) {
        r.array(claimed.size());
        for (int i = 0; i < claimed.size(); i++) {
            if (justId) {
                r.bulk(claimed.get(i).toBytes());
            } else {
                StreamValue.Entry e = entries.get(i);
                r.array(2);
                r.bulk(e.id().toBytes());
                r.array(2 * s.fieldCount(e));
                s.forEachElement(e, r::bulk);
            }
        }
    }
}
