package kv.script;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.compiler.LuaC;

import kv.util.StrToD;

/**
 * Compile errors as Lua 5.1 words them, with the {@code near '<token>'} part LuaJ's parser leaves
 * out (and "malformed number" where LuaJ fails with a Java exception). Lua names the token the lexer
 * had read when the error was raised. That token is found again from how far LuaJ's lexer read the
 * source (it reads one byte past each token), then lexed here with Lua 5.1's rules, which also give
 * its text: names, numbers and strings as the lexer's buffer held them, other tokens by their symbol.
 */
final class LuaSyntaxErrors {
    private static final Pattern POSITIONED = Pattern.compile("(?s)^(.*?):(\\d+): (.*)$");
    /** Errors Lua's lexer raises itself, about the token it is reading. */
    private static final List<String> LEXICAL = List.of("unfinished string", "unfinished long string",
            "unfinished long comment", "malformed number", "escape sequence too large", "invalid long string delimiter");
    private static final String EOF = "<eof>";

    private LuaSyntaxErrors() {
    }

    /**
     * Lua 5.1's message ("chunk:line: message near 'token'") for LuaJ's failure {@code error} to
     * compile {@code source} as {@code chunkName}; LuaJ's own message where the token cannot be told.
     * LuaJ compiled {@code compiled}: {@code source} with control characters made DEL (same offsets).
     */
    static String message(byte[] source, byte[] compiled, String chunkName, RuntimeException error) {
        String chunk = chunkName.startsWith("@") || chunkName.startsWith("=") ? chunkName.substring(1) : chunkName;
        Scanner scanner = new Scanner(source);
        if (!(error instanceof LuaError)) {
            // LuaJ parses some malformed numbers with Java's parsers, which throw their own exceptions
            LexicalError lexical = scanner.firstLexicalError();
            return lexical == null ? String.valueOf(error.getMessage()) : chunk + ":" + lexical.line + ": " + lexical.describe();
        }
        String text = error.getMessage();
        Matcher m = text == null ? null : POSITIONED.matcher(text);
        if (m == null || !m.matches()) {
            return text;
        }
        String message = m.group(3);
        if (message.contains("has more than") || message.equals("chunk has too many syntax levels")) {
            return text; // Lua raises these without a token
        }
        String near;
        if (LEXICAL.contains(message)) {
            LexicalError lexical = scanner.firstLexicalError();
            near = lexical == null ? null : lexical.near;
        } else {
            near = scanner.tokenEndingAt(bytesReadWhenFailing(compiled, chunkName) - 2);
        }
        return near == null ? text : text + " near '" + near + "'";
    }

    /**
     * How many reads LuaJ's lexer made of the source, a blank added, when it failed: up to the byte
     * after the failing token (so two more than the index of its last byte), or one past the blank
     * if the token was the end of the source. The blank makes the two differ when a token ends the source.
     */
    private static int bytesReadWhenFailing(byte[] source, String chunkName) {
        byte[] padded = new byte[source.length + 1];
        System.arraycopy(source, 0, padded, 0, source.length);
        padded[source.length] = ' ';
        CountingInput in = new CountingInput(padded);
        try {
            LuaC.compile(in, chunkName);
        } catch (RuntimeException | IOException e) {
            return in.reads;
        }
        return -1;
    }

    /** Counts read() calls, end-of-input ones included. */
    private static final class CountingInput extends InputStream {
        private final ByteArrayInputStream in;
        int reads;

        CountingInput(byte[] bytes) {
            this.in = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            reads++;
            return in.read();
        }
    }

    /** A lexical error: Lua's message and the text it names (null: none). */
    private static final class LexicalError extends Exception {
        private static final long serialVersionUID = 1L;
        final String message;
        final String near;
        final int line;

        LexicalError(String message, String near, int line) {
            super(message, null, false, false);
            this.message = message;
            this.near = near;
            this.line = line;
        }

        String describe() {
            return near == null ? message : message + " near '" + near + "'";
        }
    }

    /** Lua 5.1's lexer (llex.c's rules, C locale), reduced to what error messages need. */
    private static final class Scanner {
        private static final int EOZ = -1;
        private final byte[] s;
        private int pos;
        private int line = 1;
        private final StringBuilder buffer = new StringBuilder();

        Scanner(byte[] s) {
            this.s = s;
        }

        /** The text Lua's message shows for the token whose last byte is at {@code last}; null if none is. */
        String tokenEndingAt(int last) {
            if (last >= s.length) {
                return EOF;
            }
            try {
                while (true) {
                    String token = next();
                    if (token == null || pos - 1 > last) {
                        return null;
                    }
                    if (pos - 1 == last) {
                        return token;
                    }
                }
            } catch (LexicalError e) {
                return null;
            }
        }

        LexicalError firstLexicalError() {
            try {
                while (next() != null) {
                    // tokens are not needed, only where lexing fails
                }
                return null;
            } catch (LexicalError e) {
                return e;
            }
        }

        private int current() {
            return pos < s.length ? s[pos] & 0xff : EOZ;
        }

        private void skip() {
            pos++;
        }

        private void save(int c) {
            buffer.append((char) c);
        }

        private void saveAndSkip() {
            save(current());
            skip();
        }

        private boolean skipIf(String chars) {
            if (current() != EOZ && chars.indexOf(current()) >= 0) {
                saveAndSkip();
                return true;
            }
            return false;
        }

        private LexicalError error(String message, String near) {
            return new LexicalError(message, near, line);
        }

        private static boolean isNewline(int c) {
            return c == '\n' || c == '\r';
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isAlpha(int c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
        }

        private static boolean isSpace(int c) {
            return c == ' ' || c >= '\t' && c <= '\r';
        }

        private void newline() {
            int old = current();
            skip();
            if (isNewline(current()) && current() != old) {
                skip();
            }
            line++;
        }

        /** The next token's text as Lua's messages show it; null at the end of the source. */
        String next() throws LexicalError {
            buffer.setLength(0);
            while (true) {
                int c = current();
                switch (c) {
                    case '\n', '\r' -> newline();
                    case '-' -> {
                        skip();
                        if (current() != '-') {
                            return "-";
                        }
                        skip();
                        if (current() == '[') {
                            int sep = separator();
                            buffer.setLength(0);
                            if (sep >= 0) {
                                longString(false, sep);
                                buffer.setLength(0);
                                continue;
                            }
                        }
                        while (!isNewline(current()) && current() != EOZ) {
                            skip();
                        }
                    }
                    case '[' -> {
                        int sep = separator();
                        if (sep >= 0) {
                            longString(true, sep);
                            return buffer.toString();
                        }
                        if (sep == -1) {
                            return "[";
                        }
                        throw error("invalid long string delimiter", buffer.toString());
                    }
                    case '=', '<', '>', '~' -> {
                        skip();
                        if (current() != '=') {
                            return String.valueOf((char) c);
                        }
                        skip();
                        return (char) c + "=";
                    }
                    case '"', '\'' -> {
                        string(c);
                        return buffer.toString();
                    }
                    case '.' -> {
                        saveAndSkip();
                        if (skipIf(".")) {
                            return skipIf(".") ? "..." : "..";
                        }
                        if (!isDigit(current())) {
                            return ".";
                        }
                        numeral();
                        return buffer.toString();
                    }
                    case EOZ -> {
                        return null;
                    }
                    default -> {
                        if (isSpace(c)) {
                            skip();
                        } else if (isDigit(c)) {
                            numeral();
                            return buffer.toString();
                        } else if (isAlpha(c) || c == '_') {
                            // a reserved word shows as itself too
                            do {
                                saveAndSkip();
                            } while (isAlpha(current()) || isDigit(current()) || current() == '_');
                            return buffer.toString();
                        } else {
                            skip();
                            // Lua's token 0 (a NUL byte) counts as none: its message names no token
                            return c == 0 ? null : c < ' ' || c == 127 ? "char(" + c + ")" : String.valueOf((char) c);
                        }
                    }
                }
            }
        }

        /** Lua's skip_sep: the level of a long bracket, or -1 - (number of '=') when it is none. */
        private int separator() {
            int count = 0;
            int open = current();
            saveAndSkip();
            while (current() == '=') {
                saveAndSkip();
                count++;
            }
            return current() == open ? count : -count - 1;
        }

        private void longString(boolean isString, int sep) throws LexicalError {
            saveAndSkip();
            if (isNewline(current())) {
                newline();
            }
            while (true) {
                switch (current()) {
                    case EOZ -> throw error(isString ? "unfinished long string" : "unfinished long comment", EOF);
                    case '[' -> {
                        // Redis' Lua is built without LUA_COMPAT_LSTR's nesting error
                        separator();
                    }
                    case ']' -> {
                        if (separator() == sep) {
                            saveAndSkip();
                            return;
                        }
                    }
                    case '\n', '\r' -> {
                        save('\n');
                        newline();
                        if (!isString) {
                            buffer.setLength(0);
                        }
                    }
                    default -> {
                        if (isString) {
                            saveAndSkip();
                        } else {
                            skip();
                        }
                    }
                }
            }
        }

        private void string(int delimiter) throws LexicalError {
            saveAndSkip();
            while (current() != delimiter) {
                switch (current()) {
                    case EOZ -> throw error("unfinished string", EOF);
                    case '\n', '\r' -> throw error("unfinished string", buffer.toString());
                    case '\\' -> escape();
                    default -> saveAndSkip();
                }
            }
            saveAndSkip();
        }

        private void escape() throws LexicalError {
            skip();
            int c = current();
            int code = switch (c) {
                case 'a' -> 7;
                case 'b' -> 8;
                case 'f' -> 12;
                case 'n' -> 10;
                case 'r' -> 13;
                case 't' -> 9;
                case 'v' -> 11;
                default -> -1;
            };
            if (code >= 0) {
                save(code);
                skip();
            } else if (isNewline(c)) {
                save('\n');
                newline();
            } else if (c == EOZ) {
                // the string's loop reports it unfinished
            } else if (!isDigit(c)) {
                saveAndSkip();
            } else {
                int value = 0;
                int digits = 0;
                do {
                    value = 10 * value + current() - '0';
                    skip();
                } while (++digits < 3 && isDigit(current()));
                if (value > 255) {
                    throw error("escape sequence too large", buffer.toString());
                }
                save(value);
            }
        }

        private void numeral() throws LexicalError {
            do {
                saveAndSkip();
            } while (isDigit(current()) || current() == '.');
            if (skipIf("Ee")) {
                skipIf("+-");
            }
            while (isAlpha(current()) || isDigit(current()) || current() == '_') {
                saveAndSkip();
            }
            if (!isNumber(buffer)) {
                throw error("malformed number", buffer.toString());
            }
        }

        /** luaO_str2d: strtod reads it all (hexadecimal through strtoul), trailing blanks allowed. */
        private static boolean isNumber(CharSequence text) {
            byte[] b = new byte[text.length()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) text.charAt(i);
            }
            int end = new StrToD().parse(b, 0, b.length).end;
            if (end == 0) {
                return false;
            }
            if (end < b.length && (b[end] == 'x' || b[end] == 'X')) {
                end = hexEnd(b);
            }
            while (end < b.length && isSpace(b[end])) {
                end++;
            }
            return end == b.length;
        }

        /** Where strtoul(s, &end, 16) stops on a numeral (which starts with a digit). */
        private static int hexEnd(byte[] b) {
            int i = 0;
            if (b.length > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X') && Character.digit(b[2], 16) >= 0) {
                i = 2;
            }
            int start = i;
            while (i < b.length && Character.digit(b[i], 16) >= 0) {
                i++;
            }
            return i == start ? 0 : i;
        }
    }
}
