package kv.script.lib;

import org.luaj.vm2.LuaUserdata;

/**
 * {@code cjson.null}: in Redis a light userdata holding NULL, so it prints as "userdata: (nil)",
 * is its own type "userdata" and equals only itself. JSON null decodes to it and it encodes as null.
 */
public final class JsonNull extends LuaUserdata {
    public static final JsonNull INSTANCE = new JsonNull();

    private JsonNull() {
        super(new Object());
    }

    @Override
    public String tojstring() {
        return "userdata: (nil)";
    }
}
