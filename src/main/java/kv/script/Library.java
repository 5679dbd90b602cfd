package kv.script;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** A function library: its name, its code as loaded (shebang line included) and its functions. */
public final class Library {
    private final String name;
    private final byte[] code;
    private final Map<String, LibraryFunction> functions = new LinkedHashMap<>();

    Library(String name, byte[] code) {
        this.name = name;
        this.code = code;
    }

    public String name() {
        return name;
    }

    public byte[] code() {
        return code;
    }

    public Collection<LibraryFunction> functions() {
        return functions.values();
    }

    boolean has(String function) {
        return functions.containsKey(function);
    }

    void add(LibraryFunction f) {
        functions.put(f.name(), f);
    }
}
