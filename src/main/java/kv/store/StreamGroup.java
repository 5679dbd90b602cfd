package kv.store;

import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/**
 * A consumer group: its last delivered ID, its entries-read counter (-1 when unknown), the
 * pending entries list (delivered, not yet acknowledged) and its consumers. Consumers are kept
 * in name order (byte order: ISO-8859-1 strings compare like the bytes), as Redis lists them.
 */
public final class StreamGroup {
    /** Rough heap cost of one pending entry (in the group's and the consumer's maps) and of one consumer. */
    static final long PENDING_BYTES = 2 * 40 + 40 + 32;
    static final long CONSUMER_BYTES = 40 + 48 + 40 + 48;

    /** A delivered, unacknowledged entry. */
    public static final class Pending {
        public final StreamId id;
        public Consumer owner;
        public long deliveryTime;
        public long deliveryCount;

        Pending(StreamId id, Consumer owner, long deliveryTime) {
            this.id = id;
            this.owner = owner;
            this.deliveryTime = deliveryTime;
            this.deliveryCount = 1;
        }
    }

    /** A consumer and its own pending entries. */
    public static final class Consumer {
        public final byte[] name;
        public long seenTime;
        /** When it last got entries (new deliveries or claims), -1 before that (Redis 7.2's active-time). */
        public long activeTime = -1;
        public final TreeMap<StreamId, Pending> pending = new TreeMap<>();

        Consumer(byte[] name, long now) {
            this.name = name;
            this.seenTime = now;
        }
    }

    public final byte[] name;
    public StreamId lastId;
    public long entriesRead;
    public final TreeMap<StreamId, Pending> pending = new TreeMap<>();
    public final TreeMap<String, Consumer> consumers = new TreeMap<>();

    StreamGroup(byte[] name, StreamId lastId, long entriesRead) {
        this.name = name;
        this.lastId = lastId;
        this.entriesRead = entriesRead;
    }

    static String key(byte[] name) {
        return new String(name, StandardCharsets.ISO_8859_1);
    }

    long heapBytes() {
        return 96 + Memory.arrayBytes(name.length) + pending.size() * PENDING_BYTES + consumers.size() * CONSUMER_BYTES;
    }

    public Consumer consumer(byte[] name) {
        return consumers.get(key(name));
    }

    /** The consumer named {@code name}, created if absent; null-safe check via {@link #consumer}. */
    Consumer createConsumer(byte[] name, long now) {
        Consumer c = new Consumer(name.clone(), now);
        consumers.put(key(name), c);
        return c;
    }

    /** Removes the consumer and its pending entries; returns how many were pending. */
    int deleteConsumer(Consumer c) {
        for (StreamId id : c.pending.keySet()) {
            pending.remove(id);
        }
        consumers.remove(key(c.name));
        return c.pending.size();
    }

    /** Records a delivery of {@code id} to {@code c}, taking the entry from another consumer if pending there. */
    Pending deliver(StreamId id, Consumer c, long now) {
        Pending p = pending.get(id);
        if (p == null) {
            p = new Pending(id, c, now);
            pending.put(id, p);
        } else {
            p.owner.pending.remove(id);
            p.owner = c;
            p.deliveryTime = now;
            p.deliveryCount = 1;
        }
        c.pending.put(id, p);
        c.activeTime = now;
        return p;
    }

    /**
     * Gives pending entry {@code id} to {@code c} (XCLAIM), creating the pending record when
     * {@code create} (FORCE): a new record starts at one delivery, as in Redis.
     */
    Pending claim(StreamId id, Consumer c, boolean create, long now) {
        Pending p = pending.get(id);
        if (p == null) {
            if (!create) {
                return null;
            }
            p = new Pending(id, c, now);
            pending.put(id, p);
        } else if (p.owner != c) {
            p.owner.pending.remove(id);
            p.owner = c;
        }
        c.pending.put(id, p);
        c.activeTime = now;
        return p;
    }

    /** Acknowledges {@code id}; false if it was not pending. */
    boolean ack(StreamId id) {
        Pending p = pending.remove(id);
        if (p == null) {
            return false;
        }
        p.owner.pending.remove(id);
        return true;
    }

    StreamGroup copy() {
        StreamGroup g = new StreamGroup(name, lastId, entriesRead);
        for (Consumer c : consumers.values()) {
            Consumer d = g.createConsumer(c.name, c.seenTime);
            d.activeTime = c.activeTime;
            for (Pending p : c.pending.values()) {
                Pending q = new Pending(p.id, d, p.deliveryTime);
                q.deliveryCount = p.deliveryCount;
                d.pending.put(p.id, q);
                g.pending.put(p.id, q);
            }
        }
        return g;
    }
}
