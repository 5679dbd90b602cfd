package kv.script.lib;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import kv.util.StrToD;

/**
 * What the C libraries get from Lua 5.1's C API, with the same results: number/string coercions
 * ({@code lua_tonumber} reads with strtod, numbers print as {@code %.14g}), the argument errors of
 * {@code luaL_check*} and x86-64's double to integer conversion. Errors carry no position, like an
 * error raised inside a C function.
 */
final class CLua {
    /** Lua 5.1's LUAI_MAXCSTACK: the stack slots one C call may use; the libraries' depth limits follow from it. */
    static final int MAX_C_STACK = 8000;

    private CLua() {
    }

    static CFunctionError error(String message) {
        return new CFunctionError(message);
    }

    /** {@code luaL_argerror}: "bad argument #N to 'fn' (msg)". */
    static LuaError argError(int arg, String function, String message) {
        return error("bad argument #" + arg + " to '" + function + "' (" + message + ")");
    }

    /** {@code luaL_typerror}: the type of a missing argument is "no value". */
    static LuaError typeError(Varargs args, int arg, String function, String expected) {
        return argError(arg, function, expected + " expected, got " + typeName(args, arg));
    }

    static String typeName(Varargs args, int arg) {
        return arg > args.narg() ? "no value" : args.arg(arg).typename();
    }

    static boolean isNone(Varargs args, int arg) {
        return arg > args.narg();
    }

    static boolean isNoneOrNil(Varargs args, int arg) {
        return arg > args.narg() || args.arg(arg).isnil();
    }

    /** {@code lua_tonumber}: a number, or a string strtod reads completely (trailing blanks allowed); else null. */
    static Double toNumber(LuaValue v) {
        if (v.type() == LuaValue.TNUMBER) {
            return v.todouble();
        }
        if (v.type() != LuaValue.TSTRING) {
            return null;
        }
        LuaString s = v.checkstring();
        byte[] b = s.m_bytes;
        int from = s.m_offset;
        int to = from + s.m_length;
        StrToD r = new StrToD().parse(b, from, to);
        if (r.end == from) {
            return null;
        }
        int i = r.end;
        while (i < to && StrToD.isSpace(b[i])) {
            i++;
        }
        return i == to ? r.value : null;
    }

    static double checkNumber(Varargs args, int arg, String function) {
        Double d = isNone(args, arg) ? null : toNumber(args.arg(arg));
        if (d == null) {
            throw typeError(args, arg, function, "number");
        }
        return d;
    }

    /** {@code luaL_checkinteger}: the number truncated as C casts it. */
    static long checkInteger(Varargs args, int arg, String function) {
        return toInt64(checkNumber(args, arg, function));
    }

    static long optInteger(Varargs args, int arg, String function, long absent) {
        return isNoneOrNil(args, arg) ? absent : checkInteger(args, arg, function);
    }

    /** {@code luaL_checklstring}: strings as they are, numbers printed as {@code %.14g}. */
    static LuaString checkString(Varargs args, int arg, String function) {
        LuaValue v = isNone(args, arg) ? LuaValue.NONE : args.arg(arg);
        if (v.type() == LuaValue.TSTRING) {
            return v.checkstring();
        }
        if (v.type() == LuaValue.TNUMBER) {
            // bytes, not LuaString.valueOf(String): LuaJ never forgets a String it interned
            return LuaString.valueOf(CNumberFormat.formatG(v.todouble(), 14).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        throw typeError(args, arg, function, "string");
    }

    /**
     * C's (int64_t) cast as x86-64 executes it (cvttsd2si): truncation, and the "integer
     * indefinite" Long.MIN_VALUE for NaN and out-of-range values where Java would saturate.
     */
    static long toInt64(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** C's (int) cast of a double on x86-64: Integer.MIN_VALUE for NaN and out-of-range values. */
    static int toInt32(double d) {
        if (Double.isNaN(d) || d >= 0x1p31 || d < -0x1p31) {
            return Integer.MIN_VALUE;
        }
        return (int) d;
    }

    /** C's (uint64_t) cast as GCC compiles it for x86-64 (values from 2^63 up go through a subtraction). */
    static long toUInt64(double d) {
        if (d >= 0x1p63) {
            return toInt64(d - 0x1p63) ^ Long.MIN_VALUE;
        }
        return toInt64(d);
    }

    /** (lua_Number) of an unsigned 64-bit value, rounded to nearest like C. */
    static double unsignedToDouble(long v) {
        if (v >= 0) {
            return v;
        }
        return ((double) ((v >>> 1) | (v & 1))) * 2.0;
    }
}
