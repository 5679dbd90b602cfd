package kv.aof;

import java.io.IOException;
import java.nio.file.Path;

import kv.engine.Server;

/**
 * The seam for a base file in RDB format (aof-use-rdb-preamble yes, as Redis writes by default):
 * the AOF loader hands such a file to this, and replays the incr files after it. The RDB reader
 * lives elsewhere; until it is wired in, {@link #UNAVAILABLE} stops the load with a precise message.
 */
@FunctionalInterface
public interface RdbBaseLoader {
    RdbBaseLoader UNAVAILABLE = (file, server) -> {
        throw new AofException("The AOF base file " + file + " is in RDB format (aof-use-rdb-preamble), "
                + "and this build of KV has no RDB reader wired into the AOF loader: nothing was loaded or changed");
    };

    /** Loads the whole RDB file into the server's keyspace (on the data thread, before any client runs). */
    void load(Path file, Server server) throws AofException, IOException;
}
