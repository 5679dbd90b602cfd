package kv.script;

import org.luaj.vm2.LuaValue;

import kv.script.lib.CNumberFormat;

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

    /** Lua 5.1's tostring of a number ({@code %.14g}). */
    static String format(double d) {
        return CNumberFormat.formatG(d, 14);
    }
}
