package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.config.ServerConfig;
import kv.rdb.EncodingLimits;
import kv.rdb.LoadedDataset;
import kv.rdb.RdbLoader;
import kv.server.RespServer;

/** Function libraries in RDB files written by SAVE/BGSAVE and read back by DEBUG RELOAD; changes counted as Redis' dirty. */
@QuarkusTest
class FunctionPersistenceTest {
    private static final String LIB_A = "#!lua name=liba\nredis.register_function('fa', function() return 'a' end)";
    private static final String LIB_B = "#!lua name=libb\nredis.register_function('fb', function() return 'b' end)";

    @Inject
    RespServer server;

    @AfterEach
    void clean() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            c.call("FUNCTION", "FLUSH");
            c.call("FLUSHALL");
        }
        Files.deleteIfExists(Path.of("target", "dump.rdb"));
    }

    private static String info(RespTestClient c, String field) throws Exception {
        for (String line : c.call("INFO", "persistence").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new AssertionError(field);
    }

    private static LoadedDataset readFile() throws Exception {
        try (InputStream in = Files.newInputStream(Path.of("target", "dump.rdb"))) {
            return new RdbLoader(new EncodingLimits(128, 64, 512, 128, 64, 128, 64, -2), 16, 0, true).load(in);
        }
    }

    @Test
    void saveWritesTheLibrariesAndDebugReloadRestoresExactlyThose() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            c.call("FUNCTION", "FLUSH");
            c.call("FUNCTION", "LOAD", LIB_A);
            c.call("SET", "k", "v");
            assertEquals("+OK\r\n", c.call("SAVE"));
            LoadedDataset file = readFile();
            assertEquals(1, file.functionLibraries().size());
            assertEquals(LIB_A, new String(file.functionLibraries().get(0)));

            String list = c.call("FUNCTION", "LIST", "WITHCODE");
            c.call("FUNCTION", "LOAD", LIB_B);
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD", "NOSAVE"));
            // the file's libraries replace the current ones, as in Redis
            assertEquals(list, c.call("FUNCTION", "LIST", "WITHCODE"));
            assertEquals("$1\r\na\r\n", c.call("FCALL", "fa", "0"));
            assertEquals("-ERR Function not found\r\n", c.call("FCALL", "fb", "0"));

            c.call("FUNCTION", "FLUSH");
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"));
            assertEquals("*0\r\n", c.call("FUNCTION", "LIST"));
        }
    }

    @Test
    void bgsaveWritesTheLibrariesOfItsStart() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            c.call("FUNCTION", "FLUSH");
            c.call("FUNCTION", "LOAD", LIB_B);
            long before = Long.parseLong(info(c, "rdb_saves"));
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            c.call("FUNCTION", "LOAD", LIB_A);
            long deadline = System.currentTimeMillis() + 10_000;
            while (!info(c, "rdb_bgsave_in_progress").equals("0") || Long.parseLong(info(c, "rdb_saves")) == before) {
                assertTrue(System.currentTimeMillis() < deadline, "BGSAVE did not finish");
                Thread.sleep(20);
            }
            LoadedDataset file = readFile();
            assertEquals(1, file.functionLibraries().size());
            assertEquals(LIB_B, new String(file.functionLibraries().get(0)));
        }
    }

    @Test
    void libraryChangesCountForSavePoints() throws Exception {
        try (RespTestClient c = new RespTestClient(server.port())) {
            c.call("FUNCTION", "FLUSH");
            c.call("SAVE");
            c.call("FUNCTION", "LOAD", LIB_A);
            assertEquals("1", info(c, "rdb_changes_since_last_save"));
            String dump = c.call("FUNCTION", "DUMP");
            c.call("FUNCTION", "DELETE", "liba");
            assertEquals("-ERR Library not found\r\n", c.call("FUNCTION", "DELETE", "liba"));
            assertEquals("2", info(c, "rdb_changes_since_last_save"));
            // the reply is read as ISO-8859-1: the payload's bytes go back unchanged in that charset
            String payload = dump.substring(dump.indexOf("\r\n") + 2, dump.length() - 2);
            c.send(RespTestClient.encode(java.nio.charset.StandardCharsets.ISO_8859_1, "FUNCTION", "RESTORE", payload));
            assertEquals("+OK\r\n", c.readReply());
            assertEquals("3", info(c, "rdb_changes_since_last_save"));
            c.call("FUNCTION", "FLUSH");
            assertEquals("4", info(c, "rdb_changes_since_last_save"));
        }
    }
}
