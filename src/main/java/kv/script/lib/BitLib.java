package kv.script.lib;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;

/**
 * The {@code bit} library of Redis's Lua (LuaBitOp): 32-bit operations on numbers, results signed.
 * Installed like LuaJ's own libraries: {@code globals.load(new BitLib())} sets the global {@code bit}.
 */
public final class BitLib extends OneArgFunction {
    /** 2^52 + 2^51: adding it leaves a double's integer part, rounded to even, in its low 32 bits. */
    private static final double TOBIT_MAGIC = 6755399441055744.0;

    private interface Binary {
        int apply(int a, int b);
    }

    private interface Shift {
        int apply(int value, int count);
    }

    @Override
    public LuaValue call(LuaValue arg) {
        LuaTable t = new LuaTable();
        LibFunctions.add(t, "tobit", args -> result(bitArg(args, 1, "tobit")));
        LibFunctions.add(t, "bnot", args -> result(~bitArg(args, 1, "bnot")));
        LibFunctions.add(t, "band", args -> fold(args, "band", (a, b) -> a & b));
        LibFunctions.add(t, "bor", args -> fold(args, "bor", (a, b) -> a | b));
        LibFunctions.add(t, "bxor", args -> fold(args, "bxor", (a, b) -> a ^ b));
        LibFunctions.add(t, "lshift", args -> shift(args, "lshift", (v, n) -> v << n));
        LibFunctions.add(t, "rshift", args -> shift(args, "rshift", (v, n) -> v >>> n));
        LibFunctions.add(t, "arshift", args -> shift(args, "arshift", (v, n) -> v >> n));
        // Java masks int shift counts to 5 bits as x86 does, so a count of 0 rotates by 0
        LibFunctions.add(t, "rol", args -> shift(args, "rol", (v, n) -> (v << n) | (v >>> (32 - n))));
        LibFunctions.add(t, "ror", args -> shift(args, "ror", (v, n) -> (v >>> n) | (v << (32 - n))));
        LibFunctions.add(t, "bswap", args -> result(Integer.reverseBytes(bitArg(args, 1, "bswap"))));
        LibFunctions.add(t, "tohex", BitLib::tohex);
        env.set("bit", t);
        return t;
    }

    /** A number argument reduced to 32 bits the way LuaBitOp does, through the double's bits. */
    static int bitArg(Varargs args, int arg, String function) {
        Double d = CLua.isNone(args, arg) ? null : CLua.toNumber(args.arg(arg));
        int bits = (int) Double.doubleToRawLongBits((d == null ? 0 : d) + TOBIT_MAGIC);
        if (bits == 0 && d == null) {
            throw CLua.typeError(args, arg, function, "number");
        }
        return bits;
    }

    private static LuaValue result(int bits) {
        return LuaValue.valueOf(bits);
    }

    /** The arguments are read from the last to the first, so the last bad one is reported. */
    private static LuaValue fold(Varargs args, String function, Binary op) {
        int b = bitArg(args, 1, function);
        for (int i = args.narg(); i > 1; i--) {
            b = op.apply(b, bitArg(args, i, function));
        }
        return result(b);
    }

    private static LuaValue shift(Varargs args, String function, Shift op) {
        int value = bitArg(args, 1, function);
        int count = bitArg(args, 2, function) & 31;
        return result(op.apply(value, count));
    }

    private static LuaValue tohex(Varargs args) {
        int b = bitArg(args, 1, "tohex");
        long n = CLua.isNone(args, 2) ? 8 : bitArg(args, 2, "tohex");
        String digits = "0123456789abcdef";
        if (n < 0) {
            n = -n;
            digits = "0123456789ABCDEF";
        }
        n = Math.min(n, 8);
        char[] out = new char[(int) n];
        for (int i = (int) n - 1; i >= 0; i--) {
            out[i] = digits.charAt(b & 15);
            b >>>= 4;
        }
        // bytes, not LuaValue.valueOf(String): LuaJ never forgets a String it interned
        return LuaString.valueOf(new String(out).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
