package kv.script;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import kv.protocol.Reply;

/**
 * A script's return value as the client's reply, by Redis' rules: strings are bulk strings,
 * numbers integers (fraction cut), true is 1 and false a null (RESP3 booleans after
 * redis.setresp(3)), tables with {@code err}/{@code ok} are error/status replies, {@code double},
 * {@code big_number}, {@code map}, {@code set} tables their RESP3 types, any other table an array
 * up to its first nil, and everything else a null.
 */
final class LuaToReply {
    private static final LuaString OK = LuaValue.valueOf("ok");
    private static final LuaString ERR = LuaValue.valueOf("err");
    private static final LuaString DOUBLE = LuaValue.valueOf("double");
    private static final LuaString MAP = LuaValue.valueOf("map");
    private static final LuaString SET = LuaValue.valueOf("set");
    private static final LuaString BIG_NUMBER = LuaValue.valueOf("big_number");
    /** Redis stops converting nested tables deeper than this (its C stack would run out). */
    private static final int MAX_DEPTH = 1000;

    private LuaToReply() {
    }

    /** {@code luaProtocol}: the RESP version the script chose with redis.setresp. */
    static void write(LuaValue v, Reply reply, int luaProtocol) {
        write(v, reply, luaProtocol, 0);
    }

    private static void write(LuaValue v, Reply reply, int luaProtocol, int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING -> {
                LuaString s = v.checkstring();
                reply.bulk(s.m_bytes, s.m_offset, s.m_length);
            }
            case LuaValue.TBOOLEAN -> {
                if (luaProtocol == 2) {
                    if (v.toboolean()) {
                        reply.integer(1);
                    } else {
                        reply.nullBulk();
                    }
                } else {
                    reply.bool(v.toboolean());
                }
            }
            case LuaValue.TNUMBER -> reply.integer(LuaNumbers.truncate(v.todouble()));
            case LuaValue.TTABLE -> table((LuaTable) v, reply, luaProtocol, depth);
            default -> reply.nullBulk();
        }
    }

    private static void table(LuaTable t, Reply reply, int luaProtocol, int depth) {
        if (depth >= MAX_DEPTH) {
            reply.error("ERR reached lua stack limit");
            return;
        }
        LuaValue field = t.rawget(ERR);
        if (field.type() == LuaValue.TSTRING) {
            reply.error(singleLine(field.tojstring()));
            return;
        }
        field = t.rawget(OK);
        if (field.type() == LuaValue.TSTRING) {
            reply.simple(singleLine(field.tojstring()));
            return;
        }
        field = t.rawget(DOUBLE);
        if (field.type() == LuaValue.TNUMBER) {
            reply.doubleValue(field.todouble());
            return;
        }
        field = t.rawget(BIG_NUMBER);
        if (field.type() == LuaValue.TSTRING) {
            reply.bigNumber(singleLine(field.tojstring()));
            return;
        }
        field = t.rawget(MAP);
        if (field.type() == LuaValue.TTABLE) {
            LuaTable map = (LuaTable) field;
            reply.map(countPairs(map));
            forEach(map, (k, val) -> {
                write(k, reply, luaProtocol, depth + 1);
                write(val, reply, luaProtocol, depth + 1);
            });
            return;
        }
        field = t.rawget(SET);
        if (field.type() == LuaValue.TTABLE) {
            LuaTable set = (LuaTable) field;
            reply.set(countPairs(set));
            forEach(set, (k, val) -> write(k, reply, luaProtocol, depth + 1));
            return;
        }
        int n = 0;
        while (!t.rawget(n + 1).isnil()) {
            n++;
        }
        reply.array(n);
        for (int i = 1; i <= n; i++) {
            write(t.rawget(i), reply, luaProtocol, depth + 1);
        }
    }

    /** Redis replaces CR and LF in status and error texts by spaces. */
    private static String singleLine(String s) {
        return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace('\r', ' ').replace('\n', ' ');
    }

    private static int countPairs(LuaTable t) {
        int[] n = {0};
        forEach(t, (k, v) -> n[0]++);
        return n[0];
    }

    private interface PairAction {
        void accept(LuaValue key, LuaValue value);
    }

    private static void forEach(LuaTable t, PairAction action) {
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                return;
            }
            action.accept(k, n.arg(2));
        }
    }
}
