package kv.script.lib;

import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * One cjson module's settings (each {@code cjson.new()} has its own), and the functions that read
 * and change them with cjson's argument rules. They live as long as the Lua state: a script's
 * {@code cjson.decode_max_depth(3)} holds for later scripts too, as in Redis.
 */
final class JsonConfig {
    static final int INVALID_NUMBERS_NULL = 2;
    private static final String[] ON_OFF = {"off", "on"};
    private static final String[] ON_OFF_NULL = {"off", "on", "null"};

    int encodeSparseConvert = 0;
    int encodeSparseRatio = 2;
    int encodeSparseSafe = 10;
    int encodeMaxDepth = 1000;
    int decodeMaxDepth = 1000;
    int encodeNumberPrecision = 14;
    int encodeKeepBuffer = 1;
    int encodeInvalidNumbers = 0;
    int decodeInvalidNumbers = 1;

    Varargs encodeSparseArray(Varargs args) {
        String fn = "encode_sparse_array";
        checkArgCount(args, 3, fn);
        LuaValue convert = enumOption(args, 1, fn, ON_OFF, v -> encodeSparseConvert = v, encodeSparseConvert);
        LuaValue ratio = LuaValue.valueOf(encodeSparseRatio = intOption(args, 2, fn, 0, Integer.MAX_VALUE, encodeSparseRatio));
        LuaValue safe = LuaValue.valueOf(encodeSparseSafe = intOption(args, 3, fn, 0, Integer.MAX_VALUE, encodeSparseSafe));
        return LuaValue.varargsOf(convert, ratio, safe);
    }

    Varargs encodeMaxDepth(Varargs args) {
        checkArgCount(args, 1, "encode_max_depth");
        return LuaValue.valueOf(encodeMaxDepth = intOption(args, 1, "encode_max_depth", 1, Integer.MAX_VALUE, encodeMaxDepth));
    }

    Varargs decodeMaxDepth(Varargs args) {
        checkArgCount(args, 1, "decode_max_depth");
        return LuaValue.valueOf(decodeMaxDepth = intOption(args, 1, "decode_max_depth", 1, Integer.MAX_VALUE, decodeMaxDepth));
    }

    Varargs encodeNumberPrecision(Varargs args) {
        String fn = "encode_number_precision";
        checkArgCount(args, 1, fn);
        return LuaValue.valueOf(encodeNumberPrecision = intOption(args, 1, fn, 1, 14, encodeNumberPrecision));
    }

    Varargs encodeKeepBuffer(Varargs args) {
        checkArgCount(args, 1, "encode_keep_buffer");
        return enumOption(args, 1, "encode_keep_buffer", ON_OFF, v -> encodeKeepBuffer = v, encodeKeepBuffer);
    }

    Varargs encodeInvalidNumbers(Varargs args) {
        checkArgCount(args, 1, "encode_invalid_numbers");
        return enumOption(args, 1, "encode_invalid_numbers", ON_OFF_NULL, v -> encodeInvalidNumbers = v, encodeInvalidNumbers);
    }

    Varargs decodeInvalidNumbers(Varargs args) {
        checkArgCount(args, 1, "decode_invalid_numbers");
        return enumOption(args, 1, "decode_invalid_numbers", ON_OFF, v -> decodeInvalidNumbers = v, decodeInvalidNumbers);
    }

    private static void checkArgCount(Varargs args, int max, String fn) {
        if (args.narg() > max) {
            throw CLua.argError(max + 1, fn, "found too many arguments");
        }
    }

    private interface Setter {
        void set(int value);
    }

    /** A boolean, or one of the option names; answers a boolean for off/on, else the option's name. */
    private static LuaValue enumOption(Varargs args, int arg, String fn, String[] options, Setter setter, int current) {
        int setting = current;
        if (!CLua.isNoneOrNil(args, arg)) {
            LuaValue v = args.arg(arg);
            if (v.isboolean()) {
                setting = v.toboolean() ? 1 : 0;
            } else {
                String name = CLua.checkString(args, arg, fn).tojstring();
                setting = -1;
                for (int i = 0; i < options.length; i++) {
                    if (options[i].equals(name)) {
                        setting = i;
                    }
                }
                if (setting < 0) {
                    throw CLua.argError(arg, fn, "invalid option '" + name + "'");
                }
            }
            setter.set(setting);
        }
        return setting <= 1 ? LuaValue.valueOf(setting == 1) : LuaValue.valueOf(options[setting]);
    }

    /** cjson reports a value out of range as argument #1 whatever its position. */
    private static int intOption(Varargs args, int arg, String fn, int min, int max, int current) {
        if (CLua.isNoneOrNil(args, arg)) {
            return current;
        }
        long value = CLua.checkInteger(args, arg, fn);
        if (value < min || value > max) {
            throw CLua.argError(1, fn, "expected integer between " + min + " and " + max);
        }
        return (int) value;
    }
}
