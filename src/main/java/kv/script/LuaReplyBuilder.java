package kv.script;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import kv.protocol.Reply;
import kv.util.Doubles;
import kv.util.Numbers;

/**
 * The reply sink of redis.call: builds the Lua value Redis' conversion rules give for a command's
 * reply. RESP2 (the default of a script): status → {ok=...}, error → {err=...}, null → false, maps
 * and sets as flat arrays, doubles as strings. RESP3 (after redis.setresp(3)): null → nil, maps →
 * {map={k=v}}, sets → {set={m=true}}, doubles → {double=n}, booleans, big numbers →
 * {big_number=...}, verbatim strings → {verbatim_string={format=..., string=...}}.
 */
final class LuaReplyBuilder implements Reply {
    private static final LuaString OK = LuaValue.valueOf("ok");
    private static final LuaString ERR = LuaValue.valueOf("err");
    private static final LuaString DOUBLE = LuaValue.valueOf("double");
    private static final LuaString MAP = LuaValue.valueOf("map");
    private static final LuaString SET = LuaValue.valueOf("set");
    private static final LuaString BIG_NUMBER = LuaValue.valueOf("big_number");
    private static final LuaString VERBATIM = LuaValue.valueOf("verbatim_string");
    private static final LuaString FORMAT = LuaValue.valueOf("format");
    private static final LuaString STRING = LuaValue.valueOf("string");

    private enum Kind { ARRAY, MAP, SET, SKIP }

    /** An aggregate being filled. */
    private static final class Frame {
        final Kind kind;
        final LuaTable table;
        /** What the aggregate becomes in its parent (the table, or a {map=...}/{set=...} wrapper). */
        final LuaValue value;
        final Frame parent;
        int remaining;
        int index;
        LuaValue pendingKey;

        Frame(Kind kind, int remaining, Frame parent, LuaString wrapKey) {
            this.kind = kind;
            // sized for what comes: no growing of the array or hash part while filling
            this.table = switch (kind) {
                case ARRAY -> new LuaTable(remaining, 0);
                case MAP -> new LuaTable(0, remaining / 2);
                case SET -> new LuaTable(0, remaining);
                case SKIP -> null;
            };
            this.remaining = remaining;
            this.parent = parent;
            this.value = wrapKey == null ? table : LuaValue.tableOf(new LuaValue[] {wrapKey, table});
        }
    }

    private final int protocol;
    private Frame top;
    private LuaValue result = LuaValue.NIL;
    /** The top-level reply was an error. */
    private boolean error;

    LuaReplyBuilder(int protocol) {
        this.protocol = protocol;
    }

    LuaValue result() {
        return result;
    }

    boolean isError() {
        return error;
    }

    private void value(LuaValue v) {
        while (true) {
            Frame f = top;
            if (f == null) {
                result = v;
                return;
            }
            switch (f.kind) {
                case ARRAY -> f.table.rawset(++f.index, v);
                case MAP -> {
                    if (f.pendingKey == null) {
                        f.pendingKey = v;
                    } else {
                        f.table.rawset(f.pendingKey, v);
                        f.pendingKey = null;
                    }
                }
                case SET -> f.table.rawset(v, LuaValue.TRUE);
                case SKIP -> { }
            }
            if (--f.remaining > 0) {
                return;
            }
            top = f.parent;
            if (f.kind == Kind.SKIP) {
                return;
            }
            v = f.value;
        }
    }

    private void open(Kind kind, int elements, LuaString wrapKey) {
        Frame f = new Frame(kind, elements, top, wrapKey);
        if (elements == 0) {
            if (kind != Kind.SKIP) {
                value(f.value);
            }
        } else {
            top = f;
        }
    }

    /**
     * Reply text as a Lua string, one byte per char as RespWriter writes status and error lines.
     * Not LuaValue.valueOf(String): LuaJ interns those in a table whose entries are never removed,
     * so every distinct reply would stay in memory.
     */
    private static LuaString latin1(String text) {
        return LuaString.valueOf(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Bulk text as a Lua string, UTF-8 as RespWriter writes it (not interned: see {@link #latin1}). */
    private static LuaString utf8(String text) {
        return LuaString.valueOf(text.getBytes(StandardCharsets.UTF_8));
    }

    private static LuaTable single(LuaString key, LuaValue value) {
        LuaTable t = new LuaTable();
        t.rawset(key, value);
        return t;
    }

    @Override
    public void simple(String status) {
        value(single(OK, latin1(status)));
    }

    @Override
    public void error(String message) {
        if (top == null) {
            error = true;
        }
        value(single(ERR, latin1(message)));
    }

    @Override
    public void integer(long v) {
        value(LuaNumbers.of(v));
    }

    @Override
    public void bulk(byte[] v) {
        value(LuaValue.valueOf(v.clone()));
    }

    @Override
    public void bulk(byte[] v, int offset, int length) {
        value(LuaValue.valueOf(Arrays.copyOfRange(v, offset, offset + length)));
    }

    @Override
    public void bulkText(String ascii) {
        value(utf8(ascii));
    }

    @Override
    public void bulkLong(long v) {
        value(LuaString.valueOf(Numbers.toBytes(v)));
    }

    @Override
    public void nullBulk() {
        value(protocol == 2 ? LuaValue.FALSE : LuaValue.NIL);
    }

    @Override
    public void nullArray() {
        nullBulk();
    }

    @Override
    public void array(int count) {
        open(Kind.ARRAY, count, null);
    }

    @Override
    public void map(int pairs) {
        if (protocol == 2) {
            open(Kind.ARRAY, pairs * 2, null);
        } else {
            open(Kind.MAP, pairs * 2, MAP);
        }
    }

    @Override
    public void set(int count) {
        if (protocol == 2) {
            open(Kind.ARRAY, count, null);
        } else {
            open(Kind.SET, count, SET);
        }
    }

    @Override
    public void doubleValue(double v) {
        if (protocol == 2) {
            bulkText(Doubles.format(v));
        } else {
            value(single(DOUBLE, LuaValue.valueOf(v)));
        }
    }

    @Override
    public void doubleText(String ascii) {
        if (protocol == 2) {
            bulkText(ascii);
        } else {
            value(single(DOUBLE, LuaValue.valueOf(Double.parseDouble(ascii))));
        }
    }

    @Override
    public void bool(boolean v) {
        if (protocol == 2) {
            integer(v ? 1 : 0);
        } else {
            value(LuaValue.valueOf(v));
        }
    }

    @Override
    public void verbatim(String format, byte[] text) {
        if (protocol == 2) {
            bulk(text);
        } else {
            LuaTable t = new LuaTable();
            t.rawset(FORMAT, utf8(format));
            t.rawset(STRING, LuaValue.valueOf(text.clone()));
            value(single(VERBATIM, t));
        }
    }

    @Override
    public void push(int count) {
        array(count);
    }

    @Override
    public void bigNumber(String digits) {
        if (protocol == 2) {
            bulkText(digits);
        } else {
            value(single(BIG_NUMBER, utf8(digits)));
        }
    }

    @Override
    public void attribute(int pairs) {
        // Redis drops attributes on the way into Lua
        open(Kind.SKIP, pairs * 2, null);
    }

    @Override
    public int protocol() {
        return protocol;
    }
}
