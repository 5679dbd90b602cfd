package kv.script;

import java.util.HashMap;
import java.util.Map;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

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
    /** The string keys of this table and of the tables it holds, by value: see {@link #canonical}. */
    private Map<LuaString, LuaString> names = Map.of();

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
            Varargs n = source.next(k);
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

    /**
     * The hash slot of {@code key}, for {@link #setSlot}: stable once sealed, as a sealed table gets
     * no new keys and so never rehashes.
     */
    int slotOf(LuaString key) {
        int slot = hashFindSlot(key);
        if (!sealed || hashKeys[slot] != key) {
            throw new IllegalStateException("no fixed slot for " + key);
        }
        return slot;
    }

    /** Replaces the value in a slot of {@link #slotOf}: the engine's own KEYS and ARGV before each script. */
    void setSlot(int slot, LuaValue value) {
        hashValues[slot] = value;
    }

    /**
     * Indexes the string keys of this table and of the tables it holds (one level: {@code
     * redis.call}, {@code math.floor}), plus {@code extra}, for {@link #canonical}.
     */
    void indexNames(LuaString... extra) {
        Map<LuaString, LuaString> index = new HashMap<>();
        addKeys(this, index);
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            if (n.arg(2).istable()) {
                addKeys((LuaTable) n.arg(2), index);
            }
        }
        for (LuaString name : extra) {
            index.put(name, name);
        }
        names = index;
    }

    private static void addKeys(LuaTable table, Map<LuaString, LuaString> index) {
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = table.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            if (k.type() == LuaValue.TSTRING) {
                index.put((LuaString) k, (LuaString) k);
            }
        }
    }

    /**
     * The key instance this table (or a table it holds) uses for {@code name}, else {@code name}.
     * A compiled script's constants are replaced by these, so its lookups of globals and library
     * fields find their key by identity: LuaJ compares other strings by hash (recomputed on every
     * call) and bytes.
     */
    LuaString canonical(LuaString name) {
        LuaString known = names.get(name);
        return known != null ? known : name;
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
