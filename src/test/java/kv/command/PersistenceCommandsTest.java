package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.server.RespServer;

/** SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD and INFO persistence through the real server (files under target/). */
@QuarkusTest
class PersistenceCommandsTest {
    @Inject
    RespServer server;

    @AfterEach
    void removeFile() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            c.call("FLUSHALL");
        }
        Files.deleteIfExists(Path.of("target", "dump.rdb"));
    }

    private static String info(RespTestClient c, String field) throws Exception {
        String reply = c.call("INFO", "persistence");
        for (String line : reply.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new AssertionError(field + " not in " + reply);
    }

    @Test
    void saveWritesAFileThatDebugReloadReadsBack() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            c.call("FLUSHALL");
            c.call("RPUSH", "l", "a", "b", "c");
            c.call("HSET", "h", "f", "v");
            c.call("SET", "s", "x", "PX", "1000000");
            c.call("ZADD", "z", "1.5", "m");
            c.call("XADD", "st", "1-1", "f", "v");
            assertTrue(Long.parseLong(info(c, "rdb_changes_since_last_save")) >= 5);
            assertEquals("+OK\r\n", c.call("SAVE"));
            assertEquals("0", info(c, "rdb_changes_since_last_save"));
            assertTrue(Files.size(Path.of("target", "dump.rdb")) > 20);
            String digest = c.call("DEBUG", "DIGEST");
            c.call("SET", "later", "y");
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD", "NOSAVE"));
            assertEquals("$-1\r\n", c.call("GET", "later"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertTrue(c.call("PTTL", "s").startsWith(":9"));
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
        }
    }

    @Test
    void bgsaveRunsInTheBackgroundAndReportsInInfo() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            c.call("FLUSHALL");
            for (int i = 0; i < 2000; i++) {
                c.call("SET", "k" + i, "v" + i);
            }
            long before = Long.parseLong(info(c, "rdb_saves"));
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            // writes go on while the snapshot is serialised; the file holds the data as of the start
            c.call("SET", "k0", "changed");
            c.call("SET", "new", "x");
            long deadline = System.currentTimeMillis() + 10_000;
            while (!info(c, "rdb_bgsave_in_progress").equals("0") || Long.parseLong(info(c, "rdb_saves")) == before) {
                assertTrue(System.currentTimeMillis() < deadline, "BGSAVE did not finish");
                Thread.sleep(20);
            }
            assertEquals("ok", info(c, "rdb_last_bgsave_status"));
            String lastsave = c.call("LASTSAVE");
            assertTrue(lastsave.startsWith(":"), lastsave);
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD", "NOSAVE"));
            assertEquals("$2\r\nv0\r\n", c.call("GET", "k0"));
            assertEquals("$-1\r\n", c.call("GET", "new"));
            assertEquals(":2000\r\n", c.call("DBSIZE"));
        }
    }

    @Test
    void debugReloadOfACorruptFileKeepsTheData() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            c.call("FLUSHALL");
            c.call("SET", "keep", "me");
            Files.write(Path.of("target", "dump.rdb"), "REDIS0010\u00fe\u0000\u0000\u0001k".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            assertEquals("-ERR Error trying to load the RDB dump, check server logs.\r\n", c.call("DEBUG", "RELOAD", "NOSAVE"));
            assertEquals("$2\r\nme\r\n", c.call("GET", "keep"));
        }
    }
}
