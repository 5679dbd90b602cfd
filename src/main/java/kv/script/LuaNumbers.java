package kv.script;

import java.nio.charset.StandardCharsets;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

import kv.script.lib.CNumberFormat;
import kv.util.Doubles;
import kv.util.Numbers;

/** Lua 5.1 numbers (doubles) as Redis converts them, both ways. */
final class LuaNumbers {
    private LuaNumbers() {
    }

    static LuaValue of(long v) {
        return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? LuaValue.valueOf((int) v) : LuaValue.valueOf((double) v);
    }

    /**
     * C's {@code (long long)} cast of a Lua number, as Redis converts a script's numeric reply: the
     * fraction is cut, and values out of range (and NaN) give the x86 "integer indefinite" value.
     */
    static long truncate(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /**
     * A number as redis.call passes it to a command: Redis 7.2's shortest round-trip form. Integral
     * values below 2^53 are their exact digits in that form, written without the general algorithm.
     */
    static byte[] commandArgument(double d) {
        long l = (long) d;
        if (l == d && l > -(1L << 53) && l < (1L << 53) && (l != 0 || Double.doubleToRawLongBits(d) == 0)) {
            return Numbers.toBytes(l);
        }
        return Doubles.format(d).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Text made by the engine (number forms, digests) as a Lua string, UTF-8 as LuaJ encodes. Not
     * LuaValue.valueOf(String): LuaJ interns such strings in a table it never cleans, so every
     * distinct value would stay in memory.
     */
    static LuaString text(String text) {
        return LuaString.valueOf(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lua 5.1's tostring of a number ({@code %.14g}). */
    static String format(double d) {
        return CNumberFormat.formatG(d, 14);
    }
}
