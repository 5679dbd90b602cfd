package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.config.ConfigSource;
import kv.config.ServerConfig;
import kv.engine.EngineHarness;

/** DEBUG RELOAD and its options, with replies recorded from redis-server (7.2's texts where they differ). */
class DebugReloadTest {
    private static final String LOAD_FAILED = "-ERR Error trying to load the RDB dump, check server logs.\r\n";

    @TempDir
    Path dir;

    private EngineHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new EngineHarness(ServerConfig.load(ConfigSource.fromString("dir " + dir + "\nenable-debug-command yes")));
    }

    @Test
    void reloadSavesFlushesAndLoadsBack() throws Exception {
        h.call("SET", "a", "1");
        h.call("RPUSH", "l", "x", "y");
        h.call("SELECT", "3");
        h.call("SET", "b", "2");
        String digest = h.call("DEBUG", "DIGEST");
        assertEquals("+OK\r\n", h.call("DEBUG", "RELOAD"));
        assertEquals(digest, h.call("DEBUG", "DIGEST"));
        assertTrue(h.call("INFO", "persistence").contains("rdb_changes_since_last_save:0\r\n"));
        // NOSAVE: the file as it is replaces the data (a key written since is gone)
        h.call("SET", "since", "1");
        assertEquals("+OK\r\n", h.call("debug", "reload", "nosave"));
        assertEquals(":0\r\n", h.call("EXISTS", "since"));
        assertEquals(digest, h.call("DEBUG", "DIGEST"));
    }

    @Test
    void noflushMergeKeepsOtherKeysAndTakesTheFileForConflictingOnes() throws Exception {
        h.call("SET", "a", "from-file");
        assertEquals("+OK\r\n", h.call("SAVE"));
        h.call("SET", "a", "changed");
        h.call("SET", "extra", "kept");
        assertEquals("+OK\r\n", h.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"));
        assertEquals("$9\r\nfrom-file\r\n", h.call("GET", "a"));
        assertEquals("$4\r\nkept\r\n", h.call("GET", "extra"));
        // NOFLUSH alone with a key that exists: Redis panics; KV refuses and changes nothing
        h.call("SET", "a", "changed");
        assertEquals(LOAD_FAILED, h.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"));
        assertEquals("$7\r\nchanged\r\n", h.call("GET", "a"));
        h.call("DEL", "a");
        assertEquals("+OK\r\n", h.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"));
        assertEquals("$9\r\nfrom-file\r\n", h.call("GET", "a"));
        assertEquals("$4\r\nkept\r\n", h.call("GET", "extra"));
    }

    @Test
    void badOptionsAndAMissingFileGetRedisErrors() throws Exception {
        assertEquals("-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n",
                h.call("DEBUG", "RELOAD", "bogus"));
        h.call("SET", "a", "1");
        Files.deleteIfExists(dir.resolve("dump.rdb"));
        assertEquals(LOAD_FAILED, h.call("DEBUG", "RELOAD", "NOSAVE"));
        assertEquals(":1\r\n", h.call("DBSIZE")); // unlike Redis, nothing is flushed before a load that cannot work
        Files.writeString(dir.resolve("dump.rdb"), "REDIS0010 not really");
        assertEquals(LOAD_FAILED, h.call("DEBUG", "RELOAD", "NOSAVE", "NOSAVE"));
        assertEquals(":1\r\n", h.call("DBSIZE"));
        Files.delete(dir.resolve("dump.rdb"));
        Files.createDirectory(dir.resolve("dump.rdb")); // SAVE cannot replace a directory
        assertEquals("-ERR\r\n", h.call("DEBUG", "RELOAD"));
    }
}
