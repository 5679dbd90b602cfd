package kv.script.lib;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code cjson.encode}: Lua values to JSON text as Redis's lua-cjson writes it. A table is an
 * array when all its keys are positive integers and it is not too sparse, otherwise an object
 * whose keys are strings or numbers; tables are walked in the table's own {@code next} order.
 */
final class JsonEncoder {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /**
     * KV's own bound (Redis has none): with encode_sparse_array's ratio 0 a one-key table asks for
     * up to 2^31 nulls; the text stops at Redis's default proto-max-bulk-len instead of exhausting memory.
     */
    static final int MAX_OUTPUT = 512 * 1024 * 1024;

    private final JsonConfig config;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    /** Lua stack slots cjson would hold at this point (the argument, plus per open table). */
    private int stackUsed = 1;

    private final int maxOutput;

    private JsonEncoder(JsonConfig config, int maxOutput) {
        this.config = config;
        this.maxOutput = maxOutput;
    }

    static LuaString encode(JsonConfig config, Varargs args) {
        return encode(config, args, MAX_OUTPUT);
    }

    static LuaString encode(JsonConfig config, Varargs args, int maxOutput) {
        if (args.narg() != 1) {
            throw CLua.argError(1, "encode", "expected 1 argument");
        }
        JsonEncoder encoder = new JsonEncoder(config, maxOutput);
        encoder.value(args.arg1());
        return LuaString.valueOf(encoder.out.toByteArray());
    }

    /** A table being written; kept on a heap stack, so deep nesting cannot overflow Java's. */
    private static final class Open {
        final LuaTable table;
        /** The array length, or -1 for an object. */
        final int length;
        int index;
        LuaValue key = LuaValue.NIL;

        Open(LuaTable table, int length) {
            this.table = table;
            this.length = length;
        }
    }

    private void value(LuaValue root) {
        Deque<Open> open = new ArrayDeque<>();
        LuaValue v = root;
        while (v != null) {
            if (v.type() == LuaValue.TTABLE) {
                open.push(enter((LuaTable) v, open.size() + 1));
            } else {
                scalar(v);
            }
            v = null;
            while (v == null && !open.isEmpty()) {
                v = nextMember(open);
            }
        }
    }

    private void scalar(LuaValue v) {
        switch (v.type()) {
            case LuaValue.TSTRING -> string(v.checkstring());
            case LuaValue.TNUMBER -> number(v.todouble());
            case LuaValue.TBOOLEAN -> ascii(v.toboolean() ? "true" : "false");
            case LuaValue.TNIL -> ascii("null");
            default -> {
                if (v == JsonNull.INSTANCE) {
                    ascii("null");
                } else {
                    throw cannotSerialise(v, "type not supported");
                }
            }
        }
    }

    private Open enter(LuaTable t, int depth) {
        // cjson asks for 3 free stack slots per level; past Lua's C stack it fails like the depth limit
        if (depth > config.encodeMaxDepth || stackUsed + 3 > CLua.MAX_C_STACK) {
            throw CLua.error("Cannot serialise, excessive nesting (" + depth + ")");
        }
        int length = arrayLength(t);
        if (length > 0) {
            out.write('[');
            stackUsed += 1;
            return new Open(t, length);
        }
        out.write('{');
        stackUsed += 2;
        return new Open(t, -1);
    }

    /** Writes the separator (and key) of the innermost table's next value and answers it, or closes the table and answers null. */
    private LuaValue nextMember(Deque<Open> open) {
        Open o = open.peek();
        if (o.length >= 0) {
            if (o.index < o.length) {
                if (out.size() > maxOutput) {
                    throw CLua.error("Cannot serialise, output exceeds " + maxOutput + " bytes");
                }
                if (o.index > 0) {
                    out.write(',');
                }
                return o.table.rawget(++o.index);
            }
            open.pop();
            stackUsed -= 1;
            out.write(']');
            return null;
        }
        Varargs next = o.table.next(o.key);
        LuaValue k = next.arg1();
        if (k.isnil()) {
            open.pop();
            stackUsed -= 2;
            out.write('}');
            return null;
        }
        if (!o.key.isnil()) {
            out.write(',');
        }
        o.key = k;
        if (k.type() == LuaValue.TNUMBER) {
            out.write('"');
            number(k.todouble());
            out.write('"');
        } else if (k.type() == LuaValue.TSTRING) {
            string(k.checkstring());
        } else {
            throw cannotSerialise(k, "table key must be a number or string");
        }
        out.write(':');
        return next.arg(2);
    }

    /**
     * The array length when every key is a positive integer (nil holes allowed within the sparse
     * limits), else 0 or less. The largest key is kept in a C int, so a key from 2^31 up turns it
     * negative (x86's conversion) and the table becomes an object, as in Redis.
     */
    private int arrayLength(LuaTable t) {
        int max = 0;
        int items = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = t.next(k);
            k = next.arg1();
            if (k.isnil()) {
                break;
            }
            if (k.type() != LuaValue.TNUMBER) {
                return -1;
            }
            double d = k.todouble();
            if (Math.floor(d) != d || d < 1) {
                return -1;
            }
            if (d > max) {
                max = CLua.toInt32(d);
            }
            items++;
        }
        if (config.encodeSparseRatio > 0 && max > items * config.encodeSparseRatio && max > config.encodeSparseSafe) {
            if (config.encodeSparseConvert == 0) {
                throw cannotSerialise(t, "excessively sparse array");
            }
            return -1;
        }
        return max;
    }

    private void number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            switch (config.encodeInvalidNumbers) {
                case 0 -> throw CLua.error("Cannot serialise number: must not be NaN or Inf");
                case JsonConfig.INVALID_NUMBERS_NULL -> ascii("null");
                default -> ascii(Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf");
            }
            return;
        }
        ascii(CNumberFormat.formatG(d, config.encodeNumberPrecision));
    }

    /** Escapes '"', '\\', '/', control characters and DEL; other bytes (UTF-8 or not) go out as they are. */
    private void string(LuaString s) {
        out.write('"');
        byte[] b = s.m_bytes;
        for (int i = s.m_offset, end = s.m_offset + s.m_length; i < end; i++) {
            int c = b[i] & 0xff;
            switch (c) {
                case '"' -> ascii("\\\"");
                case '\\' -> ascii("\\\\");
                case '/' -> ascii("\\/");
                case '\b' -> ascii("\\b");
                case '\t' -> ascii("\\t");
                case '\n' -> ascii("\\n");
                case '\f' -> ascii("\\f");
                case '\r' -> ascii("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        ascii("\\u00");
                        out.write(HEX[c >> 4]);
                        out.write(HEX[c & 15]);
                    } else {
                        out.write(c);
                    }
                }
            }
        }
        out.write('"');
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            out.write(s.charAt(i));
        }
    }

    private static RuntimeException cannotSerialise(LuaValue v, String reason) {
        return CLua.error("Cannot serialise " + v.typename() + ": " + reason);
    }
}
