package kv.script.lib;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Properties over random values (fixed seeds, so a failure reproduces): cmsgpack.unpack undoes
 * cmsgpack.pack exactly; cjson.decode undoes cjson.encode up to the 14 significant digits the
 * encoder writes; struct.unpack undoes struct.pack for integers that fit the format.
 */
class RoundTripPropertyTest {
    private static final int RUNS = 400;
    private final LuaScripts lua = new LuaScripts();

    @Test
    void msgpackRoundTrip() {
        Random random = new Random(16);
        LuaValue pack = lua.eval("return cmsgpack.pack");
        LuaValue unpack = lua.eval("return cmsgpack.unpack");
        for (int i = 0; i < RUNS; i++) {
            LuaValue v = randomValue(random, 4, false);
            LuaValue back = unpack.call(pack.call(v));
            assertTrue(deepEquals(v, back, false), () -> "msgpack round trip changed " + show(v) + " into " + show(back));
        }
    }

    @Test
    void jsonRoundTrip() {
        Random random = new Random(17);
        LuaValue encode = lua.eval("return cjson.encode");
        LuaValue decode = lua.eval("return cjson.decode");
        for (int i = 0; i < RUNS; i++) {
            LuaValue v = randomValue(random, 4, true);
            LuaValue json = encode.call(v);
            LuaValue back = decode.call(json);
            assertTrue(deepEquals(v, back, true), () -> "json round trip changed " + show(v) + " via " + json + " into " + show(back));
        }
    }

    @Test
    void structIntegerRoundTrip() {
        Random random = new Random(18);
        String[] formats = {"b", "B", "h", "H", "i", "I", "i3", "I5", "l", "L", "i7"};
        int[] sizes = {1, 1, 2, 2, 4, 4, 3, 5, 8, 8, 7};
        LuaValue pack = lua.eval("return struct.pack");
        LuaValue unpack = lua.eval("return struct.unpack");
        for (int i = 0; i < RUNS; i++) {
            String order = random.nextBoolean() ? ">" : "<";
            int which = random.nextInt(formats.length);
            String f = formats[which];
            int bytes = sizes[which];
            // doubles carry integers exactly up to 53 bits
            int bits = Math.min(bytes * 8, 53);
            boolean signed = Character.isLowerCase(f.charAt(0));
            long n = random.nextLong() >>> (64 - bits);
            if (signed) {
                n -= 1L << (bits - 1);
            }
            String fmt = order + f;
            Varargs back = unpack.invoke(LuaValue.varargsOf(LuaValue.valueOf(fmt), pack.call(LuaValue.valueOf(fmt), LuaValue.valueOf((double) n))));
            long expected = n;
            assertTrue(back.arg1().todouble() == expected, () -> fmt + " " + expected + " came back as " + back.arg1());
        }
    }

    private static LuaValue randomValue(Random r, int depth, boolean json) {
        int kind = r.nextInt(depth > 0 ? 7 : 5);
        return switch (kind) {
            case 0 -> LuaValue.valueOf(r.nextBoolean());
            case 1 -> LuaValue.valueOf((double) (r.nextLong() >> r.nextInt(64)));
            case 2 -> LuaValue.valueOf(randomDouble(r));
            case 3, 4 -> randomString(r);
            case 5 -> {
                LuaTable t = new LuaTable();
                int n = r.nextInt(20);
                for (int i = 1; i <= n; i++) {
                    t.rawset(i, randomValue(r, depth - 1, json));
                }
                yield t;
            }
            default -> {
                LuaTable t = new LuaTable();
                int n = 1 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    t.rawset(LuaValue.valueOf("k" + r.nextInt(1000)), randomValue(r, depth - 1, json));
                }
                yield t;
            }
        };
    }

    private static double randomDouble(Random r) {
        while (true) {
            double d = Double.longBitsToDouble(r.nextLong());
            if (!Double.isNaN(d) && !Double.isInfinite(d)) {
                return r.nextBoolean() ? d : (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(40) - 20);
            }
        }
    }

    private static LuaString randomString(Random r) {
        byte[] b = new byte[r.nextInt(r.nextBoolean() ? 40 : 300)];
        r.nextBytes(b);
        return LuaString.valueOf(b);
    }

    /** Equal values; for JSON a number only to the 14 significant digits cjson writes. */
    private static boolean deepEquals(LuaValue a, LuaValue b, boolean json) {
        if (a.type() != b.type()) {
            return false;
        }
        if (a.type() == LuaValue.TNUMBER) {
            double x = a.todouble();
            double expected = json && x != 0 ? new BigDecimal(x).round(new MathContext(14, RoundingMode.HALF_EVEN)).doubleValue() : x;
            return expected == b.todouble();
        }
        if (a.type() != LuaValue.TTABLE) {
            return a.raweq(b);
        }
        LuaTable ta = (LuaTable) a;
        LuaTable tb = (LuaTable) b;
        int count = 0;
        for (LuaValue k = ta.next(LuaValue.NIL).arg1(); !k.isnil(); k = ta.next(k).arg1()) {
            count++;
            if (!deepEquals(ta.rawget(k), tb.rawget(k), json)) {
                return false;
            }
        }
        int countB = 0;
        for (LuaValue k = tb.next(LuaValue.NIL).arg1(); !k.isnil(); k = tb.next(k).arg1()) {
            countB++;
        }
        return count == countB;
    }

    private static String show(LuaValue v) {
        if (v.type() != LuaValue.TTABLE) {
            return v.typename() + ":" + (v.type() == LuaValue.TNUMBER ? CNumberFormat.formatG(v.todouble(), 17) : v.tojstring());
        }
        StringBuilder sb = new StringBuilder("{");
        LuaTable t = (LuaTable) v;
        for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
            sb.append(show(k)).append('=').append(show(t.rawget(k))).append(',');
        }
        return sb.append('}').toString();
    }
}
