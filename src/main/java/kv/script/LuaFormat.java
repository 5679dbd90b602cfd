package kv.script;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's string.format with C printf semantics for flags, width and precision (LuaJ 2.0.3
 * ignores width and precision for numbers), and tostring printing numbers as {@code %.14g}.
 */
final class LuaFormat {
    private LuaFormat() {
    }

    /** string.format(fmt, ...). */
    static final class Format extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaString fmt = args.checkstring(1);
            StringBuilder out = new StringBuilder(fmt.m_length + 16);
            int arg = 1;
            int n = fmt.m_length;
            for (int i = 0; i < n; i++) {
                char ch = (char) (fmt.luaByte(i) & 0xff);
                if (ch != '%') {
                    out.append(ch);
                    continue;
                }
                if (++i >= n) {
                    throw new LuaError("invalid option '%' to 'format'");
                }
                if (fmt.luaByte(i) == '%') {
                    out.append('%');
                    continue;
                }
                Spec spec = new Spec();
                while (i < n && "-+ #0".indexOf(fmt.luaByte(i)) >= 0) {
                    spec.flags.append((char) fmt.luaByte(i++));
                }
                while (i < n && Character.isDigit(fmt.luaByte(i))) {
                    spec.width = spec.width * 10 + fmt.luaByte(i++) - '0';
                }
                if (i < n && fmt.luaByte(i) == '.') {
                    i++;
                    spec.precision = 0;
                    while (i < n && Character.isDigit(fmt.luaByte(i))) {
                        spec.precision = spec.precision * 10 + fmt.luaByte(i++) - '0';
                    }
                }
                if (i >= n) {
                    throw new LuaError("invalid option '%' to 'format'");
                }
                char conv = (char) fmt.luaByte(i);
                arg++;
                String body = switch (conv) {
                    case 'd', 'i' -> integer(spec, (long) args.checkdouble(arg));
                    case 'u' -> integer(spec, (long) args.checkdouble(arg));
                    case 'c' -> String.valueOf((char) (args.checkint(arg) & 0xff));
                    case 'o' -> unsigned(spec, Long.toOctalString((long) args.checkdouble(arg)), "0");
                    case 'x' -> unsigned(spec, Long.toHexString((long) args.checkdouble(arg)), "0x");
                    case 'X' -> unsigned(spec, Long.toHexString((long) args.checkdouble(arg)).toUpperCase(Locale.ROOT), "0X");
                    case 'e', 'E', 'f', 'g', 'G' -> floating(spec, conv, args.checkdouble(arg));
                    case 'q' -> quoted(args.checkstring(arg));
                    case 's' -> {
                        String s = LuaFormat.tostring(args.checkvalue(arg)).tojstring();
                        yield spec.precision >= 0 && spec.precision < s.length() ? s.substring(0, spec.precision) : s;
                    }
                    default -> throw new LuaError("invalid option '%" + conv + "' to 'format'");
                };
                out.append(pad(spec, body, conv != 's' && conv != 'c' && conv != 'q'));
            }
            byte[] bytes = new byte[out.length()];
            for (int k = 0; k < bytes.length; k++) {
                bytes[k] = (byte) out.charAt(k);
            }
            return LuaValue.valueOf(bytes);
        }
    }

    private static final class Spec {
        final StringBuilder flags = new StringBuilder();
        int width;
        int precision = -1;

        boolean has(char flag) {
            return flags.indexOf(String.valueOf(flag)) >= 0;
        }
    }

    private static String sign(Spec spec, boolean negative) {
        return negative ? "-" : spec.has('+') ? "+" : spec.has(' ') ? " " : "";
    }

    private static String integer(Spec spec, long v) {
        String digits = Long.toString(Math.abs(v));
        if (v == Long.MIN_VALUE) {
            digits = digits.substring(1);
        }
        if (spec.precision >= 0) {
            digits = zeros(spec.precision - digits.length()) + digits;
            if (spec.precision == 0 && v == 0) {
                digits = "";
            }
        }
        return sign(spec, v < 0) + digits;
    }

    private static String unsigned(Spec spec, String digits, String alternatePrefix) {
        if (spec.precision >= 0) {
            digits = zeros(spec.precision - digits.length()) + digits;
        }
        return spec.has('#') && !digits.startsWith("0") ? alternatePrefix + digits : digits;
    }

    private static String floating(Spec spec, char conv, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            String s = Double.isNaN(v) ? "nan" : "inf";
            s = Character.isUpperCase(conv) ? s.toUpperCase(Locale.ROOT) : s;
            return sign(spec, v < 0 || Double.isNaN(v) && Double.doubleToRawLongBits(v) < 0) + s;
        }
        int precision = spec.precision < 0 ? 6 : spec.precision;
        boolean negative = v < 0 || v == 0 && 1 / v < 0;
        double a = Math.abs(v);
        String body = switch (Character.toLowerCase(conv)) {
            case 'f' -> new BigDecimal(a).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
            case 'e' -> scientific(a, precision);
            default -> general(a, precision == 0 ? 1 : precision, spec.has('#'));
        };
        if (Character.isUpperCase(conv)) {
            body = body.toUpperCase(Locale.ROOT);
        }
        return sign(spec, negative) + body;
    }

    /** {@code %.{precision}e} of a non-negative finite value. */
    private static String scientific(double a, int precision) {
        if (a == 0) {
            return (precision > 0 ? "0." + zeros(precision) : "0") + "e+00";
        }
        BigDecimal rounded = new BigDecimal(a).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        String digits = rounded.unscaledValue().toString();
        digits = (digits + zeros(precision + 1)).substring(0, precision + 1);
        String mantissa = precision > 0 ? digits.charAt(0) + "." + digits.substring(1) : digits.substring(0, 1);
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }

    /** {@code %.{precision}g} of a non-negative finite value: trailing zeros removed unless '#'. */
    static String general(double a, int precision, boolean keepZeros) {
        if (a == 0) {
            return keepZeros ? "0." + zeros(precision - 1) : "0";
        }
        BigDecimal rounded = new BigDecimal(a).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            String s = scientific(a, precision - 1);
            if (!keepZeros) {
                int e = s.indexOf('e');
                String mantissa = s.substring(0, e);
                if (mantissa.indexOf('.') >= 0) {
                    mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
                }
                s = mantissa + s.substring(e);
            }
            return s;
        }
        String s = rounded.setScale(Math.max(0, precision - 1 - exponent), RoundingMode.HALF_EVEN).toPlainString();
        if (!keepZeros && s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    private static String quoted(LuaString s) {
        StringBuilder sb = new StringBuilder(s.m_length + 2).append('"');
        for (int i = 0; i < s.m_length; i++) {
            int b = s.luaByte(i);
            switch (b) {
                case '"', '\\', '\n' -> sb.append('\\').append((char) b);
                case '\r' -> sb.append("\\r");
                case 0 -> sb.append("\\000");
                default -> sb.append((char) b);
            }
        }
        return sb.append('"').toString();
    }

    private static String pad(Spec spec, String body, boolean numeric) {
        int missing = spec.width - body.length();
        if (missing <= 0) {
            return body;
        }
        if (spec.has('-')) {
            return body + " ".repeat(missing);
        }
        if (numeric && spec.has('0')) {
            int signLength = !body.isEmpty() && "+- ".indexOf(body.charAt(0)) >= 0 ? 1 : 0;
            if (!body.endsWith("inf") && !body.endsWith("nan") && !body.endsWith("INF") && !body.endsWith("NAN")) {
                return body.substring(0, signLength) + zeros(missing) + body.substring(signLength);
            }
        }
        return " ".repeat(missing) + body;
    }

    private static String zeros(int n) {
        return n <= 0 ? "" : "0".repeat(n);
    }

    /** Lua 5.1's tostring: numbers as {@code %.14g}, everything else as LuaJ prints it. */
    static LuaValue tostring(LuaValue v) {
        if (v.type() == LuaValue.TNUMBER) {
            return LuaNumbers.text(LuaNumbers.format(v.todouble()));
        }
        LuaValue meta = v.getmetatable();
        if (meta != null) {
            LuaValue handler = meta.rawget("__tostring");
            if (!handler.isnil()) {
                return handler.call(v);
            }
        }
        return v.isstring() ? v : LuaNumbers.text(v.tojstring());
    }

    /** tostring(v). */
    static final class ToString extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            return LuaFormat.tostring(args.checkvalue(1));
        }
    }
}
