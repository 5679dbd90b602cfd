package kv.script;

import java.util.List;

import kv.engine.FunctionLibraryStore;
import kv.engine.Server;

/**
 * The function libraries as RDB files and FUNCTION DUMP see them; the engine (a Lua state) is
 * created only when there is something to load. A class of its own, apart from
 * {@link ScriptEngine}, so that attaching it at start-up neither links the engine nor loads LuaJ:
 * verifying the engine loads LuaJ's classes, whose jar is near the end of the class path, and LuaJ
 * (class files of Java 1.3) cannot be in a JDK 25 AOT cache, so every start searched the class
 * path for them, opening some hundred jars, before the data port listened.
 */
public final class ScriptLibraryStore implements FunctionLibraryStore {
    private final Server server;

    public ScriptLibraryStore(Server server) {
        this.server = server;
    }

    @Override
    public List<byte[]> libraryCodes() {
        ScriptEngine engine = server.component(ScriptEngine.class);
        return engine == null ? List.of() : engine.libraryCodes();
    }

    @Override
    public void replaceAll(List<byte[]> codes) {
        if (!codes.isEmpty() || server.component(ScriptEngine.class) != null) {
            ScriptEngine.of(server).restoreLibraries(codes, FunctionLibraries.RestorePolicy.FLUSH.name());
        }
    }
}
