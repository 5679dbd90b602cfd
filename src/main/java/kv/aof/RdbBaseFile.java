package kv.aof;

import java.io.IOException;
import java.nio.file.Path;

import kv.engine.RdbPersistence;
import kv.engine.Server;
import kv.rdb.LoadedDataset;
import kv.rdb.RdbException;

/** The RDB reader as the AOF loader's {@link RdbBaseLoader}: the whole dataset, or an error naming the file and offset. */
public final class RdbBaseFile implements RdbBaseLoader {
    @Override
    public long load(Path file, Server server) throws AofException, IOException {
        LoadedDataset data;
        try {
            data = RdbPersistence.read(file, server.config(), server.keyspace().clock().now());
        } catch (RdbException e) {
            throw new AofException("Bad RDB base " + file + ": " + e.getMessage(), e);
        }
        try {
            server.rdb().install(data);
        } catch (kv.engine.CommandError e) {
            throw new AofException("Bad RDB base " + file + ": a function library does not load: " + e.getMessage(), e);
        }
        return data.length();
    }
}
