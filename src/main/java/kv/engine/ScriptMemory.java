package kv.engine;

/**
 * INFO memory's scripting figures, attached by the scripting engine once a script or library has
 * made one. INFO reads them through this interface so that it never loads the engine's class: a
 * JDK 25 AOT cache trained with an INFO would otherwise hold the engine linked, and each start would
 * load LuaJ's classes (which no AOT cache can hold) from the end of the class path to check it.
 */
public interface ScriptMemory {
    /** used_memory_scripts_eval: the cached EVAL scripts. */
    long cachedScriptBytes();

    /** number_of_cached_scripts. */
    int cachedScriptCount();

    /** used_memory_functions: the function libraries. */
    long libraryBytes();

    /** number_of_functions. */
    int functionCount();

    /** number_of_libraries. */
    int libraryCount();
}
