package kv.command;

import java.util.ArrayList;
import java.util.List;

import kv.engine.Call;
import kv.engine.CommandError;
import kv.engine.Errors;
import kv.protocol.Reply;
import kv.store.StreamId;
import kv.store.StreamValue;
import kv.store.ValueType;
import kv.util.ClientText;
import kv.util.Numbers;

/**
 * XREAD [COUNT n] [BLOCK ms] STREAMS key... id...: entries after the given IDs; with BLOCK and
 * nothing to serve, waits on the keys through the engine's blocking machinery. A blocked XREAD is
 * run again when a key changes, so {@code $} is rewritten in its argv to the ID it meant when it
 * blocked (as Redis 7.2 does): a re-run must not move it to the newest entry.
 */
final class StreamReadCommand {
    private StreamReadCommand() {
    }

    static void xread(Call c) {
        read(c, false);
    }

    static void xreadgroup(Call c) {
        read(c, true);
    }

    /** Marks {@code >} among the parsed IDs: new entries for the group. */
    private static final StreamId NEW_FOR_GROUP = StreamId.MAX;

    private static void read(Call c, boolean grouped) {
        long count = 0;
        long timeoutMs = -1;
        int streamsAt = 0;
        byte[] groupName = null;
        byte[] consumerName = null;
        boolean noAck = false;
        for (int i = 1; i < c.argc(); i++) {
            int more = c.argc() - i - 1;
            if (c.is(i, "BLOCK") && more > 0) {
                timeoutMs = timeout(c.arg(++i));
            } else if (c.is(i, "COUNT") && more > 0) {
                count = Math.max(0, c.longArg(++i));
            } else if (c.is(i, "STREAMS") && more > 0) {
                streamsAt = i + 1;
                if ((c.argc() - streamsAt) % 2 != 0) {
                    // redis-server 7.0.15 says XREAD and '$' for XREADGROUP too
                    throw c.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
                }
                break;
            } else if (c.is(i, "GROUP") && more >= 2) {
                if (!grouped) {
                    throw c.error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                }
                groupName = c.arg(i + 1);
                consumerName = c.arg(i + 2);
                i += 2;
            } else if (c.is(i, "NOACK")) {
                if (!grouped) {
                    throw c.error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                }
                noAck = true;
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        if (streamsAt == 0) {
            throw c.error(Errors.SYNTAX);
        }
        if (grouped && groupName == null) {
            throw c.error("ERR Missing GROUP option for XREADGROUP");
        }
        int n = (c.argc() - streamsAt) / 2;
        StreamId[] after = new StreamId[n];
        boolean[] dollar = new boolean[n];
        for (int k = 0; k < n; k++) {
            byte[] idArg = c.arg(streamsAt + n + k);
            byte[] key = c.arg(streamsAt + k);
            // a read of its own, as Redis' (a missing key counts and notifies keymiss here and when served)
            StreamValue s = c.db().read(key, ValueType.STREAM);
            if (grouped && (s == null || s.group(groupName) == null)) {
                throw c.error("NOGROUP No such key '" + ClientText.of(key) + "' or consumer group '"
                        + ClientText.of(groupName) + "' in XREADGROUP with GROUP option");
            }
            if (idArg.length == 1 && idArg[0] == '$') {
                if (grouped) {
                    throw c.error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of"
                            + " this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would"
                            + " just return an empty result set.");
                }
                after[k] = s == null ? StreamId.MIN : s.lastId();
                dollar[k] = true;
            } else if (idArg.length == 1 && idArg[0] == '>') {
                if (!grouped) {
                    throw c.error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
                }
                after[k] = NEW_FOR_GROUP;
            } else {
                after[k] = StreamIds.strict(idArg);
            }
        }
        List<Integer> served = new ArrayList<>();
        List<Runnable> replies = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            byte[] key = c.arg(streamsAt + k);
            StreamValue s = c.db().read(key, ValueType.STREAM);
            if (s == null) {
                continue;
            }
            if (grouped) {
                Runnable r = StreamGroupRead.serve(c, key, s, groupName, consumerName, after[k], count, noAck);
                if (r != null) {
                    served.add(k);
                    replies.add(r);
                }
                continue;
            }
            if (s.length() == 0) {
                continue;
            }
            StreamId lastLive = s.lastLiveId();
            if (lastLive == null || lastLive.compareTo(after[k]) <= 0) {
                continue;
            }
            served.add(k);
            List<StreamValue.Entry> entries = s.range(after[k].next(), StreamId.MAX, false, count);
            replies.add(() -> StreamCommands.replyEntries(c.reply(), s, entries));
        }
        if (!served.isEmpty()) {
            reply(c, streamsAt, served, replies);
            return;
        }
        if (timeoutMs < 0 || !c.mayBlock()) {
            c.reply().nullArray();
            return;
        }
        byte[][] keys = new byte[n][];
        for (int k = 0; k < n; k++) {
            keys[k] = c.arg(streamsAt + k);
            if (dollar[k]) {
                c.args()[streamsAt + n + k] = after[k].toBytes();
            }
        }
        long deadline = timeoutMs == 0 ? 0 : System.currentTimeMillis() + timeoutMs;
        if (grouped) {
            c.blockUntilChangedOrDeleted(ValueType.STREAM, deadline, keys);
        } else {
            c.block(ValueType.STREAM, deadline, keys);
        }
    }

    private static void reply(Call c, int streamsAt, List<Integer> served, List<Runnable> replies) {
        Reply r = c.reply();
        boolean resp3 = c.client().protocol() >= 3;
        if (resp3) {
            r.map(served.size());
        } else {
            r.array(served.size());
        }
        for (int j = 0; j < served.size(); j++) {
            if (!resp3) {
                r.array(2);
            }
            r.bulk(c.arg(streamsAt + served.get(j)));
            replies.get(j).run();
        }
    }

    /** BLOCK's argument: whole milliseconds, Redis' errors otherwise. */
    private static long timeout(byte[] arg) {
        if (!Numbers.isLong(arg)) {
            throw new CommandError("ERR timeout is not an integer or out of range");
        }
        long ms = Numbers.parseLong(arg);
        if (ms < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        if (ms > 0 && ms > Long.MAX_VALUE - System.currentTimeMillis()) {
            throw new CommandError("ERR timeout is out of range");
        }
        return ms;
    }
}
