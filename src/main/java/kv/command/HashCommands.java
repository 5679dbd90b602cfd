package kv.command;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import kv.config.ServerConfig;
import kv.engine.Call;
import kv.engine.CommandError;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.HashFieldExpiry;
import kv.engine.Propagation;
import kv.protocol.Reply;
import kv.store.Db;
import kv.store.HashValue;
import kv.store.ValueType;
import kv.util.Glob;
import kv.util.LongDouble;
import kv.util.Numbers;

/**
 * The hash family of Redis 7.2 (t_hash.c): HSET and friends, the counters, HRANDFIELD and HSCAN.
 * Every access first removes fields whose TTL has passed (see {@link HashExpireCommands} for the
 * field-expiration commands), so the handlers below see hashes without expired fields.
 */
final class HashCommands {
    private HashCommands() {
    }

    static void register(CommandTable t) {
        t.register("hset", c -> hset(c, false));
        t.register("hmset", c -> hset(c, true));
        t.register("hsetnx", HashCommands::hsetnx);
        t.register("hget", HashCommands::hget);
        t.register("hmget", HashCommands::hmget);
        t.register("hdel", HashCommands::hdel);
        t.register("hlen", HashCommands::hlen);
        t.register("hstrlen", HashCommands::hstrlen);
        t.register("hexists", HashCommands::hexists);
        t.register("hkeys", c -> hgetall(c, true, false));
        t.register("hvals", c -> hgetall(c, false, true));
        t.register("hgetall", c -> hgetall(c, true, true));
        t.register("hincrby", HashCommands::hincrby);
        t.register("hincrbyfloat", HashCommands::hincrbyfloat);
        t.register("hrandfield", HashCommands::hrandfield);
        t.register("hscan", HashCommands::hscan);
        HashExpireCommands.register(t);
    }

    /** The hash at {@code key} for reading (due fields removed first), null if absent. */
    static HashValue read(Call c, byte[] key) {
        HashValue h = c.db().read(key, ValueType.HASH);
        return HashFieldExpiry.expireDue(c.server(), c.db(), key, h, Integer.MAX_VALUE);
    }

    /**
     * The hash at {@code key} to change, null if absent; due fields are removed in the same
     * change. The caller must end with {@link Db#modified} if the result is not null.
     */
    static HashValue modify(Call c, byte[] key) {
        HashValue h = c.db().modify(key, ValueType.HASH);
        if (h != null) {
            HashFieldExpiry.expireInPlace(c.server(), c.db(), key, h);
        }
        return h;
    }

    /** Stores a hash built by a command: a new key, or the settling of {@link #modify}. */
    static void store(Call c, byte[] key, HashValue h, boolean created) {
        if (created) {
            if (!h.isEmpty()) {
                c.db().put(key, h);
            }
        } else {
            c.db().modified(key);
        }
    }

    static long maxEntries(Call c) {
        return c.server().config().hashMaxListpackEntries();
    }

    static long maxValue(Call c) {
        return c.server().config().hashMaxListpackValue();
    }

    private static void hset(Call c, boolean legacyReply) {
        if (c.argc() % 2 == 1) {
            throw c.error(Errors.wrongArity(c.spec().fullName()));
        }
        byte[] key = c.arg(1);
        HashValue h = modify(c, key);
        boolean created = h == null;
        if (created) {
            h = new HashValue();
        }
        ServerConfig config = c.server().config();
        long maxEntries = config.hashMaxListpackEntries();
        long maxValue = config.hashMaxListpackValue();
        h.prepareFor(c.args(), 2, c.argc() - 1, maxValue);
        int added = 0;
        for (int i = 2; i < c.argc(); i += 2) {
            if (h.set(c.arg(i), c.arg(i + 1), maxEntries, maxValue)) {
                added++;
            }
        }
        store(c, key, h, created);
        if (legacyReply) {
            c.reply().ok();
        } else {
            c.reply().integer(added);
        }
    }

    private static void hsetnx(Call c) {
        byte[] key = c.arg(1);
        HashValue h = modify(c, key);
        boolean created = h == null;
        if (created) {
            h = new HashValue();
        } else if (h.contains(c.arg(2))) {
            c.db().unmodified(key);
            c.reply().integer(0);
            return;
        }
        h.prepareFor(c.args(), 2, 3, maxValue(c));
        h.set(c.arg(2), c.arg(3), maxEntries(c), maxValue(c));
        store(c, key, h, created);
        c.reply().integer(1);
    }

    private static void hget(Call c) {
        HashValue h = read(c, c.arg(1));
        byte[] v = h == null ? null : h.get(c.arg(2));
        if (v == null) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(v);
        }
    }

    private static void hmget(Call c) {
        HashValue h = read(c, c.arg(1));
        c.reply().array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            byte[] v = h == null ? null : h.get(c.arg(i));
            if (v == null) {
                c.reply().nullBulk();
            } else {
                c.reply().bulk(v);
            }
        }
    }

    private static void hdel(Call c) {
        byte[] key = c.arg(1);
        HashValue h = modify(c, key);
        if (h == null) {
            c.reply().integer(0);
            return;
        }
        int deleted = 0;
        for (int i = 2; i < c.argc() && !h.isEmpty(); i++) {
            if (h.delete(c.arg(i))) {
                deleted++;
            }
        }
        c.db().modified(key);
        c.reply().integer(deleted);
    }

    private static void hlen(Call c) {
        HashValue h = read(c, c.arg(1));
        c.reply().integer(h == null ? 0 : h.size());
    }

    private static void hstrlen(Call c) {
        HashValue h = read(c, c.arg(1));
        c.reply().integer(h == null ? 0 : h.valueLength(c.arg(2)));
    }

    private static void hexists(Call c) {
        HashValue h = read(c, c.arg(1));
        c.reply().integer(h != null && h.contains(c.arg(2)) ? 1 : 0);
    }

    /** HKEYS, HVALS, HGETALL (a map in RESP3). */
    private static void hgetall(Call c, boolean fields, boolean values) {
        HashValue h = read(c, c.arg(1));
        Reply r = c.reply();
        int n = h == null ? 0 : h.size();
        if (fields && values) {
            r.map(n);
        } else {
            r.array(n);
        }
        if (h != null) {
            h.forEach((f, fo, fl, v, vo, vl) -> {
                if (fields) {
                    r.bulk(f, fo, fl);
                }
                if (values) {
                    r.bulk(v, vo, vl);
                }
            });
        }
    }

    private static void hincrby(Call c) {
        long increment = c.longArg(3);
        byte[] key = c.arg(1);
        byte[] field = c.arg(2);
        HashValue h = modify(c, key);
        boolean created = h == null;
        if (created) {
            h = new HashValue();
        }
        byte[] old = h.get(field);
        long value = 0;
        if (old != null) {
            if (!Numbers.isLong(old)) {
                settleUnchanged(c, key, created);
                throw c.error("ERR hash value is not an integer");
            }
            value = Numbers.parseLong(old);
        }
        long result = value + increment;
        if (((value ^ result) & (increment ^ result)) < 0) {
            settleUnchanged(c, key, created);
            throw c.error(Errors.OVERFLOW);
        }
        h.setKeepTtl(field, Numbers.toBytes(result), maxEntries(c), maxValue(c));
        store(c, key, h, created);
        c.reply().integer(result);
    }

    /** Ends a {@link #modify} that changed nothing. */
    private static void settleUnchanged(Call c, byte[] key, boolean created) {
        if (!created) {
            c.db().unmodified(key);
        }
    }

    private static void hincrbyfloat(Call c) {
        LongDouble increment = LongDouble.parse(c.arg(3));
        if (increment == null) {
            throw c.error(Errors.NOT_FLOAT);
        }
        if (!increment.isFinite()) {
            throw c.error("ERR value is NaN or Infinity");
        }
        byte[] key = c.arg(1);
        byte[] field = c.arg(2);
        HashValue h = modify(c, key);
        boolean created = h == null;
        if (created) {
            h = new HashValue();
        }
        byte[] old = h.get(field);
        LongDouble value = LongDouble.of(0);
        if (old != null) {
            value = LongDouble.parse(old);
            if (value == null) {
                settleUnchanged(c, key, created);
                throw c.error("ERR hash value is not a float");
            }
        }
        LongDouble result = value.add(increment);
        if (!result.isFinite()) {
            settleUnchanged(c, key, created);
            throw c.error("ERR increment would produce NaN or Infinity");
        }
        byte[] printed = result.toHumanBytes();
        h.setKeepTtl(field, printed, maxEntries(c), maxValue(c));
        store(c, key, h, created);
        // the printed result, not the increment: replicas and the AOF must not redo the arithmetic
        c.propagate(Propagation.hset(key, field, printed));
        c.reply().bulk(printed);
    }

    private static void hrandfield(Call c) {
        if (c.argc() == 2) {
            HashValue h = read(c, c.arg(1));
            if (h == null) {
                c.reply().nullBulk();
            } else {
                c.reply().bulk(h.randomPair(ThreadLocalRandom.current())[0]);
            }
            return;
        }
        long count = c.longArg(2);
        if (count < -Long.MAX_VALUE) {
            throw c.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        boolean withValues = false;
        if (c.argc() > 4 || (c.argc() == 4 && !c.is(3, "withvalues"))) {
            throw c.error(Errors.SYNTAX);
        } else if (c.argc() == 4) {
            withValues = true;
            if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
                throw c.error("ERR value is out of range");
            }
        }
        HashValue h = read(c, c.arg(1));
        if (h == null || count == 0) {
            c.reply().array(0);
            return;
        }
        HashRandom.reply(c.reply(), h, count, withValues, ThreadLocalRandom.current());
    }

    private static void hscan(Call c) {
        long cursor = ScanCommand.parseCursor(c, c.arg(2));
        HashValue h = read(c, c.arg(1));
        ScanOptions options = ScanOptions.parse(c, 3, false);
        long count = options.count();
        byte[] pattern = options.pattern();
        List<byte[]> items = new ArrayList<>();
        if (h != null) {
            cursor = h.scan(cursor, count, items);
        } else {
            cursor = 0;
        }
        List<byte[]> out = items;
        if (pattern != null) {
            out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i += 2) {
                if (Glob.match(pattern, items.get(i), false)) {
                    out.add(items.get(i));
                    out.add(items.get(i + 1));
                }
            }
        }
        c.reply().array(2);
        c.reply().bulkText(Long.toUnsignedString(cursor));
        c.reply().array(out.size());
        for (byte[] b : out) {
            c.reply().bulk(b);
        }
    }

    /** HRANDFIELD with a count, following Redis' cases (t_hash.c hrandfieldWithCountCommand). */
    static final class HashRandom {
        private HashRandom() {
        }

        static void reply(Reply r, HashValue h, long count, boolean withValues, ThreadLocalRandom random) {
            int size = h.size();
            boolean resp3Pairs = withValues && r.protocol() == 3;
            if (count < 0) {
                // repeats allowed: each pick is independent
                long n = -count;
                if (n > Integer.MAX_VALUE / 2) {
                    // Redis would try to send billions of elements; KV refuses instead of hanging
                    throw new CommandError("ERR value is out of range");
                }
                r.array((int) (withValues && !resp3Pairs ? n * 2 : n));
                byte[][][] all = h.isPacked() ? h.toArrays() : null;
                for (long i = 0; i < n; i++) {
                    byte[] f;
                    byte[] v;
                    if (all != null) {
                        int k = random.nextInt(size);
                        f = all[0][k];
                        v = all[1][k];
                    } else {
                        byte[][] p = h.randomPair(random);
                        f = p[0];
                        v = p[1];
                    }
                    pair(r, f, v, withValues, resp3Pairs);
                }
                return;
            }
            if (count >= size) {
                // the whole hash, in its order
                r.array(withValues && !resp3Pairs ? size * 2 : size);
                h.forEach((f, fo, fl, v, vo, vl) -> {
                    if (resp3Pairs) {
                        r.array(2);
                    }
                    r.bulk(f, fo, fl);
                    if (withValues) {
                        r.bulk(v, vo, vl);
                    }
                });
                return;
            }
            int n = (int) count;
            r.array(withValues && !resp3Pairs ? n * 2 : n);
            if (h.isPacked() || count * 3 > size) {
                // partial Fisher-Yates over all pairs: n distinct picks
                byte[][][] all = h.toArrays();
                byte[][] fs = all[0];
                byte[][] vs = all[1];
                for (int i = 0; i < n; i++) {
                    int k = i + random.nextInt(size - i);
                    byte[] tf = fs[k];
                    fs[k] = fs[i];
                    fs[i] = tf;
                    byte[] tv = vs[k];
                    vs[k] = vs[i];
                    vs[i] = tv;
                    pair(r, fs[i], vs[i], withValues, resp3Pairs);
                }
                return;
            }
            // few picks from a big table: random slots until enough distinct fields (compared by
            // content: a big table hands out copies of its fields, not the stored arrays)
            Set<ByteBuffer> picked = new HashSet<>();
            while (picked.size() < n) {
                byte[][] p = h.randomPair(random);
                if (picked.add(ByteBuffer.wrap(p[0]))) {
                    pair(r, p[0], p[1], withValues, resp3Pairs);
                }
            }
        }

        private static void pair(Reply r, byte[] f, byte[] v, boolean withValues, boolean resp3Pairs) {
            if (resp3Pairs) {
                r.array(2);
            }
            r.bulk(f);
            if (withValues) {
                r.bulk(v);
            }
        }
    }
}
