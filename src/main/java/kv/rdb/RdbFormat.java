package kv.rdb;

/** Type bytes and opcodes of the RDB format, as numbered by Redis (rdb.h). */
public final class RdbFormat {
    private RdbFormat() {
    }

    /** What KV writes: Redis 7.0's version. */
    public static final int WRITE_VERSION = 10;
    /** The newest version KV reads (Redis 7.4 to 8.x). */
    public static final int MAX_READ_VERSION = 12;

    public static final int STRING = 0;
    public static final int LIST = 1;
    public static final int SET = 2;
    public static final int ZSET = 3;
    public static final int HASH = 4;
    public static final int ZSET_2 = 5;
    public static final int MODULE_PRE_GA = 6;
    public static final int MODULE_2 = 7;
    public static final int HASH_ZIPMAP = 9;
    public static final int LIST_ZIPLIST = 10;
    public static final int SET_INTSET = 11;
    public static final int ZSET_ZIPLIST = 12;
    public static final int HASH_ZIPLIST = 13;
    public static final int LIST_QUICKLIST = 14;
    public static final int STREAM_LISTPACKS = 15;
    public static final int HASH_LISTPACK = 16;
    public static final int ZSET_LISTPACK = 17;
    public static final int LIST_QUICKLIST_2 = 18;
    public static final int STREAM_LISTPACKS_2 = 19;
    public static final int SET_LISTPACK = 20;
    public static final int STREAM_LISTPACKS_3 = 21;
    public static final int HASH_METADATA_PRE_GA = 22;
    public static final int HASH_LISTPACK_EX_PRE_GA = 23;
    public static final int HASH_METADATA = 24;
    public static final int HASH_LISTPACK_EX = 25;

    public static final int OPCODE_SLOT_INFO = 244;
    public static final int OPCODE_FUNCTION2 = 245;
    public static final int OPCODE_FUNCTION_PRE_GA = 246;
    public static final int OPCODE_MODULE_AUX = 247;
    public static final int OPCODE_IDLE = 248;
    public static final int OPCODE_FREQ = 249;
    public static final int OPCODE_AUX = 250;
    public static final int OPCODE_RESIZEDB = 251;
    public static final int OPCODE_EXPIRETIME_MS = 252;
    public static final int OPCODE_EXPIRETIME = 253;
    public static final int OPCODE_SELECTDB = 254;
    public static final int OPCODE_EOF = 255;

    /** Quicklist v2 node containers. */
    static final int CONTAINER_PLAIN = 1;
    static final int CONTAINER_PACKED = 2;

    static String typeName(int type) {
        return switch (type) {
            case STRING -> "string";
            case LIST, LIST_ZIPLIST, LIST_QUICKLIST, LIST_QUICKLIST_2 -> "list";
            case SET, SET_INTSET, SET_LISTPACK -> "set";
            case ZSET, ZSET_2, ZSET_ZIPLIST, ZSET_LISTPACK -> "zset";
            case HASH, HASH_ZIPMAP, HASH_ZIPLIST, HASH_LISTPACK, HASH_METADATA_PRE_GA, HASH_LISTPACK_EX_PRE_GA,
                    HASH_METADATA, HASH_LISTPACK_EX -> "hash";
            case STREAM_LISTPACKS, STREAM_LISTPACKS_2, STREAM_LISTPACKS_3 -> "stream";
            case MODULE_PRE_GA, MODULE_2 -> "module";
            default -> "unknown type " + type;
        };
    }
}
