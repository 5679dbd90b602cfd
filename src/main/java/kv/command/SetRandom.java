package kv.command;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import kv.config.ServerConfig;
import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.Propagation;
import kv.store.Db;
import kv.store.SetValue;
import kv.store.ValueType;

/**
 * SRANDMEMBER and SPOP, with and without a count, as Redis 7.2: a positive SRANDMEMBER count asks
 * for distinct members, a negative one allows repeats; SPOP propagates the deletions it made
 * (SREM in batches, or DEL/UNLINK when the whole set goes), never its random choice.
 */
final class SetRandom {
    /** Members per propagated SREM, as Redis batches them. */
    private static final int SREM_BATCH = 1024;
    private static final byte[] SREM = {'S', 'R', 'E', 'M'};

    private SetRandom() {
    }

    static void register(CommandTable t) {
        t.register("srandmember", SetRandom::srandmember);
        t.register("spop", SetRandom::spop);
    }

    private static void srandmember(Call c) {
        if (c.argc() > 3) {
            throw c.error(Errors.SYNTAX);
        }
        if (c.argc() == 3) {
            srandmemberCount(c);
            return;
        }
        SetValue s = SetCommands.readSet(c, c.arg(1));
        if (s == null) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(s.randomMember(ThreadLocalRandom.current()));
        }
    }

    private static void srandmemberCount(Call c) {
        long n = c.longArg(2);
        if (n == Long.MIN_VALUE) {
            throw c.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        SetValue s = SetCommands.readSet(c, c.arg(1));
        if (s == null || n == 0) {
            c.reply().array(0);
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (n < 0) {
            // a reply beyond 2^31 elements cannot be built anyway (Redis 7.0 dies trying)
            int count = (int) Math.min(-n, Integer.MAX_VALUE);
            c.reply().array(count);
            for (int i = 0; i < count; i++) {
                c.reply().bulk(s.randomMember(random));
            }
            return;
        }
        if (n >= s.size()) {
            c.reply().array(s.size());
            s.forEach(m -> c.reply().bulk(m));
            return;
        }
        List<byte[]> picked = s.randomDistinct((int) n, random);
        c.reply().array(picked.size());
        for (byte[] m : picked) {
            c.reply().bulk(m);
        }
    }

    private static void spop(Call c) {
        if (c.argc() > 3) {
            throw c.error(Errors.SYNTAX);
        }
        if (c.argc() == 3) {
            spopCount(c);
            return;
        }
        byte[] key = c.arg(1);
        Db db = c.db();
        // one lookup: modify finds nothing (and changes nothing) for an absent key
        SetValue s = db.modify(key, ValueType.SET);
        if (s == null) {
            c.reply().nullBulk();
            return;
        }
        byte[] m = s.popRandom(ThreadLocalRandom.current());
        db.modified(key);
        c.propagate(SREM, key, m);
        c.reply().bulk(m);
    }

    private static void spopCount(Call c) {
        long count = c.longArg(2, Errors.NOT_POSITIVE);
        if (count < 0) {
            throw c.error(Errors.NOT_POSITIVE);
        }
        byte[] key = c.arg(1);
        Db db = c.db();
        SetValue s = SetCommands.peekSet(c, key);
        if (s == null || count == 0) {
            c.reply().set(0);
            return;
        }
        int size = s.size();
        if (count >= size) {
            SetCommands.replySet(c, s);
            // Redis names the pop before the deletion it turns into
            c.keyspaceEvent(ServerConfig.NOTIFY_SET, "spop", key);
            db.remove(key);
            c.propagate(Propagation.delOrUnlink(key, c.server().config().lazyfreeLazyServerDel()));
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<byte[]> popped = new ArrayList<>((int) count);
        s = db.modify(key, ValueType.SET);
        int remaining = size - (int) count;
        if (remaining * 5L > count) {
            for (long i = 0; i < count; i++) {
                popped.add(s.popRandom(random));
            }
            db.modified(key);
        } else {
            // popping most of the set: keep a few members in a new set and hand out the rest
            SetValue kept = s.keepRandom(remaining, c.server().setLimits(), random);
            s.forEach(popped::add);
            db.modified(key, kept);
        }
        propagateSrem(c, key, popped);
        c.reply().set(popped.size());
        for (byte[] m : popped) {
            c.reply().bulk(m);
        }
    }

    private static void propagateSrem(Call c, byte[] key, List<byte[]> members) {
        for (int from = 0; from < members.size(); from += SREM_BATCH) {
            int n = Math.min(SREM_BATCH, members.size() - from);
            byte[][] argv = new byte[2 + n][];
            argv[0] = SREM;
            argv[1] = key;
            for (int i = 0; i < n; i++) {
                argv[2 + i] = members.get(from + i);
            }
            c.propagate(argv);
        }
    }
}
