package kv.script.lib;

import java.io.ByteArrayOutputStream;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code cmsgpack.pack}'s encodings, picked as lua-cmsgpack picks them: the smallest integer
 * form for integral numbers in the int64 range, float32 when the double survives the round
 * trip, a table as an array when its keys are exactly 1..n, tables nested deeper than 16 as nil.
 */
final class MsgpackEncoder {
    private static final int MAX_NESTING = 16;
    /** Java's 0/0 is the positive quiet NaN; x86 (and so Redis's Lua) makes the negative one. */
    private static final long JAVA_NAN = 0x7ff8000000000000L;
    private static final long X86_NAN = 0xfff8000000000000L;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    byte[] toByteArray() {
        return out.toByteArray();
    }

    void value(LuaValue v, int level) {
        switch (v.type()) {
            case LuaValue.TSTRING -> string(v.checkstring());
            case LuaValue.TBOOLEAN -> out.write(v.toboolean() ? 0xc3 : 0xc2);
            case LuaValue.TNUMBER -> number(v.todouble());
            case LuaValue.TTABLE -> {
                if (level == MAX_NESTING) {
                    out.write(0xc0);
                } else {
                    table((LuaTable) v, level);
                }
            }
            default -> out.write(0xc0);
        }
    }

    private void number(double d) {
        long i = CLua.toInt64(d);
        if (!Double.isInfinite(d) && (double) i == d) {
            integer(i);
        } else {
            float f = (float) d;
            if ((double) f == d) {
                out.write(0xca);
                bigEndian(Float.floatToRawIntBits(f), 4);
            } else {
                long bits = Double.doubleToRawLongBits(d);
                out.write(0xcb);
                bigEndian(bits == JAVA_NAN ? X86_NAN : bits, 8);
            }
        }
    }

    private void integer(long n) {
        if (n >= 0) {
            if (n <= 127) {
                out.write((int) n);
            } else if (n <= 0xff) {
                out.write(0xcc);
                bigEndian(n, 1);
            } else if (n <= 0xffff) {
                out.write(0xcd);
                bigEndian(n, 2);
            } else if (n <= 0xffffffffL) {
                out.write(0xce);
                bigEndian(n, 4);
            } else {
                out.write(0xcf);
                bigEndian(n, 8);
            }
        } else if (n >= -32) {
            out.write((int) (n & 0xff));
        } else if (n >= -128) {
            out.write(0xd0);
            bigEndian(n, 1);
        } else if (n >= -32768) {
            out.write(0xd1);
            bigEndian(n, 2);
        } else if (n >= Integer.MIN_VALUE) {
            out.write(0xd2);
            bigEndian(n, 4);
        } else {
            out.write(0xd3);
            bigEndian(n, 8);
        }
    }

    private void string(LuaString s) {
        int len = s.m_length;
        if (len < 32) {
            out.write(0xa0 | len);
        } else if (len <= 0xff) {
            out.write(0xd9);
            bigEndian(len, 1);
        } else if (len <= 0xffff) {
            out.write(0xda);
            bigEndian(len, 2);
        } else {
            out.write(0xdb);
            bigEndian(len, 4);
        }
        out.write(s.m_bytes, s.m_offset, len);
    }

    private void table(LuaTable t, int level) {
        int arrayLength = arrayLength(t);
        if (arrayLength >= 0) {
            header(arrayLength, 0x90, 0xdc, 0xdd);
            for (int i = 1; i <= arrayLength; i++) {
                value(t.rawget(i), level + 1);
            }
            return;
        }
        int entries = 0;
        for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
            entries++;
        }
        header(entries, 0x80, 0xde, 0xdf);
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = t.next(k);
            k = next.arg1();
            if (k.isnil()) {
                break;
            }
            value(k, level + 1);
            value(next.arg(2), level + 1);
        }
    }

    /** n when the keys are exactly 1..n (an empty table is an empty array), else -1. */
    private static int arrayLength(LuaTable t) {
        int count = 0;
        int max = 0;
        for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
            if (k.type() != LuaValue.TNUMBER) {
                return -1;
            }
            double d = k.todouble();
            // the key must survive C's (int) cast: a positive 32-bit integer
            if (!(d > 0 && d < 0x1p31 && (int) d == d)) {
                return -1;
            }
            max = Math.max(max, (int) d);
            count++;
        }
        return max == count ? count : -1;
    }

    private void header(int n, int fix, int op16, int op32) {
        if (n <= 15) {
            out.write(fix | n);
        } else if (n <= 0xffff) {
            out.write(op16);
            bigEndian(n, 2);
        } else {
            out.write(op32);
            bigEndian(n, 4);
        }
    }

    private void bigEndian(long v, int bytes) {
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.write((int) (v >>> shift) & 0xff);
        }
    }
}
