package kv.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A Lua table that refuses changes once sealed, as Redis 7 makes the globals and its library
 * tables read-only ("Attempt to modify a readonly table"). The globals table also refuses reads of
 * names it does not hold, with Redis' "nonexistent global variable" error.
 */
final class ReadOnlyTable extends LuaTable {
    static final String READONLY = "Attempt to modify a readonly table";

    private static final LuaValue REDIS = LuaValue.valueOf("redis");

    private final boolean strictReads;
    /** Function globals: what {@code redis} is now (load-time or run-time API); null elsewhere. */
    private final java.util.function.Supplier<LuaValue> redisOfTheMoment;
    private boolean sealed;

    ReadOnlyTable(boolean strictReads) {
        this(strictReads, null);
    }

    ReadOnlyTable(boolean strictReads, java.util.function.Supplier<LuaValue> redisOfTheMoment) {
        this.strictReads = strictReads;
        this.redisOfTheMoment = redisOfTheMoment;
    }

    /** A sealed copy of {@code source}'s entries. */
    static ReadOnlyTable copyOf(LuaTable source) {
        ReadOnlyTable t = new ReadOnlyTable(false);
        LuaValue k = LuaValue.NIL;
        while (true) {
            org.luaj.vm2.Varargs n = source.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            t.rawset(k, n.arg(2));
        }
        t.seal();
        return t;
    }

    void seal() {
        sealed = true;
    }

    /** Sets a value even when sealed: the engine's own KEYS and ARGV before each script. */
    void setInternal(String key, LuaValue value) {
        super.rawset(LuaValue.valueOf(key), value);
    }

    private void refuseIfSealed() {
        if (sealed) {
            throw new LuaError(READONLY);
        }
    }

    @Override
    public LuaValue get(LuaValue key) {
        if (redisOfTheMoment != null && REDIS.raweq(key)) {
            return redisOfTheMoment.get();
        }
        LuaValue v = rawget(key);
        if (v.isnil() && strictReads && sealed) {
            throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
        }
        return v.isnil() ? super.get(key) : v;
    }

    @Override
    public void set(int key, LuaValue value) {
        refuseIfSealed();
        super.set(key, value);
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
        refuseIfSealed();
        super.set(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        refuseIfSealed();
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        refuseIfSealed();
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        refuseIfSealed();
        return super.setmetatable(metatable);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        refuseIfSealed();
        super.insert(pos, value);
    }

    @Override
    public LuaValue remove(int pos) {
        refuseIfSealed();
        return super.remove(pos);
    }

    @Override
    public void sort(LuaValue comparator) {
        refuseIfSealed();
        super.sort(comparator);
    }
}
