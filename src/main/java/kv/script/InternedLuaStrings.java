package kv.script;

import java.util.Hashtable;

import org.jboss.logging.Logger;
import org.luaj.vm2.LuaString;

/**
 * LuaJ 2.0's table of interned strings: {@code LuaString.valueOf(String)} keeps every Java string
 * it converted as a key, forever (only the value is a weak reference). LuaJ converts numbers to
 * strings that way ({@code ..}, {@code tostring}, string functions given numbers), so a script
 * producing many distinct numbers would grow it without end. Interning is only a cache (Lua
 * strings compare by content), so emptying the table once it passes {@link #LIMIT} is safe. The
 * private field is read reflectively (META-INF/native-image/kv/kv/reflect-config.json).
 */
final class InternedLuaStrings {
    private static final Logger LOG = Logger.getLogger(InternedLuaStrings.class);
    static final int LIMIT = 10_000;
    private static final Hashtable<?, ?> TABLE = find();

    private InternedLuaStrings() {
    }

    private static Hashtable<?, ?> find() {
        try {
            java.lang.reflect.Field field = LuaString.class.getDeclaredField("index_java");
            field.setAccessible(true);
            return (Hashtable<?, ?>) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("LuaJ's interned strings cannot be bounded: %s", e.toString());
            return null;
        }
    }

    /** Entries in the table now (-1: the table was not found). */
    static int size() {
        return TABLE == null ? -1 : TABLE.size();
    }

    /** Empties the table if it holds more than {@link #LIMIT} strings (a synchronized size read otherwise). */
    static void trim() {
        if (TABLE != null && TABLE.size() > LIMIT) {
            TABLE.clear();
        }
    }
}
