package kv.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import kv.protocol.Reply;
import kv.protocol.RespEncoder;
import kv.protocol.RespWriter;
import kv.util.Glob;

/**
 * Channels, patterns and shard channels, and who listens to them. PUBLISH hands each message to
 * the receivers' transports ({@link Client.Transport#push}), which queue it after what they
 * already owe the client and flush once per event-loop turn, so a publish costs no syscall per
 * subscriber. Owned by the data thread.
 */
public final class PubSub {
    /** What a client listens to; created on its first subscription. */
    static final class Subscriptions {
        final Set<ByteBuffer> channels = new LinkedHashSet<>();
        final Set<ByteBuffer> patterns = new LinkedHashSet<>();
        final Set<ByteBuffer> shardChannels = new LinkedHashSet<>();

        int count() {
            return channels.size() + patterns.size();
        }
    }

    /** The three namespaces: plain channels, patterns, shard channels. */
    public enum Kind {
        CHANNEL("subscribe", "unsubscribe"),
        PATTERN("psubscribe", "punsubscribe"),
        SHARD("ssubscribe", "sunsubscribe");

        final String subscribed;
        final String unsubscribed;

        Kind(String subscribed, String unsubscribed) {
            this.subscribed = subscribed;
            this.unsubscribed = unsubscribed;
        }
    }

    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SMESSAGE = "smessage".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PMESSAGE = "pmessage".getBytes(StandardCharsets.US_ASCII);

    private final Map<ByteBuffer, Set<Client>> channels = new LinkedHashMap<>();
    private final Map<ByteBuffer, Set<Client>> patterns = new LinkedHashMap<>();
    private final Map<ByteBuffer, Set<Client>> shardChannels = new LinkedHashMap<>();
    private final Map<Client, Subscriptions> byClient = new HashMap<>();
    /** Run on a receiver after a message was queued for it (the output buffer limits). */
    private final Predicate<Client> afterPush;

    PubSub(Predicate<Client> afterPush) {
        this.afterPush = afterPush;
    }

    private Map<ByteBuffer, Set<Client>> registry(Kind kind) {
        return switch (kind) {
            case CHANNEL -> channels;
            case PATTERN -> patterns;
            case SHARD -> shardChannels;
        };
    }

    private static Set<ByteBuffer> mine(Subscriptions s, Kind kind) {
        return switch (kind) {
            case CHANNEL -> s.channels;
            case PATTERN -> s.patterns;
            case SHARD -> s.shardChannels;
        };
    }

    /** SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE one name; replies the confirmation. */
    public void subscribe(Client client, Kind kind, byte[] name, Reply reply) {
        Subscriptions s = byClient.computeIfAbsent(client, c -> new Subscriptions());
        ByteBuffer key = ByteBuffer.wrap(name.clone());
        if (mine(s, kind).add(key)) {
            registry(kind).computeIfAbsent(key, k -> new LinkedHashSet<>()).add(client);
        }
        confirm(reply, kind.subscribed, name, countFor(s, kind));
    }

    /**
     * UNSUBSCRIBE / PUNSUBSCRIBE / SUNSUBSCRIBE: the given names, or all of the kind when none is
     * given (a client with none gets one confirmation with a null name, as in Redis).
     */
    public void unsubscribe(Client client, Kind kind, List<byte[]> names, Reply reply) {
        Subscriptions s = byClient.get(client);
        List<byte[]> targets = names;
        if (targets.isEmpty()) {
            targets = new ArrayList<>();
            if (s != null) {
                for (ByteBuffer b : mine(s, kind)) {
                    targets.add(b.array());
                }
            }
            if (targets.isEmpty()) {
                confirm(reply, kind.unsubscribed, null, s == null ? 0 : countFor(s, kind));
                return;
            }
        }
        for (byte[] name : targets) {
            ByteBuffer key = ByteBuffer.wrap(name);
            if (s != null && mine(s, kind).remove(key)) {
                Set<Client> listeners = registry(kind).get(key);
                if (listeners != null) {
                    listeners.remove(client);
                    if (listeners.isEmpty()) {
                        registry(kind).remove(key);
                    }
                }
            }
            confirm(reply, kind.unsubscribed, name, s == null ? 0 : countFor(s, kind));
        }
        if (s != null && s.count() == 0 && s.shardChannels.isEmpty()) {
            byClient.remove(client);
        }
    }

    /** Shard subscriptions count on their own; channels and patterns count together, as in Redis. */
    private static int countFor(Subscriptions s, Kind kind) {
        return kind == Kind.SHARD ? s.shardChannels.size() : s.count();
    }

    private static void confirm(Reply reply, String what, byte[] name, int count) {
        if (reply.protocol() == 3) {
            reply.push(3);
        } else {
            reply.array(3);
        }
        reply.bulkText(what);
        if (name == null) {
            reply.nullBulk();
        } else {
            reply.bulk(name);
        }
        reply.integer(count);
    }

    /** A client that goes away (or RESETs) leaves everything it listened to. */
    public void forget(Client client) {
        Subscriptions s = byClient.remove(client);
        if (s == null) {
            return;
        }
        for (Kind kind : Kind.values()) {
            for (ByteBuffer key : mine(s, kind)) {
                Set<Client> listeners = registry(kind).get(key);
                if (listeners != null) {
                    listeners.remove(client);
                    if (listeners.isEmpty()) {
                        registry(kind).remove(key);
                    }
                }
            }
        }
    }

    /** PUBLISH (or SPUBLISH with {@code shard}): delivers the message; returns how many received it. */
    public int publish(byte[] channel, byte[] message, boolean shard) {
        int receivers = 0;
        ByteBuffer key = ByteBuffer.wrap(channel);
        Set<Client> direct = (shard ? shardChannels : channels).get(key);
        if (direct != null) {
            Message m = new Message(shard ? SMESSAGE : MESSAGE, null, channel, message);
            for (Client c : direct) {
                receivers++;
                // a client closing for its output limit still counts, as in Redis, but gets nothing more
                if (!c.closeScheduled()) {
                    c.push(m);
                    afterPush.test(c);
                }
            }
        }
        if (!shard && !patterns.isEmpty()) {
            for (Map.Entry<ByteBuffer, Set<Client>> e : patterns.entrySet()) {
                byte[] pattern = e.getKey().array();
                if (!Glob.match(pattern, channel, false)) {
                    continue;
                }
                Message m = new Message(PMESSAGE, pattern, channel, message);
                for (Client c : e.getValue()) {
                    receivers++;
                    if (!c.closeScheduled()) {
                        c.push(m);
                        afterPush.test(c);
                    }
                }
            }
        }
        return receivers;
    }

    /**
     * One published message for all its receivers: a socket's writer gets it as bytes encoded once
     * per protocol version (a fan-out to many subscribers then costs one copy each, not one
     * rendering each); any other reply sink has it rendered.
     */
    private static final class Message implements Consumer<Reply> {
        private final byte[] kind;
        private final byte[] pattern;
        private final byte[] channel;
        private final byte[] message;
        private byte[] resp2;
        private byte[] resp3;

        Message(byte[] kind, byte[] pattern, byte[] channel, byte[] message) {
            this.kind = kind;
            this.pattern = pattern;
            this.channel = channel;
            this.message = message;
        }

        @Override
        public void accept(Reply r) {
            if (r instanceof RespWriter w) {
                w.encoded(encoded(w.protocol()));
            } else {
                message(r, kind, pattern, channel, message);
            }
        }

        private byte[] encoded(int protocol) {
            byte[] b = protocol == 3 ? resp3 : resp2;
            if (b == null) {
                RespEncoder e = new RespEncoder(32 + kind.length + channel.length + message.length + (pattern == null ? 0 : pattern.length));
                e.header(protocol == 3 ? '>' : '*', pattern == null ? 3 : 4);
                e.bulk(kind, 0, kind.length);
                if (pattern != null) {
                    e.bulk(pattern, 0, pattern.length);
                }
                e.bulk(channel, 0, channel.length);
                e.bulk(message, 0, message.length);
                b = e.toByteArray();
                if (protocol == 3) {
                    resp3 = b;
                } else {
                    resp2 = b;
                }
            }
            return b;
        }
    }

    private static void message(Reply r, byte[] kind, byte[] pattern, byte[] channel, byte[] message) {
        int n = pattern == null ? 3 : 4;
        if (r.protocol() == 3) {
            r.push(n);
        } else {
            r.array(n);
        }
        r.bulk(kind);
        if (pattern != null) {
            r.bulk(pattern);
        }
        r.bulk(channel);
        r.bulk(message);
    }

    /** True while {@code client} listens to anything (RESP2's subscribed mode). */
    public boolean subscribed(Client client) {
        // asked before every RESP2 command: with no subscriber at all, no hash lookup
        return !byClient.isEmpty() && byClient.containsKey(client);
    }

    public int channelsOf(Client client) {
        Subscriptions s = byClient.get(client);
        return s == null ? 0 : s.channels.size();
    }

    public int patternsOf(Client client) {
        Subscriptions s = byClient.get(client);
        return s == null ? 0 : s.patterns.size();
    }

    public int shardChannelsOf(Client client) {
        Subscriptions s = byClient.get(client);
        return s == null ? 0 : s.shardChannels.size();
    }

    /** PUBSUB CHANNELS / SHARDCHANNELS: active names matching {@code pattern} (null: all). */
    public List<byte[]> activeNames(boolean shard, byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        for (ByteBuffer b : (shard ? shardChannels : channels).keySet()) {
            if (pattern == null || Glob.match(pattern, b.array(), false)) {
                out.add(b.array());
            }
        }
        return out;
    }

    /** PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one channel. */
    public int subscribers(boolean shard, byte[] channel) {
        Set<Client> s = (shard ? shardChannels : channels).get(ByteBuffer.wrap(channel));
        return s == null ? 0 : s.size();
    }

    /** PUBSUB NUMPAT: patterns with at least one subscriber. */
    public int patternCount() {
        return patterns.size();
    }

    public int channelCount() {
        return channels.size();
    }

    public int shardChannelCount() {
        return shardChannels.size();
    }
}
