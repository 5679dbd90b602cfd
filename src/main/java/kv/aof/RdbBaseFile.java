package kv.aof;

import java.io.IOException;
import java.nio.file.Path;

import kv.config.ServerConfig;
import kv.engine.RdbPersistence;
import kv.engine.Server;
import kv.rdb.LoadedDataset;
import kv.rdb.RdbException;
import kv.rdb.RdbProgress;

/**
 * The RDB reader as the AOF loader's {@link RdbBaseLoader}: the whole dataset, or an error naming
 * the file and offset. The base may have been {@link #read} beforehand on another thread; it is
 * then only installed when the loader reaches it.
 */
public final class RdbBaseFile implements RdbBaseLoader {
    private final Path readFile;
    private final LoadedDataset readData;

    /** Reads each base when the loader reaches it. */
    public RdbBaseFile() {
        this(null, null);
    }

    /** Installs {@code data}, read from {@code file} beforehand, when the loader reaches that file. */
    public RdbBaseFile(Path file, LoadedDataset data) {
        this.readFile = file;
        this.readData = data;
    }

    /** Reads a base (any thread): nothing is installed. */
    public static LoadedDataset read(Path file, ServerConfig config, long nowMs, RdbProgress progress)
            throws AofException, IOException {
        try {
            return RdbPersistence.read(file, config, nowMs, progress);
        } catch (RdbException e) {
            throw new AofException("Bad RDB base " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long load(Path file, Server server) throws AofException, IOException {
        LoadedDataset data = file.equals(readFile) ? readData
                : read(file, server.config(), server.keyspace().clock().now(), RdbProgress.NONE);
        try {
            server.rdb().install(data);
        } catch (kv.engine.CommandError e) {
            throw new AofException("Bad RDB base " + file + ": a function library does not load: " + e.getMessage(), e);
        }
        return data.length();
    }
}
