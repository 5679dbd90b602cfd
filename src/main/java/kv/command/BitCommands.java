package kv.command;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.store.Db;
import kv.store.StringBytes;
import kv.store.ValueType;

/**
 * Bitmaps on strings, as Redis 7.2's bitops.c: SETBIT, GETBIT, BITCOUNT and BITPOS (ranges in
 * BYTE or BIT units; 7.2 validates the arguments before looking the key up), BITOP. BITFIELD is
 * in {@link BitfieldCommand}. Bit 0 is the most significant bit of the first byte.
 */
final class BitCommands {
    static final String BAD_OFFSET = "ERR bit offset is not an integer or out of range";
    private static final String BAD_BIT = "ERR bit is not an integer or out of range";

    private BitCommands() {
    }

    static void register(CommandTable t) {
        t.register("setbit", BitCommands::setbit);
        t.register("getbit", BitCommands::getbit);
        t.register("bitcount", BitCommands::bitcount);
        t.register("bitpos", BitCommands::bitpos);
        t.register("bitop", BitCommands::bitop);
        t.register("bitfield", c -> BitfieldCommand.bitfield(c, false));
        t.register("bitfield_ro", c -> BitfieldCommand.bitfield(c, true));
    }

    /**
     * Redis' getBitOffsetFromArgument: a non-negative integer below 8 * proto-max-bulk-len; with
     * {@code bits > 0}, "#n" means n * bits (BITFIELD's type-relative offsets).
     */
    static long bitOffset(Call c, int i, int bits) {
        byte[] a = c.arg(i);
        boolean scaled = bits > 0 && a.length > 0 && a[0] == '#';
        byte[] digits = scaled ? java.util.Arrays.copyOfRange(a, 1, a.length) : a;
        if (!kv.util.Numbers.isLong(digits)) {
            throw c.error(BAD_OFFSET);
        }
        long offset = kv.util.Numbers.parseLong(digits);
        if (scaled) {
            offset *= bits; // wraps like C's signed multiplication on the targets Redis runs on
        }
        if (offset < 0 || (offset >>> 3) >= c.server().config().protoMaxBulkLen()) {
            throw c.error(BAD_OFFSET);
        }
        return offset;
    }

    private static void setbit(Call c) {
        long offset = bitOffset(c, 2, 0);
        long on = c.longArg(3, BAD_BIT);
        if ((on & ~1L) != 0) {
            throw c.error(BAD_BIT);
        }
        byte[] key = c.arg(1);
        Db db = c.db();
        int index = (int) (offset >>> 3);
        int shift = 7 - (int) (offset & 7);
        Object v = db.read(key, ValueType.STRING, Db.NO_STATS);
        if (v == null) {
            Object created = StringBytes.growable(null, index + 1);
            StringBytes.writableArray(created)[index] |= (byte) (on << shift);
            db.put(key, created);
            c.reply().integer(0);
            return;
        }
        int length = StringBytes.length(v);
        int old = index < length ? (StringBytes.array(v)[index] >> shift) & 1 : 0;
        if (index < length && old == on) {
            c.reply().integer(old);
            return;
        }
        db.modify(key, ValueType.STRING);
        Object g = StringBytes.growable(v, index + 1);
        byte[] buf = StringBytes.writableArray(g);
        buf[index] = (byte) ((buf[index] & ~(1 << shift)) | (on << shift));
        db.modified(key, g);
        c.reply().integer(old);
    }

    private static void getbit(Call c) {
        long offset = bitOffset(c, 2, 0);
        Object v = c.db().read(c.arg(1), ValueType.STRING);
        if (v == null) {
            c.reply().integer(0);
            return;
        }
        long index = offset >>> 3;
        int bit = index < StringBytes.length(v) ? (StringBytes.array(v)[(int) index] >> (7 - (int) (offset & 7))) & 1 : 0;
        c.reply().integer(bit);
    }

    /** BYTE (false) or BIT (true) at argument {@code i}; else a syntax error. */
    private static boolean bitUnit(Call c, int i) {
        if (c.is(i, "bit")) {
            return true;
        }
        if (c.is(i, "byte")) {
            return false;
        }
        throw c.error(Errors.SYNTAX);
    }

    private static void bitcount(Call c) {
        long start = 0;
        long end = -1;
        boolean bits = false;
        boolean ranged = c.argc() == 4 || c.argc() == 5;
        if (ranged) {
            start = c.longArg(2);
            end = c.longArg(3);
            if (c.argc() == 5) {
                bits = bitUnit(c, 4);
            }
        } else if (c.argc() != 2) {
            throw c.error(Errors.SYNTAX);
        }
        Object v = c.db().read(c.arg(1), ValueType.STRING);
        if (v == null) {
            c.reply().integer(0);
            return;
        }
        byte[] p = StringBytes.array(v);
        long total = StringBytes.length(v) * (bits ? 8L : 1L);
        if (ranged) {
            if (start < 0 && end < 0 && start > end) {
                c.reply().integer(0);
                return;
            }
            start = clampIndex(start, total);
            end = clampIndex(end, total);
            if (end >= total) {
                end = total - 1;
            }
        } else {
            end = total - 1;
        }
        if (start > end) {
            c.reply().integer(0);
            return;
        }
        long firstBit = bits ? start : start * 8;
        long lastBit = bits ? end : end * 8 + 7;
        c.reply().integer(countBits(p, firstBit, lastBit));
    }

    /** A negative index counts from the end; what is still negative becomes 0. */
    private static long clampIndex(long i, long total) {
        if (i < 0) {
            i += total;
        }
        return Math.max(i, 0);
    }

    /** Set bits in [firstBit, lastBit]. */
    private static long countBits(byte[] p, long firstBit, long lastBit) {
        int first = (int) (firstBit >>> 3);
        int last = (int) (lastBit >>> 3);
        long count = 0;
        int i = first;
        for (; i + 8 <= last + 1; i += 8) {
            count += Long.bitCount(((p[i] & 0xffL) << 56) | ((p[i + 1] & 0xffL) << 48) | ((p[i + 2] & 0xffL) << 40) | ((p[i + 3] & 0xffL) << 32)
                    | ((p[i + 4] & 0xffL) << 24) | ((p[i + 5] & 0xffL) << 16) | ((p[i + 6] & 0xffL) << 8) | (p[i + 7] & 0xffL));
        }
        for (; i <= last; i++) {
            count += Integer.bitCount(p[i] & 0xff);
        }
        // take off the bits of the edge bytes outside the range
        count -= Integer.bitCount((p[first] & 0xff) >>> (8 - (int) (firstBit & 7)));
        count -= Integer.bitCount(p[last] & ((1 << (7 - (int) (lastBit & 7))) - 1));
        return count;
    }

    private static void bitpos(Call c) {
        long bit = c.longArg(2);
        if (bit != 0 && bit != 1) {
            throw c.error("ERR The bit argument must be 1 or 0.");
        }
        long start = 0;
        long end = 0;
        boolean bits = false;
        boolean endGiven = false;
        boolean ranged = c.argc() >= 4 && c.argc() <= 6;
        if (ranged) {
            start = c.longArg(3);
            if (c.argc() == 6) {
                bits = bitUnit(c, 5);
            }
            if (c.argc() >= 5) {
                end = c.longArg(4);
                endGiven = true;
            }
        } else if (c.argc() != 3) {
            throw c.error(Errors.SYNTAX);
        }
        Object v = c.db().read(c.arg(1), ValueType.STRING);
        if (v == null) {
            // a missing key is an endless run of zeros
            c.reply().integer(bit == 1 ? -1 : 0);
            return;
        }
        byte[] p = StringBytes.array(v);
        long total = StringBytes.length(v) * (bits ? 8L : 1L);
        if (!endGiven) {
            end = total - 1;
        }
        start = clampIndex(start, total);
        end = clampIndex(end, total);
        if (end >= total) {
            end = total - 1;
        }
        if (start > end) {
            c.reply().integer(-1);
            return;
        }
        long firstBit = bits ? start : start * 8;
        long lastBit = bits ? end : end * 8 + 7;
        long found = findBit(p, firstBit, lastBit, (int) bit);
        if (found < 0) {
            // past the end of the string there are zeros, unless the caller bounded the range
            found = bit == 0 && !endGiven ? lastBit + 1 : -1;
        }
        c.reply().integer(found);
    }

    /** The first bit equal to {@code bit} in [firstBit, lastBit], or -1. */
    private static long findBit(byte[] p, long firstBit, long lastBit, int bit) {
        int skip = bit == 1 ? 0 : 0xff; // a byte with no candidate bit
        long b = firstBit;
        while (b <= lastBit) {
            int index = (int) (b >>> 3);
            if ((b & 7) == 0 && b + 7 <= lastBit && (p[index] & 0xff) == skip) {
                b += 8;
                continue;
            }
            if (((p[index] >> (7 - (int) (b & 7))) & 1) == bit) {
                return b;
            }
            b++;
        }
        return -1;
    }

    private static void bitop(Call c) {
        int op;
        if (c.is(1, "and")) {
            op = 0;
        } else if (c.is(1, "or")) {
            op = 1;
        } else if (c.is(1, "xor")) {
            op = 2;
        } else if (c.is(1, "not")) {
            op = 3;
        } else {
            throw c.error(Errors.SYNTAX);
        }
        if (op == 3 && c.argc() != 4) {
            throw c.error("ERR BITOP NOT must be called with a single source key.");
        }
        int n = c.argc() - 3;
        byte[][] src = new byte[n][];
        int[] len = new int[n];
        int maxLen = 0;
        Db db = c.db();
        for (int i = 0; i < n; i++) {
            Object v = db.read(c.arg(3 + i), ValueType.STRING);
            if (v != null) {
                src[i] = StringBytes.array(v);
                len[i] = StringBytes.length(v);
                maxLen = Math.max(maxLen, len[i]);
            }
        }
        byte[] dst = c.arg(2);
        if (maxLen == 0) {
            db.remove(dst);
            c.reply().integer(0);
            return;
        }
        byte[] out = new byte[maxLen];
        for (int j = 0; j < maxLen; j++) {
            int acc = j < len[0] ? src[0][j] & 0xff : 0;
            if (op == 3) {
                acc = ~acc & 0xff;
            }
            for (int i = 1; i < n; i++) {
                int b = j < len[i] ? src[i][j] & 0xff : 0;
                acc = op == 0 ? acc & b : op == 1 ? acc | b : acc ^ b;
            }
            out[j] = (byte) acc;
        }
        db.put(dst, StringBytes.raw(out));
        c.reply().integer(maxLen);
    }
}
