package kv.engine;

import static kv.config.ServerConfig.NOTIFY_GENERIC;
import static kv.config.ServerConfig.NOTIFY_HASH;
import static kv.config.ServerConfig.NOTIFY_LIST;
import static kv.config.ServerConfig.NOTIFY_SET;
import static kv.config.ServerConfig.NOTIFY_STREAM;
import static kv.config.ServerConfig.NOTIFY_STRING;
import static kv.config.ServerConfig.NOTIFY_ZSET;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import kv.engine.KeyspaceEvents.Notice;
import kv.util.Numbers;
import kv.util.Tokens;

/**
 * What Redis calls the change a command makes to a key, for keyspace notifications: by default the
 * command's own name in the class of its group ("lpush" in l), otherwise the entries below, some of
 * which depend on the arguments (SET with a TTL also reports "expire", LMOVE names its source and
 * destination differently). Resolved once per command spec and cached there.
 */
final class EventNames {
    /** The names of one change of {@code key} made by the command called with {@code argv}. */
    interface Namer {
        Notice[] names(byte[][] argv, byte[] key);
    }

    private static final Notice[] NONE = new Notice[0];
    private static final Map<String, Namer> SPECIAL = new HashMap<>();

    private static Notice n(int type, String name) {
        return Notice.of(type, name);
    }

    private static Namer fixed(Notice... notices) {
        return (argv, key) -> notices;
    }

    private static void put(Namer namer, String... commands) {
        for (String c : commands) {
            SPECIAL.put(c, namer);
        }
    }

    static {
        Notice set = n(NOTIFY_STRING, "set");
        Notice expire = n(NOTIFY_GENERIC, "expire");
        Notice[] setThenExpire = {set, expire};
        Notice[] setOnly = {set};
        put(fixed(setOnly), "setnx", "getset", "mset", "msetnx", "bitop");
        put(fixed(setThenExpire), "setex", "psetex");
        put((argv, key) -> hasAny(argv, 3, "EX", "PX", "EXAT", "PXAT") ? setThenExpire : setOnly, "set");
        Notice[] persist = {n(NOTIFY_GENERIC, "persist")};
        Notice[] expireOnly = {expire};
        put((argv, key) -> end(argv[2], "PERSIST", persist[0], expire) == expire ? expireOnly : persist, "getex");
        put(fixed(expireOnly), "expire", "pexpire", "expireat", "pexpireat");
        put(fixed(n(NOTIFY_STRING, "incrby")), "incr", "decr", "incrby", "decrby");
        put(fixed(n(NOTIFY_STRING, "setbit")), "bitfield");
        put(fixed(n(NOTIFY_STRING, "pfadd")), "pfmerge");
        put(fixed(n(NOTIFY_GENERIC, "copy_to")), "copy");
        put(fixed(n(NOTIFY_LIST, "sortstore")), "sort");

        Notice lpush = n(NOTIFY_LIST, "lpush");
        Notice rpush = n(NOTIFY_LIST, "rpush");
        Notice lpop = n(NOTIFY_LIST, "lpop");
        Notice rpop = n(NOTIFY_LIST, "rpop");
        put(fixed(lpush), "lpushx");
        put(fixed(rpush), "rpushx");
        put(fixed(lpop), "blpop");
        put(fixed(rpop), "brpop");
        put((argv, key) -> new Notice[] {end(argv[whereOfMpop(argv, 1)], "LEFT", lpop, rpop)}, "lmpop");
        put((argv, key) -> new Notice[] {end(argv[whereOfMpop(argv, 2)], "LEFT", lpop, rpop)}, "blmpop");
        put(new PushFirst((argv, key) -> end(argv[3], "LEFT", lpop, rpop), (argv, key) -> end(argv[4], "LEFT", lpush, rpush)),
                "lmove", "blmove");
        put(new PushFirst((argv, key) -> rpop, (argv, key) -> lpush), "rpoplpush", "brpoplpush");

        put(fixed(n(NOTIFY_HASH, "hset")), "hmset", "hsetnx");

        Notice srem = n(NOTIFY_SET, "srem");
        Notice sadd = n(NOTIFY_SET, "sadd");
        put(moveBetween(1, 2, (argv, key) -> srem, (argv, key) -> sadd), "smove");

        Notice zadd = n(NOTIFY_ZSET, "zadd");
        Notice[] zincr = {n(NOTIFY_ZSET, "zincr")};
        Notice zpopmin = n(NOTIFY_ZSET, "zpopmin");
        Notice zpopmax = n(NOTIFY_ZSET, "zpopmax");
        put((argv, key) -> zaddIncr(argv) ? zincr : new Notice[] {zadd}, "zadd");
        put(fixed(zincr), "zincrby");
        put(fixed(zadd), "geoadd");
        put(fixed(zpopmin), "bzpopmin");
        put(fixed(zpopmax), "bzpopmax");
        put((argv, key) -> new Notice[] {end(argv[whereOfMpop(argv, 1)], "MIN", zpopmin, zpopmax)}, "zmpop");
        put((argv, key) -> new Notice[] {end(argv[whereOfMpop(argv, 2)], "MIN", zpopmin, zpopmax)}, "bzmpop");
        put(fixed(n(NOTIFY_ZSET, "georadiusstore")), "georadius", "georadiusbymember");

        // hash field expiration (Redis 7.4 / 8; no 7.x oracle has these commands): the EXPIRE family
        // is "hexpire" whatever the unit, HGETDEL removes fields ("hdel")
        Notice hexpire = n(NOTIFY_HASH, "hexpire");
        Notice[] hpersist = {n(NOTIFY_HASH, "hpersist")};
        Notice hset = n(NOTIFY_HASH, "hset");
        put(fixed(hexpire), "hexpire", "hpexpire", "hexpireat", "hpexpireat");
        put(fixed(n(NOTIFY_HASH, "hdel")), "hgetdel");
        put((argv, key) -> optionBeforeFields(argv, "PERSIST") ? hpersist : new Notice[] {hexpire}, "hgetex");
        put((argv, key) -> optionBeforeFields(argv, "EX", "PX", "EXAT", "PXAT") ? new Notice[] {hset, hexpire} : new Notice[] {hset},
                "hsetex");

        // consumer-group bookkeeping changes the key without an event of its own
        put(fixed(), "xack", "xreadgroup", "xclaim", "xautoclaim");
        put(fixed(), "flushall", "flushdb", "swapdb");
        // PFCOUNT refreshes the sketch's cached cardinality: a change Redis does not announce
        put(fixed(), "pfcount");
    }

    private EventNames() {
    }

    static Namer of(CommandSpec spec) {
        Namer namer = spec.eventNamer;
        if (namer == null) {
            namer = resolve(spec);
            spec.eventNamer = namer;
        }
        return namer;
    }

    private static Namer resolve(CommandSpec spec) {
        Namer special = SPECIAL.get(spec.fullName());
        if (special != null) {
            return special;
        }
        int type = switch (spec.facts().getString("group", "")) {
            case "string", "bitmap", "hyperloglog" -> NOTIFY_STRING;
            case "list" -> NOTIFY_LIST;
            case "set" -> NOTIFY_SET;
            case "hash" -> NOTIFY_HASH;
            case "sorted-set", "geo" -> NOTIFY_ZSET;
            case "stream" -> NOTIFY_STREAM;
            default -> NOTIFY_GENERIC;
        };
        return fixed(n(type, spec.fullName().replace('|', '-')));
    }

    /** A command moving data from the key at {@code src} to the key at {@code dst}; both names when they are one key. */
    private static Namer moveBetween(int src, int dst, Single fromSide, Single toSide) {
        return (argv, key) -> {
            boolean isSrc = Arrays.equals(key, argv[src]);
            boolean isDst = Arrays.equals(key, argv[dst]);
            if (isSrc && isDst) {
                return new Notice[] {fromSide.name(argv, key), toSide.name(argv, key)};
            }
            return isSrc ? new Notice[] {fromSide.name(argv, key)} : isDst ? new Notice[] {toSide.name(argv, key)} : NONE;
        };
    }

    /**
     * LMOVE and RPOPLPUSH: Redis pushes onto the destination (key 2) and announces it before it
     * announces the pop from the source (key 1), though the pop happened first;
     * {@link KeyspaceEvents} holds the source's names back until the destination's are out.
     */
    record PushFirst(Single popped, Single pushed) implements Namer {
        @Override
        public Notice[] names(byte[][] argv, byte[] key) {
            boolean isSrc = Arrays.equals(key, argv[1]);
            boolean isDst = Arrays.equals(key, argv[2]);
            if (isSrc && isDst) {
                return new Notice[] {pushed.name(argv, key), popped.name(argv, key)};
            }
            return isSrc ? new Notice[] {popped.name(argv, key)} : isDst ? new Notice[] {pushed.name(argv, key)} : NONE;
        }

        boolean isSource(byte[][] argv, byte[] key) {
            return Arrays.equals(key, argv[1]);
        }
    }

    interface Single {
        Notice name(byte[][] argv, byte[] key);
    }

    /** The LEFT|RIGHT (MIN|MAX) argument of an *MPOP whose numkeys is at {@code numkeysAt}. */
    private static int whereOfMpop(byte[][] argv, int numkeysAt) {
        return numkeysAt + 1 + (int) Numbers.parseLong(argv[numkeysAt]);
    }

    /** ZADD's flags come before the first score: INCR among them makes the change a "zincr". */
    private static boolean zaddIncr(byte[][] argv) {
        for (int i = 2; i < argv.length; i++) {
            if (Tokens.equalsIgnoreCase(argv[i], "INCR")) {
                return true;
            }
            if (!hasAny(new byte[][] {argv[i]}, 0, "NX", "XX", "GT", "LT", "CH")) {
                return false;
            }
        }
        return false;
    }

    private static Notice end(byte[] arg, String ifToken, Notice yes, Notice otherwise) {
        return Tokens.equalsIgnoreCase(arg, ifToken) ? yes : otherwise;
    }

    /** One of {@code tokens} among the options of a Redis 8 hash command (they end at FIELDS). */
    private static boolean optionBeforeFields(byte[][] argv, String... tokens) {
        for (int i = 2; i < argv.length && !Tokens.equalsIgnoreCase(argv[i], "FIELDS"); i++) {
            if (hasAny(new byte[][] {argv[i]}, 0, tokens)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasAny(byte[][] argv, int from, String... tokens) {
        for (int i = from; i < argv.length; i++) {
            for (String t : tokens) {
                if (Tokens.equalsIgnoreCase(argv[i], t)) {
                    return true;
                }
            }
        }
        return false;
    }
}
