package kv.command;

import java.util.ArrayList;
import java.util.List;

import kv.config.ServerConfig;
import kv.engine.Call;
import kv.engine.Errors;
import kv.store.Db;
import kv.store.StringBytes;
import kv.store.ValueType;

/**
 * BITFIELD and BITFIELD_RO, as Redis' bitfieldGeneric: every operation is parsed (and every error
 * found) before any runs; GET, SET and INCRBY on signed (i1..i64) or unsigned (u1..u63) fields at
 * any bit offset, with OVERFLOW WRAP (default), SAT or FAIL applying to the operations after it.
 */
final class BitfieldCommand {
    private static final String BAD_TYPE = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private enum Overflow { WRAP, SAT, FAIL }

    private record Op(char code, boolean signed, int bits, long offset, long value, Overflow overflow) {
    }

    private BitfieldCommand() {
    }

    static void bitfield(Call c, boolean readOnlyCommand) {
        List<Op> ops = new ArrayList<>();
        Overflow overflow = Overflow.WRAP;
        boolean readOnly = true;
        long highestWrite = -1;
        for (int j = 2; j < c.argc(); j++) {
            int remaining = c.argc() - j - 1;
            char code;
            if (c.is(j, "get") && remaining >= 2) {
                code = 'g';
            } else if (c.is(j, "set") && remaining >= 3) {
                code = 's';
            } else if (c.is(j, "incrby") && remaining >= 3) {
                code = 'i';
            } else if (c.is(j, "overflow") && remaining >= 1) {
                j++;
                if (c.is(j, "wrap")) {
                    overflow = Overflow.WRAP;
                } else if (c.is(j, "sat")) {
                    overflow = Overflow.SAT;
                } else if (c.is(j, "fail")) {
                    overflow = Overflow.FAIL;
                } else {
                    throw c.error("ERR Invalid OVERFLOW type specified");
                }
                continue;
            } else {
                throw c.error(Errors.SYNTAX);
            }
            byte[] type = c.arg(j + 1);
            boolean signed = type.length > 0 && type[0] == 'i';
            int bits = typeBits(c, type);
            long offset = BitCommands.bitOffset(c, j + 2, bits);
            long value = 0;
            if (code != 'g') {
                readOnly = false;
                highestWrite = Math.max(highestWrite, offset + bits - 1);
                value = c.longArg(j + 3);
            }
            ops.add(new Op(code, signed, bits, offset, value, overflow));
            j += code == 'g' ? 2 : 3;
        }
        byte[] key = c.arg(1);
        Db db = c.db();
        if (readOnly) {
            Object v = db.read(key, ValueType.STRING);
            byte[] src = v == null ? new byte[0] : StringBytes.array(v);
            int length = v == null ? 0 : StringBytes.length(v);
            c.reply().array(ops.size());
            for (Op op : ops) {
                c.reply().integer(get(src, length, op));
            }
            return;
        }
        if (readOnlyCommand) {
            throw c.error("ERR BITFIELD_RO only supports the GET subcommand");
        }
        int needed = (int) (highestWrite >>> 3) + 1;
        Object v = db.read(key, ValueType.STRING, Db.NO_STATS);
        Object g;
        // Redis creates the key even if every write fails, and names the change only after a write
        c.silentChanges();
        if (v == null) {
            g = StringBytes.growable(null, needed);
            db.put(key, g);
        } else {
            db.modify(key, ValueType.STRING);
            g = StringBytes.growable(v, needed);
        }
        byte[] buf = StringBytes.writableArray(g);
        c.reply().array(ops.size());
        int writes = 0;
        for (Op op : ops) {
            if (op.code == 'g') {
                c.reply().integer(get(buf, StringBytes.length(g), op));
                continue;
            }
            long old = read(buf, op.offset, op.bits, op.signed);
            long target = op.code == 'i' ? old + op.value : op.value;
            long[] limited = new long[1];
            boolean overflowed = op.signed
                    ? signedOverflow(op.code == 'i' ? old : op.value, op.code == 'i' ? op.value : 0, op.bits, op.overflow, limited)
                    : unsignedOverflow(op.code == 'i' ? old : op.value, op.code == 'i' ? op.value : 0, op.bits, op.overflow, limited);
            if (overflowed && op.overflow == Overflow.FAIL) {
                c.reply().nullBulk();
                continue;
            }
            long stored = overflowed ? limited[0] : target;
            write(buf, op.offset, op.bits, stored);
            // Redis counts (and announces) a write only if it changed the field
            if (read(buf, op.offset, op.bits, op.signed) != old) {
                writes++;
            }
            c.reply().integer(op.code == 'i' ? stored : old);
        }
        if (v != null) {
            if (writes > 0 || g != v) {
                db.modified(key, g);
            } else {
                db.unmodified(key);
            }
        }
        if (writes > 0) {
            c.keyspaceEvent(ServerConfig.NOTIFY_STRING, "setbit", key);
        }
    }

    /** i1..i64 or u1..u63, else Redis' type error. */
    private static int typeBits(Call c, byte[] type) {
        if (type.length < 2 || (type[0] != 'i' && type[0] != 'u') || !kv.util.Numbers.isLong(type, 1, type.length - 1)) {
            throw c.error(BAD_TYPE);
        }
        long bits = kv.util.Numbers.parseLong(type, 1, type.length - 1);
        if (bits < 1 || bits > (type[0] == 'i' ? 64 : 63)) {
            throw c.error(BAD_TYPE);
        }
        return (int) bits;
    }

    /** GET on a string of {@code length} bytes: bits past the end read as zero. */
    private static long get(byte[] src, int length, Op op) {
        long value = 0;
        for (int j = 0; j < op.bits; j++) {
            long bit = op.offset + j;
            long index = bit >>> 3;
            int b = index < length ? (src[(int) index] >> (7 - (int) (bit & 7))) & 1 : 0;
            value = (value << 1) | b;
        }
        return op.signed ? signExtend(value, op.bits) : value;
    }

    private static long read(byte[] p, long offset, int bits, boolean signed) {
        long value = 0;
        for (int j = 0; j < bits; j++) {
            long bit = offset + j;
            value = (value << 1) | ((p[(int) (bit >>> 3)] >> (7 - (int) (bit & 7))) & 1);
        }
        return signed ? signExtend(value, bits) : value;
    }

    private static long signExtend(long value, int bits) {
        return bits < 64 && (value & (1L << (bits - 1))) != 0 ? value | (-1L << bits) : value;
    }

    private static void write(byte[] p, long offset, int bits, long value) {
        for (int j = 0; j < bits; j++) {
            long bit = offset + j;
            int index = (int) (bit >>> 3);
            int shift = 7 - (int) (bit & 7);
            int b = (int) (value >>> (bits - 1 - j)) & 1;
            p[index] = (byte) ((p[index] & ~(1 << shift)) | (b << shift));
        }
    }

    /**
     * Whether {@code value + incr} leaves the unsigned range of {@code bits}; if so, {@code
     * limit[0]} gets the wrapped or saturated result. {@code value} is compared unsigned, as Redis
     * does (a negative SET value is a huge one).
     */
    private static boolean unsignedOverflow(long value, long incr, int bits, Overflow ow, long[] limit) {
        long max = (1L << bits) - 1;
        long maxIncr = max - value;
        long minIncr = -value;
        if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxIncr)) {
            limit[0] = ow == Overflow.WRAP ? (value + incr) & max : max;
            return true;
        }
        if (incr < 0 && incr < minIncr) {
            limit[0] = ow == Overflow.WRAP ? (value + incr) & max : 0;
            return true;
        }
        return false;
    }

    /** The signed counterpart of {@link #unsignedOverflow}, with Redis' wrapping arithmetic. */
    private static boolean signedOverflow(long value, long incr, int bits, Overflow ow, long[] limit) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncr = max - value;
        long minIncr = min - value;
        if (value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr)) {
            limit[0] = ow == Overflow.WRAP ? wrapSigned(value, incr, bits) : max;
            return true;
        }
        if (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr)) {
            limit[0] = ow == Overflow.WRAP ? wrapSigned(value, incr, bits) : min;
            return true;
        }
        return false;
    }

    private static long wrapSigned(long value, long incr, int bits) {
        long sum = value + incr;
        return bits < 64 ? signExtend(sum & ((1L << bits) - 1), bits) : sum;
    }
}
