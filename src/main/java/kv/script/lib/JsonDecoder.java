package kv.script.lib;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import kv.util.StrToD;

/**
 * {@code cjson.decode}: JSON text to Lua values with lua-cjson's tokenizer and its error texts
 * ("Expected value but found invalid token at character 1"). Numbers are read by strtod, so with
 * {@code decode_invalid_numbers} on, hex, inf and nan are accepted as cjson accepts them.
 */
final class JsonDecoder {
    private enum Kind {
        OBJ_BEGIN, OBJ_END, ARR_BEGIN, ARR_END, STRING, NUMBER, BOOLEAN, NULL, COLON, COMMA, END, ERROR;

        /** The name cjson prints for a token it did not expect. */
        String label() {
            return "T_" + name();
        }
    }

    private final JsonConfig config;
    private final byte[] data;
    private final int base;
    private final int end;
    private int pos;
    private int depth;
    private final StrToD strtod = new StrToD();
    /** Lua stack slots cjson would hold at this point (the argument, plus per open container). */
    private int stackUsed = 1;

    // the current token
    private Kind kind;
    private int tokenIndex;
    private LuaValue tokenValue;
    private String tokenError;

    private JsonDecoder(JsonConfig config, byte[] data, int from, int end) {
        this.config = config;
        this.data = data;
        this.base = from;
        this.pos = from;
        this.end = end;
    }

    static LuaValue decode(JsonConfig config, Varargs args) {
        if (args.narg() != 1) {
            throw CLua.argError(1, "decode", "expected 1 argument");
        }
        LuaString s = CLua.checkString(args, 1, "decode");
        byte[] b = s.m_bytes;
        int from = s.m_offset;
        // a NUL among the first two bytes is how cjson recognises UTF-16/32 text
        if (s.m_length >= 2 && (b[from] == 0 || b[from + 1] == 0)) {
            throw CLua.error("JSON parser does not support UTF-16 or UTF-32");
        }
        JsonDecoder decoder = new JsonDecoder(config, b, from, from + s.m_length);
        decoder.next();
        LuaValue result = decoder.value();
        decoder.next();
        if (decoder.kind != Kind.END) {
            throw decoder.unexpected("the end");
        }
        return result;
    }

    /** Position in the text, 0-based (cjson's {@code ptr - data}). */
    private int offset() {
        return pos - base;
    }

    /** An object or array being filled; the walk keeps them on a heap stack, so deep input cannot overflow Java's. */
    private static final class Open {
        final LuaTable table = new LuaTable();
        final boolean object;
        LuaValue key;
        int index;

        Open(boolean object) {
            this.object = object;
        }
    }

    /** The value starting at the current token. */
    private LuaValue value() {
        Deque<Open> open = new ArrayDeque<>();
        while (true) {
            LuaValue v = switch (kind) {
                case STRING, NUMBER, BOOLEAN -> tokenValue;
                case NULL -> JsonNull.INSTANCE;
                case OBJ_BEGIN -> enter(open, true);
                case ARR_BEGIN -> enter(open, false);
                default -> throw unexpected("value");
            };
            // v == null: a container was opened and the current token starts its first value
            while (v != null) {
                Open top = open.peek();
                if (top == null) {
                    return v;
                }
                v = top.object ? addMember(open, top, v) : addElement(open, top, v);
            }
        }
    }

    /** Opens a container; answers it when it is empty, else null with the current token on its first value. */
    private LuaTable enter(Deque<Open> open, boolean object) {
        int slots = object ? 2 : 1;
        descend(slots + 1);
        Open o = new Open(object);
        stackUsed += slots;
        next();
        if (kind == (object ? Kind.OBJ_END : Kind.ARR_END)) {
            leave(slots);
            return o.table;
        }
        open.push(o);
        if (object) {
            o.key = memberKey();
        } else {
            o.index = 1;
        }
        return null;
    }

    private LuaValue addMember(Deque<Open> open, Open o, LuaValue v) {
        o.table.rawset(o.key, v);
        next();
        if (kind == Kind.OBJ_END) {
            open.pop();
            leave(2);
            return o.table;
        }
        if (kind != Kind.COMMA) {
            throw unexpected("comma or object end");
        }
        next();
        o.key = memberKey();
        return null;
    }

    private LuaValue addElement(Deque<Open> open, Open o, LuaValue v) {
        o.table.rawset(o.index++, v);
        next();
        if (kind == Kind.ARR_END) {
            open.pop();
            leave(1);
            return o.table;
        }
        if (kind != Kind.COMMA) {
            throw unexpected("comma or array end");
        }
        next();
        return null;
    }

    /** Reads {@code "key" :} and moves to the member's value. */
    private LuaValue memberKey() {
        if (kind != Kind.STRING) {
            throw unexpected("object key string");
        }
        LuaValue key = tokenValue;
        next();
        if (kind != Kind.COLON) {
            throw unexpected("colon");
        }
        next();
        return key;
    }

    private void leave(int slots) {
        stackUsed -= slots;
        depth--;
    }

    /** Enters a container; cjson also fails when Lua's C stack could not take {@code slots} more. */
    private void descend(int slots) {
        depth++;
        if (depth > config.decodeMaxDepth || stackUsed + slots > CLua.MAX_C_STACK) {
            throw CLua.error("Found too many nested data structures (" + depth + ") at character " + offset());
        }
    }

    private RuntimeException unexpected(String expected) {
        String found = kind == Kind.ERROR ? tokenError : kind.label();
        return CLua.error("Expected " + expected + " but found " + found + " at character " + (tokenIndex + 1));
    }

    private int at(int i) {
        return i < end ? data[i] & 0xff : 0;
    }

    private void next() {
        while (true) {
            int c = at(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            pos++;
        }
        tokenIndex = offset();
        int c = at(pos);
        switch (c) {
            case '{' -> single(Kind.OBJ_BEGIN);
            case '}' -> single(Kind.OBJ_END);
            case '[' -> single(Kind.ARR_BEGIN);
            case ']' -> single(Kind.ARR_END);
            case ':' -> single(Kind.COLON);
            case ',' -> single(Kind.COMMA);
            case 0 -> kind = Kind.END;
            case '"' -> string();
            default -> other(c);
        }
    }

    private void single(Kind k) {
        kind = k;
        pos++;
    }

    private void other(int c) {
        if (c == '-' || (c >= '0' && c <= '9')) {
            if (config.decodeInvalidNumbers == 0 && isInvalidNumber()) {
                error("invalid number");
            } else {
                number();
            }
        } else if (startsWith("true")) {
            literal(LuaValue.TRUE, 4);
        } else if (startsWith("false")) {
            literal(LuaValue.FALSE, 5);
        } else if (startsWith("null")) {
            kind = Kind.NULL;
            pos += 4;
        } else if (config.decodeInvalidNumbers != 0 && isInvalidNumber()) {
            number();
        } else {
            error("invalid token");
        }
    }

    private void literal(LuaValue v, int length) {
        kind = Kind.BOOLEAN;
        tokenValue = v;
        pos += length;
    }

    private boolean startsWith(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (at(pos + i) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** What JSON forbids but strtod reads: a leading '+', hex, leading zeros, inf and nan. */
    private boolean isInvalidNumber() {
        int p = pos;
        if (at(p) == '+') {
            return true;
        }
        if (at(p) == '-') {
            p++;
        }
        int c = at(p);
        if (c == '0') {
            int c2 = at(p + 1);
            return (c2 | 0x20) == 'x' || (c2 >= '0' && c2 <= '9');
        }
        if (c <= '9') {
            return false;
        }
        return startsWithIgnoreCase(p, "inf") || startsWithIgnoreCase(p, "nan");
    }

    private boolean startsWithIgnoreCase(int p, String word) {
        for (int i = 0; i < word.length(); i++) {
            if ((at(p + i) | 0x20) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void number() {
        int p = pos;
        boolean negative = at(p) == '-';
        if (negative) {
            p++;
        }
        int digitsStart = p;
        long value = 0;
        while (p - digitsStart < 15 && at(p) >= '0' && at(p) <= '9') {
            value = value * 10 + (at(p++) - '0');
        }
        int next = at(p);
        boolean plainInteger = p > digitsStart && !(next >= '0' && next <= '9') && next != '.'
                && (next | 0x20) != 'e' && (next | 0x20) != 'x';
        if (plainInteger) {
            // what strtod would read, without its general machinery
            kind = Kind.NUMBER;
            tokenValue = LuaValue.valueOf(negative ? -(double) value : (double) value);
            pos = p;
            return;
        }
        // strtod stops at a NUL byte as at the end of a C string, so the whole input is a fine bound
        StrToD r = strtod.parse(data, pos, end);
        if (r.end == pos) {
            error("invalid number");
            return;
        }
        kind = Kind.NUMBER;
        tokenValue = LuaValue.valueOf(r.value);
        pos = r.end;
    }

    private void string() {
        pos++;
        int plainEnd = pos;
        while (plainEnd < end && data[plainEnd] != '"' && data[plainEnd] != '\\' && data[plainEnd] != 0) {
            plainEnd++;
        }
        if (plainEnd < end && data[plainEnd] == '"') {
            // no escapes: the bytes as they are
            kind = Kind.STRING;
            tokenValue = LuaString.valueOf(Arrays.copyOfRange(data, pos, plainEnd));
            pos = plainEnd + 1;
            return;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (true) {
            int c = at(pos);
            if (c == '"') {
                break;
            }
            if (c == 0) {
                error("unexpected end of string");
                return;
            }
            if (c == '\\') {
                int e = at(pos + 1);
                if (e == 'u') {
                    if (!unicodeEscape(buf)) {
                        error("invalid unicode escape code");
                        return;
                    }
                    continue;
                }
                int mapped = unescape(e);
                if (mapped < 0) {
                    error("invalid escape code");
                    return;
                }
                buf.write(mapped);
                pos += 2;
                continue;
            }
            buf.write(c);
            pos++;
        }
        pos++;
        kind = Kind.STRING;
        tokenValue = LuaString.valueOf(buf.toByteArray());
    }

    private static int unescape(int c) {
        return switch (c) {
            case '"', '\\', '/' -> c;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> -1;
        };
    }

    /** A backslash-u escape at pos (a UTF-16 surrogate pair takes two), appended as UTF-8. */
    private boolean unicodeEscape(ByteArrayOutputStream buf) {
        int cp = hex4(pos + 2);
        if (cp < 0) {
            return false;
        }
        int length = 6;
        if ((cp & 0xF800) == 0xD800) {
            if ((cp & 0x400) != 0 || at(pos + 6) != '\\' || at(pos + 7) != 'u') {
                return false;
            }
            int low = hex4(pos + 8);
            if (low < 0 || (low & 0xFC00) != 0xDC00) {
                return false;
            }
            cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            length = 12;
        }
        if (cp < 0x80) {
            buf.write(cp);
        } else if (cp < 0x800) {
            buf.write(0xC0 | (cp >> 6));
            buf.write(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            buf.write(0xE0 | (cp >> 12));
            buf.write(0x80 | ((cp >> 6) & 0x3F));
            buf.write(0x80 | (cp & 0x3F));
        } else {
            buf.write(0xF0 | (cp >> 18));
            buf.write(0x80 | ((cp >> 12) & 0x3F));
            buf.write(0x80 | ((cp >> 6) & 0x3F));
            buf.write(0x80 | (cp & 0x3F));
        }
        pos += length;
        return true;
    }

    private int hex4(int p) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(at(p + i), 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private void error(String message) {
        kind = Kind.ERROR;
        tokenError = message;
        tokenIndex = offset();
    }
}
