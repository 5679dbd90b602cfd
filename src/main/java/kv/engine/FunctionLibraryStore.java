package kv.engine;

import java.util.List;

/**
 * The function libraries as data, for what carries them outside the scripting layer: RDB files
 * (SAVE, BGSAVE, AOF bases, loading) and FUNCTION DUMP. The scripting engine implements it.
 */
public interface FunctionLibraryStore {
    /** A server without scripting: no libraries, and none can be loaded. */
    FunctionLibraryStore NONE = new FunctionLibraryStore() {
        @Override
        public List<byte[]> libraryCodes() {
            return List.of();
        }

        @Override
        public void replaceAll(List<byte[]> codes) {
            if (!codes.isEmpty()) {
                throw new CommandError("ERR function libraries cannot be loaded: scripting is not available");
            }
        }
    };

    /** Each library's code as loaded, in FUNCTION DUMP's order. */
    List<byte[]> libraryCodes();

    /**
     * Replaces every library by those of {@code codes} (loading a data file); on a library that
     * fails to load, throws Redis' error and keeps the current libraries.
     */
    void replaceAll(List<byte[]> codes);
}
