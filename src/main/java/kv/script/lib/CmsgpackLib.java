package kv.script.lib;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;

/**
 * The {@code cmsgpack} library of Redis's Lua (lua-cmsgpack 0.4.0): pack, unpack, unpack_one,
 * unpack_limit. Installed like LuaJ's own libraries: {@code globals.load(new CmsgpackLib())}
 * sets the global {@code cmsgpack}.
 */
public final class CmsgpackLib extends OneArgFunction {
    @Override
    public LuaValue call(LuaValue arg) {
        LuaTable t = new LuaTable();
        LibFunctions.add(t, "pack", CmsgpackLib::pack);
        LibFunctions.add(t, "unpack", args -> MsgpackDecoder.unpack(args, "unpack", 0, 0));
        LibFunctions.add(t, "unpack_one", CmsgpackLib::unpackOne);
        LibFunctions.add(t, "unpack_limit", CmsgpackLib::unpackLimit);
        t.rawset("_NAME", LuaValue.valueOf("cmsgpack"));
        t.rawset("_VERSION", LuaValue.valueOf("lua-cmsgpack 0.4.0"));
        t.rawset("_COPYRIGHT", LuaValue.valueOf("Copyright (C) 2012, Salvatore Sanfilippo"));
        t.rawset("_DESCRIPTION", LuaValue.valueOf("MessagePack C implementation for Lua"));
        env.set("cmsgpack", t);
        return t;
    }

    private static Varargs pack(Varargs args) {
        if (args.narg() == 0) {
            throw CLua.argError(0, "pack", "MessagePack pack needs input.");
        }
        MsgpackEncoder encoder = new MsgpackEncoder();
        for (int i = 1; i <= args.narg(); i++) {
            encoder.value(args.arg(i), 0);
        }
        return LuaString.valueOf(encoder.toByteArray());
    }

    private static Varargs unpackOne(Varargs args) {
        int offset = (int) CLua.optInteger(args, 2, "unpack_one", 0);
        return MsgpackDecoder.unpack(args, "unpack_one", 1, offset);
    }

    private static Varargs unpackLimit(Varargs args) {
        int limit = (int) CLua.checkInteger(args, 2, "unpack_limit");
        int offset = (int) CLua.optInteger(args, 3, "unpack_limit", 0);
        return MsgpackDecoder.unpack(args, "unpack_limit", limit, offset);
    }
}
