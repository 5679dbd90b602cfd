package kv.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import kv.config.ServerConfig;
import kv.engine.Call;
import kv.protocol.Reply;
import kv.store.StreamGroup;
import kv.store.StreamId;
import kv.store.StreamValue;
import kv.store.ValueType;
import kv.util.Numbers;

/**
 * XREADGROUP on one stream: new entries ({@code >}) move the group's last ID and go to the
 * consumer's pending list (unless NOACK); any other ID re-reads the consumer's own pending
 * entries after it. Propagates what Redis 7.0 puts in its AOF (checked there): an XCLAIM ...
 * FORCE JUSTID LASTID per new pending entry; for NOACK reads XGROUP SETID with ENTRIESREAD
 * (after XGROUP CREATECONSUMER when the read created the consumer); history reads nothing.
 */
final class StreamGroupRead {
    private static final byte[] XCLAIM = b("XCLAIM");
    private static final byte[] XGROUP = b("XGROUP");
    private static final byte[] SETID = b("SETID");
    private static final byte[] CREATECONSUMER = b("CREATECONSUMER");
    private static final byte[] ENTRIESREAD = b("ENTRIESREAD");
    private static final byte[] ZERO = b("0");
    private static final byte[] TIME = b("TIME");
    private static final byte[] RETRYCOUNT = b("RETRYCOUNT");
    private static final byte[] FORCE = b("FORCE");
    private static final byte[] JUSTID = b("JUSTID");
    private static final byte[] LASTID = b("LASTID");

    private StreamGroupRead() {
    }

    private static byte[] b(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Serves the consumer from {@code s}, or returns null when there is nothing to serve (new
     * entries asked for and none there). The returned action writes the entries' reply.
     */
    static Runnable serve(Call c, byte[] key, StreamValue peek, byte[] groupName, byte[] consumerName,
            StreamId after, long count, boolean noAck) {
        StreamGroup peekGroup = peek.group(groupName);
        boolean fresh = after.isMax();
        if (fresh) {
            StreamId lastLive = peek.lastLiveId();
            if (lastLive == null || lastLive.compareTo(peekGroup.lastId) <= 0) {
                return null;
            }
        }
        StreamValue s = c.db().modify(key, ValueType.STREAM);
        StreamGroup g = s.group(groupName);
        long now = c.now();
        StreamGroup.Consumer consumer = g.consumer(consumerName);
        boolean created = consumer == null;
        if (created) {
            consumer = s.createConsumer(g, consumerName, now);
            c.keyspaceEvent(ServerConfig.NOTIFY_STREAM, "xgroup-createconsumer", key);
        }
        consumer.seenTime = now;
        // only deliveries of new entries reach the AOF and replicas (added below), as in Redis 7.0
        c.propagateNothing();
        Runnable reply;
        if (fresh) {
            List<StreamValue.Entry> entries = s.range(g.lastId.next(), StreamId.MAX, false, count);
            for (StreamValue.Entry e : entries) {
                s.advanceGroup(g, e.id());
                if (!noAck) {
                    StreamGroup.Pending p = s.deliver(g, e.id(), consumer, now);
                    propagateClaim(c, key, g, p);
                }
            }
            if (noAck && !entries.isEmpty()) {
                if (created) {
                    c.propagate(XGROUP, CREATECONSUMER, key, groupName, consumerName);
                }
                propagateGroupId(c, key, g);
            }
            reply = () -> StreamCommands.replyEntries(c.reply(), s, entries);
        } else {
            List<StreamId> ids = new ArrayList<>();
            List<StreamValue.Entry> found = new ArrayList<>();
            StreamId from = after.next();
            if (from != null) {
                for (Map.Entry<StreamId, StreamGroup.Pending> pe : consumer.pending.tailMap(from, true).entrySet()) {
                    if (count > 0 && ids.size() >= count) {
                        break;
                    }
                    StreamValue.Entry e = s.entry(pe.getKey());
                    ids.add(pe.getKey());
                    found.add(e);
                    if (e != null) {
                        pe.getValue().deliveryTime = now;
                        pe.getValue().deliveryCount++;
                    }
                }
            }
            reply = () -> history(c.reply(), s, ids, found);
        }
        c.db().modified(key);
        return reply;
    }

    /** XCLAIM ... FORCE JUSTID LASTID: how Redis replicates the state of one pending entry. */
    static void propagateClaim(Call c, byte[] key, StreamGroup g, StreamGroup.Pending p) {
        c.propagate(XCLAIM, key, g.name, p.owner.name, ZERO, p.id.toBytes(), TIME, Numbers.toBytes(p.deliveryTime),
                RETRYCOUNT, Numbers.toBytes(p.deliveryCount), FORCE, JUSTID, LASTID, g.lastId.toBytes());
    }

    /** XGROUP SETID ... ENTRIESREAD: how Redis replicates a group's position. */
    static void propagateGroupId(Call c, byte[] key, StreamGroup g) {
        c.propagate(XGROUP, SETID, key, g.name, g.lastId.toBytes(), ENTRIESREAD, Numbers.toBytes(g.entriesRead));
    }

    /** A consumer's pending entries; one deleted since delivery shows as [id, nil]. */
    private static void history(Reply r, StreamValue s, List<StreamId> ids, List<StreamValue.Entry> found) {
        r.array(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            StreamValue.Entry e = found.get(i);
            r.array(2);
            r.bulk(ids.get(i).toBytes());
            if (e == null) {
                r.nullArray();
            } else {
                r.array(2 * s.fieldCount(e));
                s.forEachElement(e, r::bulk);
            }
        }
    }
}
