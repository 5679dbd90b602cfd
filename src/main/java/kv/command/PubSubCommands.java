package kv.command;

import java.util.ArrayList;
import java.util.List;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.PubSub;
import kv.protocol.Reply;

/**
 * SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH
 * and PUBSUB, as Redis 7: confirmations and messages are arrays in RESP2 and pushes in RESP3;
 * the dispatcher enforces RESP2's subscribed mode.
 */
final class PubSubCommands {
    private PubSubCommands() {
    }

    static void register(CommandTable t) {
        t.register("subscribe", c -> subscribe(c, PubSub.Kind.CHANNEL));
        t.register("psubscribe", c -> subscribe(c, PubSub.Kind.PATTERN));
        t.register("ssubscribe", c -> subscribe(c, PubSub.Kind.SHARD));
        t.register("unsubscribe", c -> unsubscribe(c, PubSub.Kind.CHANNEL));
        t.register("punsubscribe", c -> unsubscribe(c, PubSub.Kind.PATTERN));
        t.register("sunsubscribe", c -> unsubscribe(c, PubSub.Kind.SHARD));
        t.register("publish", c -> c.reply().integer(c.server().pubSub().publish(c.arg(1), c.arg(2), false)));
        t.register("spublish", c -> c.reply().integer(c.server().pubSub().publish(c.arg(1), c.arg(2), true)));
        t.register("pubsub|channels", c -> channels(c, false));
        t.register("pubsub|shardchannels", c -> channels(c, true));
        t.register("pubsub|numsub", c -> numsub(c, false));
        t.register("pubsub|shardnumsub", c -> numsub(c, true));
        t.register("pubsub|numpat", c -> c.reply().integer(c.server().pubSub().patternCount()));
        t.register("pubsub|help", PubSubCommands::help);
    }

    private static void subscribe(Call c, PubSub.Kind kind) {
        for (int i = 1; i < c.argc(); i++) {
            c.server().pubSub().subscribe(c.client(), kind, c.arg(i), c.reply());
        }
    }

    private static void unsubscribe(Call c, PubSub.Kind kind) {
        List<byte[]> names = new ArrayList<>();
        for (int i = 1; i < c.argc(); i++) {
            names.add(c.arg(i));
        }
        c.server().pubSub().unsubscribe(c.client(), kind, names, c.reply());
    }

    private static void channels(Call c, boolean shard) {
        if (c.argc() > 3) {
            throw Help.syntax(c);
        }
        List<byte[]> names = c.server().pubSub().activeNames(shard, c.argc() == 3 ? c.arg(2) : null);
        Reply r = c.reply();
        r.array(names.size());
        for (byte[] n : names) {
            r.bulk(n);
        }
    }

    private static void numsub(Call c, boolean shard) {
        Reply r = c.reply();
        r.array(2 * (c.argc() - 2)); // a flat array in RESP3 too, as Redis 7 sends it
        for (int i = 2; i < c.argc(); i++) {
            r.bulk(c.arg(i));
            r.integer(c.server().pubSub().subscribers(shard, c.arg(i)));
        }
    }

    private static void help(Call c) {
        Help.reply(c, "PUBSUB",
                "CHANNELS [<pattern>]",
                "    The active channels, optionally only those matching the pattern.",
                "NUMPAT",
                "    How many patterns have subscribers.",
                "NUMSUB [<channel> ...]",
                "    How many clients subscribe to each channel.",
                "SHARDCHANNELS [<pattern>]",
                "    The active shard channels, optionally only those matching the pattern.",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    How many clients subscribe to each shard channel.");
    }
}
