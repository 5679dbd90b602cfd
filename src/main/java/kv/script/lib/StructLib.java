package kv.script.lib;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;

/**
 * The {@code struct} library of Redis's Lua (Roberto Ierusalimschy's struct): pack, unpack and
 * size with formats of {@code > < ! x b B h H l L T i I s f d c} and counts, sizes and alignment as
 * on x86-64 (short 2, int 4, long and size_t 8, maximum alignment 8, native little endian).
 * Installed like LuaJ's own libraries: {@code globals.load(new StructLib())} sets the global {@code struct}.
 */
public final class StructLib extends OneArgFunction {
    private static final int MAX_INT_SIZE = 32;
    private static final int MAX_ALIGN = 8;

    @Override
    public LuaValue call(LuaValue arg) {
        LuaTable t = new LuaTable();
        LibFunctions.add(t, "pack", StructLib::pack);
        LibFunctions.add(t, "unpack", StructLib::unpack);
        LibFunctions.add(t, "size", StructLib::size);
        env.set("struct", t);
        return t;
    }

    /** A format string walked as C walks it (up to a NUL), with the byte order and alignment it sets. */
    private static final class Format {
        final String function;
        final byte[] fmt;
        int pos;
        boolean bigEndian;
        int align = 1;

        Format(Varargs args, String function) {
            this.function = function;
            LuaString s = CLua.checkString(args, 1, function);
            int length = 0;
            while (length < s.m_length && s.m_bytes[s.m_offset + length] != 0) {
                length++;
            }
            fmt = new byte[length];
            System.arraycopy(s.m_bytes, s.m_offset, fmt, 0, length);
        }

        boolean hasMore() {
            return pos < fmt.length;
        }

        char nextOption() {
            return (char) (fmt[pos++] & 0xff);
        }

        int number(int absent) {
            if (!hasMore() || !isDigit(fmt[pos])) {
                return absent;
            }
            int a = 0;
            do {
                int d = fmt[pos++] - '0';
                if (a > Integer.MAX_VALUE / 10 || a * 10 > Integer.MAX_VALUE - d) {
                    throw CLua.error("integral size overflow");
                }
                a = a * 10 + d;
            } while (hasMore() && isDigit(fmt[pos]));
            return a;
        }

        /** The size of an option's data; 0 for options without data and for 's'/'c0'. */
        int size(char opt) {
            switch (opt) {
                case 'b', 'B', 'x':
                    return 1;
                case 'h', 'H':
                    return 2;
                case 'l', 'L', 'T', 'd':
                    return 8;
                case 'f':
                    return 4;
                case 'c':
                    return number(1);
                case 'i', 'I': {
                    int size = number(4);
                    if (size > MAX_INT_SIZE) {
                        throw CLua.error("integral size " + size + " is larger than limit of " + MAX_INT_SIZE);
                    }
                    return size;
                }
                default:
                    return 0;
            }
        }

        /** Padding before an item at offset {@code at}; a size that is no power of two pads oddly, as in C. */
        int padding(long at, char opt, int size) {
            if (size == 0 || opt == 'c') {
                return 0;
            }
            int s = Math.min(size, align);
            return (int) ((s - (at & (s - 1))) & (s - 1));
        }

        void control(char opt) {
            switch (opt) {
                case ' ' -> {
                }
                case '>' -> bigEndian = true;
                case '<' -> bigEndian = false;
                case '!' -> {
                    int a = number(MAX_ALIGN);
                    if (a <= 0 || (a & (a - 1)) != 0) {
                        throw CLua.error("alignment " + a + " is not a power of 2");
                    }
                    align = a;
                }
                default -> throw CLua.argError(1, function, "invalid format option '" + opt + "'");
            }
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isIntegerOption(char opt) {
        return "bBhHlLTiI".indexOf(opt) >= 0;
    }

    /** pack's arguments; the first missing one reads as nil (struct pushes a nil mark after them). */
    private static String typeName(Varargs args, int arg) {
        return arg == args.narg() + 1 ? "nil" : CLua.typeName(args, arg);
    }

    private static double packNumber(Varargs args, int arg) {
        Double d = arg > args.narg() ? null : CLua.toNumber(args.arg(arg));
        if (d == null) {
            throw CLua.argError(arg, "pack", "number expected, got " + typeName(args, arg));
        }
        return d;
    }

    private static LuaString packString(Varargs args, int arg) {
        if (arg > args.narg()) {
            throw CLua.argError(arg, "pack", "string expected, got " + typeName(args, arg));
        }
        return CLua.checkString(args, arg, "pack");
    }

    private static Varargs pack(Varargs args) {
        Format f = new Format(args, "pack");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int arg = 2;
        long total = 0;
        while (f.hasMore()) {
            char opt = f.nextOption();
            int size = f.size(opt);
            int pad = f.padding(total, opt, size);
            total += pad;
            for (int i = 0; i < pad; i++) {
                out.write(0);
            }
            if (isIntegerOption(opt)) {
                double n = packNumber(args, arg++);
                long value = n < 0 ? CLua.toInt64(n) : CLua.toUInt64(n);
                writeInteger(out, value, size, f.bigEndian);
            } else if (opt == 'x') {
                out.write(0);
            } else if (opt == 'f') {
                writeInteger(out, Float.floatToRawIntBits((float) packNumber(args, arg++)) & 0xffffffffL, 4, f.bigEndian);
            } else if (opt == 'd') {
                writeInteger(out, Double.doubleToRawLongBits(packNumber(args, arg++)), 8, f.bigEndian);
            } else if (opt == 'c' || opt == 's') {
                LuaString s = packString(args, arg++);
                if (size == 0) {
                    size = s.m_length;
                }
                if (s.m_length < size) {
                    // struct checks against the already advanced argument index
                    throw CLua.argError(arg, "pack", "string too short");
                }
                out.write(s.m_bytes, s.m_offset, size);
                if (opt == 's') {
                    out.write(0);
                    size++;
                }
            } else {
                f.control(opt);
            }
            total += size;
        }
        return LuaString.valueOf(out.toByteArray());
    }

    /** The low {@code size} bytes of value in the byte order; beyond 8 bytes come zeros. */
    private static void writeInteger(ByteArrayOutputStream out, long value, int size, boolean bigEndian) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[bigEndian ? size - 1 - i : i] = (byte) value;
            value = i < 7 ? value >>> 8 : 0;
        }
        out.write(b, 0, size);
    }

    private static Varargs unpack(Varargs args) {
        Format f = new Format(args, "unpack");
        LuaString s = CLua.checkString(args, 2, "unpack");
        byte[] data = s.m_bytes;
        int base = s.m_offset;
        long length = s.m_length;
        long pos = CLua.optInteger(args, 3, "unpack", 1) - 1;
        if (pos < 0) {
            throw CLua.argError(3, "unpack", "offset must be 1 or greater");
        }
        List<LuaValue> results = new ArrayList<>();
        while (f.hasMore()) {
            char opt = f.nextOption();
            long size = f.size(opt);
            pos += f.padding(pos, opt, (int) size);
            if (pos + size > length) {
                throw CLua.argError(2, "unpack", "data string too short");
            }
            if (args.narg() + results.size() + 2 > CLua.MAX_C_STACK) {
                throw CLua.error("stack overflow (too many results)");
            }
            if (isIntegerOption(opt)) {
                results.add(LuaValue.valueOf(readInteger(data, base + (int) pos, (int) size, f.bigEndian, Character.isLowerCase(opt))));
            } else if (opt == 'f') {
                long bits = readBits(data, base + (int) pos, 4, f.bigEndian);
                results.add(LuaValue.valueOf((double) Float.intBitsToFloat((int) bits)));
            } else if (opt == 'd') {
                results.add(LuaValue.valueOf(Double.longBitsToDouble(readBits(data, base + (int) pos, 8, f.bigEndian))));
            } else if (opt == 'c') {
                if (size == 0) {
                    Double previous = results.isEmpty() ? null : CLua.toNumber(results.get(results.size() - 1));
                    if (previous == null) {
                        throw CLua.error("format 'c0' needs a previous size");
                    }
                    results.remove(results.size() - 1);
                    size = CLua.toUInt64(previous);
                    if (Long.compareUnsigned(size, length - pos) > 0) {
                        throw CLua.argError(2, "unpack", "data string too short");
                    }
                }
                results.add(LuaString.valueOf(data, base + (int) pos, (int) size));
            } else if (opt == 's') {
                int at = (int) pos;
                while (at < length && data[base + at] != 0) {
                    at++;
                }
                if (at == length) {
                    throw CLua.error("unfinished string in data");
                }
                results.add(LuaString.valueOf(data, base + (int) pos, at - (int) pos));
                size = at - pos + 1;
            } else if (opt != 'x') {
                f.control(opt);
            }
            pos += size;
        }
        results.add(LuaValue.valueOf((double) (pos + 1)));
        return LuaValue.varargsOf(results.toArray(new LuaValue[0]));
    }

    /** Up to 8 bytes as an unsigned number in the byte order. */
    private static long readBits(byte[] data, int at, int size, boolean bigEndian) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = (v << 8) | (data[at + (bigEndian ? i : size - 1 - i)] & 0xff);
        }
        return v;
    }

    /**
     * struct's integer read: only the last 8 bytes read survive the shifts, and the sign mask is
     * shifted by size*8-1, which Java like x86 takes modulo 64 for sizes over 8.
     */
    private static double readInteger(byte[] data, int at, int size, boolean bigEndian, boolean signed) {
        long l = readBits(data, at, size, bigEndian);
        if (!signed) {
            return CLua.unsignedToDouble(l);
        }
        long mask = -1L << (size * 8 - 1);
        if ((l & mask) != 0) {
            l |= mask;
        }
        return (double) l;
    }

    private static Varargs size(Varargs args) {
        Format f = new Format(args, "size");
        long pos = 0;
        while (f.hasMore()) {
            char opt = f.nextOption();
            int size = f.size(opt);
            pos += f.padding(pos, opt, size);
            if (opt == 's') {
                throw CLua.argError(1, "size", "option 's' has no fixed size");
            } else if (opt == 'c' && size == 0) {
                throw CLua.argError(1, "size", "option 'c0' has no fixed size");
            }
            if (!Character.isLetterOrDigit(opt) || opt > 0x7f) {
                f.control(opt);
            }
            pos += size;
        }
        return LuaValue.valueOf((double) pos);
    }
}
