package kv.script;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import kv.util.StrToD;

/**
 * Rewrites a script's source where LuaJ 2.0's lexer reads it otherwise than Redis' Lua 5.1
 * (recorded from redis-server 7.0.15), so LuaJ compiles what Redis would:
 * <ul>
 * <li>a {@code [[...]]} string or comment containing {@code [[}: Redis' Lua reads it to the first
 * {@code ]]}, LuaJ refuses it as deprecated nesting; it becomes a bracket of a higher level
 * ({@code [=[...]=]}) around the same content;
 * <li>hexadecimal numerals, which Lua reads with glibc's strtod ({@code 0X}, binary exponents
 * {@code 0x1p4}, more than 64 bits) and LuaJ with Long.parseLong: they become their value in decimal.
 * </ul>
 * Then, in {@link #controlCharacters}, control characters outside strings and comments: Lua 5.1
 * reads them as (invalid) one-character tokens, LuaJ skips them as blanks; they become DEL, which
 * LuaJ reads as such a token. That step keeps every offset, so error messages can name the original.
 */
final class LuaSourceFixups {
    private static final byte DEL = 127;

    private LuaSourceFixups() {
    }

    /** The long-bracket and numeral rewrites; {@code source} itself when none applies. */
    static byte[] bracketsAndNumerals(byte[] source) {
        return new Pass(source, false).run();
    }

    /** Control characters outside strings and comments replaced by DEL (same length); {@code source} when none. */
    static byte[] controlCharacters(byte[] source) {
        return new Pass(source, true).run();
    }

    private static final class Pass {
        private final byte[] s;
        private final boolean controls;
        private ByteArrayOutputStream out;
        private int copied;

        Pass(byte[] s, boolean controls) {
            this.s = s;
            this.controls = controls;
        }

        byte[] run() {
            int i = 0;
            int n = s.length;
            while (i < n) {
                int c = s[i] & 0xff;
                if (c == '-' && i + 1 < n && s[i + 1] == '-') {
                    int level = level(i + 2);
                    i = level >= 0 ? longBracket(i + 2, level) : lineEnd(i + 2);
                } else if (c == '[' && level(i) >= 0) {
                    i = longBracket(i, level(i));
                } else if (c == '"' || c == '\'') {
                    i = stringEnd(i, c);
                } else if (isDigit(c) || (c == '.' && i + 1 < n && isDigit(s[i + 1] & 0xff))) {
                    i = numeral(i);
                } else if (isAlpha(c) || c == '_') {
                    do {
                        i++;
                    } while (i < n && (isAlpha(s[i] & 0xff) || isDigit(s[i] & 0xff) || s[i] == '_'));
                } else {
                    if (controls && (c < ' ' && c != ' ' && c != '\t' && c != '\n' && c != 0x0b && c != '\f' && c != '\r')) {
                        replace(i, i + 1, new byte[] {DEL});
                    }
                    i++;
                }
            }
            if (out == null) {
                return s;
            }
            out.write(s, copied, n - copied);
            return out.toByteArray();
        }

        private void replace(int from, int to, byte[] with) {
            if (out == null) {
                out = new ByteArrayOutputStream(s.length + 16);
            }
            out.write(s, copied, from - copied);
            out.writeBytes(with);
            copied = to;
        }

        /** The level of a long bracket opening at {@code i} ({@code [=*[}), or -1. */
        private int level(int i) {
            if (i >= s.length || s[i] != '[') {
                return -1;
            }
            int j = i + 1;
            while (j < s.length && s[j] == '=') {
                j++;
            }
            return j < s.length && s[j] == '[' ? j - i - 1 : -1;
        }

        /** Past the long bracket opening at {@code open}: its closing, or the end of the source. */
        private int longBracket(int open, int level) {
            int from = open + level + 2;
            byte[] close = closing(level);
            int end = indexOf(s, close, from, s.length);
            int contentEnd = end < 0 ? s.length : end;
            int after = end < 0 ? s.length : end + close.length;
            if (!controls && level == 0 && indexOf(s, new byte[] {'[', '['}, from, contentEnd) >= 0) {
                byte[] content = Arrays.copyOfRange(s, from, contentEnd);
                int higher = 1;
                while (!closesOnlyAtItsEnd(content, closing(higher))) {
                    higher++;
                }
                byte[] eq = "=".repeat(higher).getBytes(StandardCharsets.US_ASCII);
                ByteArrayOutputStream b = new ByteArrayOutputStream(content.length + 2 * higher + 4);
                b.write('[');
                b.writeBytes(eq);
                b.write('[');
                b.writeBytes(content);
                if (end >= 0) {
                    b.writeBytes(closing(higher));
                }
                replace(open, after, b.toByteArray());
            }
            return after;
        }

        private static boolean closesOnlyAtItsEnd(byte[] content, byte[] close) {
            byte[] both = Arrays.copyOf(content, content.length + close.length);
            System.arraycopy(close, 0, both, content.length, close.length);
            return indexOf(both, close, 0, both.length) == content.length;
        }

        private static byte[] closing(int level) {
            return ("]" + "=".repeat(level) + "]").getBytes(StandardCharsets.US_ASCII);
        }

        private int lineEnd(int i) {
            while (i < s.length && s[i] != '\n' && s[i] != '\r') {
                i++;
            }
            return i;
        }

        /** Past a quoted string: its closing quote, or where Lua stops reading it (line end, end of source). */
        private int stringEnd(int i, int quote) {
            int j = i + 1;
            while (j < s.length) {
                int d = s[j] & 0xff;
                if (d == quote) {
                    return j + 1;
                }
                if (d == '\n' || d == '\r') {
                    return j;
                }
                j += d == '\\' ? 2 : 1;
            }
            return s.length;
        }

        /** Lua 5.1's read_numeral: digits and dots, an exponent sign, then any letters, digits and '_'. */
        private int numeral(int i) {
            int j = i;
            while (j < s.length && (isDigit(s[j] & 0xff) || s[j] == '.')) {
                j++;
            }
            if (j < s.length && (s[j] == 'e' || s[j] == 'E')) {
                j++;
                if (j < s.length && (s[j] == '+' || s[j] == '-')) {
                    j++;
                }
            }
            while (j < s.length && (isAlpha(s[j] & 0xff) || isDigit(s[j] & 0xff) || s[j] == '_')) {
                j++;
            }
            if (!controls && j - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
                StrToD read = new StrToD().parse(s, i, j);
                if (read.end == j) {
                    // always with an exponent: "1.0" followed by the ".8" of "0x1.8" would read as one numeral
                    String decimal = Double.isInfinite(read.value) ? "1e999" : Double.toString(read.value);
                    if (decimal.indexOf('E') < 0) {
                        decimal += "E0";
                    }
                    replace(i, j, decimal.getBytes(StandardCharsets.US_ASCII));
                }
            }
            return j;
        }

        private static int indexOf(byte[] in, byte[] what, int from, int to) {
            outer:
            for (int i = from; i + what.length <= to; i++) {
                for (int k = 0; k < what.length; k++) {
                    if (in[i + k] != what[k]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isAlpha(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }
    }
}
