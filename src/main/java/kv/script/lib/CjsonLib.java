package kv.script.lib;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.OneArgFunction;

/**
 * The {@code cjson} library of Redis's Lua (lua-cjson 2.1.0 as Redis ships it). Installed like
 * LuaJ's own libraries: {@code globals.load(new CjsonLib())} sets the global {@code cjson}.
 */
public final class CjsonLib extends OneArgFunction {
    @Override
    public LuaValue call(LuaValue arg) {
        LuaTable module = newModule();
        env.set("cjson", module);
        return module;
    }

    /** A module with its own settings: what {@code cjson.new()} returns. */
    static LuaTable newModule() {
        JsonConfig config = new JsonConfig();
        LuaTable t = new LuaTable();
        LibFunctions.add(t, "encode", args -> JsonEncoder.encode(config, args));
        LibFunctions.add(t, "decode", args -> JsonDecoder.decode(config, args));
        LibFunctions.add(t, "encode_sparse_array", config::encodeSparseArray);
        LibFunctions.add(t, "encode_max_depth", config::encodeMaxDepth);
        LibFunctions.add(t, "decode_max_depth", config::decodeMaxDepth);
        LibFunctions.add(t, "encode_number_precision", config::encodeNumberPrecision);
        LibFunctions.add(t, "encode_keep_buffer", config::encodeKeepBuffer);
        LibFunctions.add(t, "encode_invalid_numbers", config::encodeInvalidNumbers);
        LibFunctions.add(t, "decode_invalid_numbers", config::decodeInvalidNumbers);
        LibFunctions.add(t, "new", args -> newModule());
        t.rawset("null", JsonNull.INSTANCE);
        t.rawset("_NAME", LuaValue.valueOf("cjson"));
        t.rawset("_VERSION", LuaValue.valueOf("2.1.0"));
        return t;
    }
}
