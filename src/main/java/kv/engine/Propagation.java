package kv.engine;

import java.nio.charset.StandardCharsets;

import kv.util.Numbers;

/**
 * The commands a handler propagates instead of itself, so that a replay reproduces the data
 * exactly: relative times become absolute ones, computed results replace the arithmetic.
 */
public final class Propagation {
    private static final byte[] SET = ascii("SET");
    private static final byte[] DEL = ascii("DEL");
    private static final byte[] UNLINK = ascii("UNLINK");
    private static final byte[] PXAT = ascii("PXAT");
    private static final byte[] KEEPTTL = ascii("KEEPTTL");
    private static final byte[] PEXPIREAT = ascii("PEXPIREAT");
    private static final byte[] PERSIST = ascii("PERSIST");
    private static final byte[] LPOP = ascii("LPOP");
    private static final byte[] RPOP = ascii("RPOP");
    private static final byte[] LMOVE = ascii("LMOVE");
    private static final byte[] RPOPLPUSH = ascii("RPOPLPUSH");

    private Propagation() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** SET key value PXAT ms: SET/SETEX/PSETEX with a relative expiry. */
    public static byte[][] setPxat(byte[] key, byte[] value, long unixMs) {
        return new byte[][] {SET, key, value, PXAT, Numbers.toBytes(unixMs)};
    }

    /** SET key value KEEPTTL: INCRBYFLOAT's result. */
    public static byte[][] setKeepTtl(byte[] key, byte[] value) {
        return new byte[][] {SET, key, value, KEEPTTL};
    }

    public static byte[][] del(byte[] key) {
        return new byte[][] {DEL, key};
    }

    /** What an expired or evicted key becomes: DEL, or UNLINK when lazy freeing is configured. */
    public static byte[][] delOrUnlink(byte[] key, boolean lazy) {
        return new byte[][] {lazy ? UNLINK : DEL, key};
    }

    public static byte[][] pexpireat(byte[] key, long unixMs) {
        return new byte[][] {PEXPIREAT, key, Numbers.toBytes(unixMs)};
    }

    public static byte[][] persist(byte[] key) {
        return new byte[][] {PERSIST, key};
    }

    /** LPOP/RPOP key: what BLPOP/BRPOP did. */
    public static byte[][] pop(boolean head, byte[] key) {
        return new byte[][] {head ? LPOP : RPOP, key};
    }

    /** LPOP/RPOP key count: what LMPOP/BLMPOP did ({@code count} = elements actually popped). */
    public static byte[][] pop(boolean head, byte[] key, long count) {
        return new byte[][] {head ? LPOP : RPOP, key, Numbers.toBytes(count)};
    }

    /** LMOVE src dst from to: what BLMOVE did. */
    public static byte[][] lmove(byte[] src, byte[] dst, byte[] from, byte[] to) {
        return new byte[][] {LMOVE, src, dst, from, to};
    }

    /** RPOPLPUSH src dst: what BRPOPLPUSH did. */
    public static byte[][] rpoplpush(byte[] src, byte[] dst) {
        return new byte[][] {RPOPLPUSH, src, dst};
    }
}
