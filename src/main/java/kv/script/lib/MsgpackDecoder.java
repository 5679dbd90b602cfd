package kv.script.lib;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code cmsgpack.unpack} and friends: MessagePack to Lua values as lua-cmsgpack 0.4.0 decodes
 * them (no bin or ext types), with its error texts and its offsets (-1 once the input is used up).
 */
final class MsgpackDecoder {
    private static final String TOO_MANY_VALUES =
            "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)";

    private final byte[] data;
    private final int end;
    private int pos;
    /** Lua stack slots lua-cmsgpack would hold: the argument, the values so far, open tables. */
    private int stackUsed = 1;

    private MsgpackDecoder(byte[] data, int pos, int end) {
        this.data = data;
        this.pos = pos;
        this.end = end;
    }

    /** limit 0 with offset 0 decodes everything and returns the values alone, otherwise the next offset first. */
    static Varargs unpack(Varargs args, String function, int limit, int offset) {
        LuaString s = CLua.checkString(args, 1, function);
        int len = s.m_length;
        if (offset < 0 || limit < 0) {
            // lua-cmsgpack prints the input length where it says limit
            throw CLua.error("Invalid request to unpack with offset of " + offset + " and limit of " + len + ".");
        }
        if (offset > len) {
            throw CLua.error("Start offset " + offset + " greater than input length " + len + ".");
        }
        boolean all = limit == 0 && offset == 0;
        int max = all ? Integer.MAX_VALUE : limit;
        MsgpackDecoder decoder = new MsgpackDecoder(s.m_bytes, s.m_offset + offset, s.m_offset + len);
        List<LuaValue> values = new ArrayList<>();
        while (decoder.pos < decoder.end && values.size() < max) {
            values.add(decoder.value());
            decoder.stackUsed++;
        }
        if (!all) {
            int left = decoder.end - decoder.pos;
            values.add(0, LuaValue.valueOf(left == 0 ? -1 : len - left));
        }
        return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
    }

    /** An array or map being filled; kept on a heap stack, so deep input cannot overflow Java's. */
    private static final class Open {
        final LuaTable table = new LuaTable();
        final boolean map;
        final long size;
        long filled;
        LuaValue key;

        Open(boolean map, long size) {
            this.map = map;
            this.size = size;
        }
    }

    private LuaValue value() {
        Deque<Open> open = new ArrayDeque<>();
        while (true) {
            LuaValue v = item(open);
            while (v != null) {
                Open top = open.peek();
                if (top == null) {
                    return v;
                }
                v = top.map ? addMapItem(open, top, v) : addElement(open, top, v);
            }
        }
    }

    /** The next item, or null when it opened a non-empty container whose first item comes next. */
    private LuaValue item(Deque<Open> open) {
        if (stackUsed + 1 > CLua.MAX_C_STACK) {
            throw CLua.error(TOO_MANY_VALUES);
        }
        int c = (int) take(1);
        if (c <= 0x7f) {
            return LuaValue.valueOf(c);
        }
        if (c >= 0xe0) {
            return LuaValue.valueOf((byte) c);
        }
        if ((c & 0xf0) == 0x80) {
            return openMap(open, c & 0x0f);
        }
        if ((c & 0xf0) == 0x90) {
            return openArray(open, c & 0x0f);
        }
        if ((c & 0xe0) == 0xa0) {
            return string(c & 0x1f);
        }
        return switch (c) {
            case 0xc0 -> LuaValue.NIL;
            case 0xc2 -> LuaValue.FALSE;
            case 0xc3 -> LuaValue.TRUE;
            case 0xca -> LuaValue.valueOf((double) Float.intBitsToFloat((int) take(4)));
            case 0xcb -> LuaValue.valueOf(Double.longBitsToDouble(take(8)));
            case 0xcc -> LuaValue.valueOf(take(1));
            case 0xcd -> LuaValue.valueOf(take(2));
            case 0xce -> LuaValue.valueOf((double) take(4));
            case 0xcf -> LuaValue.valueOf(CLua.unsignedToDouble(take(8)));
            case 0xd0 -> LuaValue.valueOf((byte) take(1));
            case 0xd1 -> LuaValue.valueOf((short) take(2));
            case 0xd2 -> LuaValue.valueOf((int) take(4));
            case 0xd3 -> LuaValue.valueOf((double) take(8));
            case 0xd9 -> string((int) take(1));
            case 0xda -> string((int) take(2));
            case 0xdb -> string(take(4));
            case 0xdc -> openArray(open, take(2));
            case 0xdd -> openArray(open, take(4));
            case 0xde -> openMap(open, take(2));
            case 0xdf -> openMap(open, take(4));
            default -> throw badFormat();
        };
    }

    private LuaValue string(long length) {
        need(length);
        LuaValue s = LuaString.valueOf(Arrays.copyOfRange(data, pos, pos + (int) length));
        pos += (int) length;
        return s;
    }

    /** An array holds 2 stack slots (table and index) while its elements are read. */
    private LuaTable openArray(Deque<Open> open, long length) {
        if (stackUsed + 2 > CLua.MAX_C_STACK) {
            throw CLua.error("stack overflow (in function mp_decode_to_lua_array)");
        }
        Open o = new Open(false, length);
        if (length == 0) {
            return o.table;
        }
        stackUsed += 2;
        open.push(o);
        return null;
    }

    /** A map holds its table while a key is read, and the key too while the value is read. */
    private LuaTable openMap(Deque<Open> open, long entries) {
        Open o = new Open(true, entries);
        if (entries == 0) {
            return o.table;
        }
        stackUsed += 1;
        open.push(o);
        return null;
    }

    private LuaValue addElement(Deque<Open> open, Open o, LuaValue v) {
        o.table.rawset((int) ++o.filled, v);
        if (o.filled < o.size) {
            return null;
        }
        open.pop();
        stackUsed -= 2;
        return o.table;
    }

    private LuaValue addMapItem(Deque<Open> open, Open o, LuaValue v) {
        if (o.key == null) {
            o.key = v;
            stackUsed += 1;
            return null;
        }
        stackUsed -= 1;
        if (o.key.isnil()) {
            throw CLua.error("table index is nil");
        }
        if (o.key.type() == LuaValue.TNUMBER && Double.isNaN(o.key.todouble())) {
            throw CLua.error("table index is NaN");
        }
        o.table.rawset(o.key, v);
        o.key = null;
        if (++o.filled < o.size) {
            return null;
        }
        open.pop();
        stackUsed -= 1;
        return o.table;
    }

    /** The next n bytes as an unsigned big-endian number (n ≤ 8). */
    private long take(int n) {
        need(n);
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (data[pos++] & 0xff);
        }
        return v;
    }

    private void need(long n) {
        if (n > end - pos) {
            throw CLua.error("Missing bytes in input.");
        }
    }

    private static RuntimeException badFormat() {
        return CLua.error("Bad data format in input.");
    }
}
