package kv.aof;

import java.io.IOException;
import java.nio.file.Path;

import kv.engine.Server;

/**
 * Loads a base file in RDB format (aof-use-rdb-preamble yes, as Redis writes by default, or the
 * RDB preamble of a legacy single appendonly.aof); the AOF loader replays what follows it.
 */
@FunctionalInterface
public interface RdbBaseLoader {
    /**
     * Loads the RDB at the start of {@code file} into the server's keyspace (data thread, before
     * any client runs); returns the number of bytes the RDB occupies.
     */
    long load(Path file, Server server) throws AofException, IOException;
}
