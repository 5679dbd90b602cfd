package kv.script;

import java.util.List;

import org.luaj.vm2.LuaFunction;

/** A function registered by a library with redis.register_function. */
public record LibraryFunction(String name, String library, LuaFunction callback, String description, List<String> flags) {
    /** The flags redis.register_function accepts. */
    static final List<String> KNOWN_FLAGS = List.of("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys");

    public boolean noWrites() {
        return flags.contains("no-writes");
    }

    public boolean allowOom() {
        return flags.contains("allow-oom");
    }
}
