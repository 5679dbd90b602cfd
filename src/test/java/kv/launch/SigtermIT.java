package kv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.KvProcess;
import kv.RespTestClient;

/**
 * SIGTERM at any moment after the data port answers runs KV's shutdown: with save points the
 * final RDB save keeps a write made a moment before. A SIGTERM right after the first reply
 * usually lands while Quarkus still boots (the port answers before it has started), where only
 * the launcher's own shutdown hook stops the engine, and writes out the log lines that were waiting
 * for Quarkus' logging.
 */
class SigtermIT {
    @TempDir
    Path tmp;

    @Test
    void sigtermRightAfterTheFirstWriteSavesIt() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        try (KvProcess kv = KvProcess.start(dir, "--save", "3600 1")) {
            try (RespTestClient c = kv.connect()) {
                assertEquals("+OK\r\n", c.call("SET", "written", "before the signal"));
            }
            kv.process.destroy();
            kv.awaitExit();
            // the lines logged before Quarkus had set up logging are written all the same
            String log = kv.output();
            assertTrue(log.contains("Network transport: "), log);
            assertTrue(log.contains("Saving the final RDB snapshot before exiting."), log);
            assertTrue(log.contains("DB saved on disk"), log);
        }
        assertTrue(Files.exists(dir.resolve("dump.rdb")), "no final save");
        try (KvProcess again = KvProcess.start(dir); RespTestClient c = again.connect()) {
            assertEquals("$17\r\nbefore the signal\r\n", c.call("GET", "written"));
        }
    }

    /** shutdown-on-sigterm: SAVE saves with no save points, NOSAVE skips the save they would make. */
    @Test
    void shutdownOnSigtermDecidesTheFinalSave() throws Exception {
        Path saves = Files.createDirectories(tmp.resolve("save"));
        writeThenSigterm(saves, "--save", "", "--shutdown-on-sigterm", "save");
        assertTrue(Files.exists(saves.resolve("dump.rdb")), "SAVE did not save");

        Path skips = Files.createDirectories(tmp.resolve("nosave"));
        String log = writeThenSigterm(skips, "--save", "3600 1", "--shutdown-on-sigterm", "nosave");
        assertFalse(log.contains("Saving the final RDB snapshot"), log);
        assertFalse(Files.exists(skips.resolve("dump.rdb")), "NOSAVE saved");
    }

    /** Starts KV in {@code dir} with {@code args}, writes one key, sends SIGTERM; returns the output. */
    private static String writeThenSigterm(Path dir, String... args) throws Exception {
        try (KvProcess kv = KvProcess.start(dir, args)) {
            try (RespTestClient c = kv.connect()) {
                assertEquals("+OK\r\n", c.call("SET", "k", "v"));
            }
            kv.process.destroy();
            kv.awaitExit();
            return kv.output();
        }
    }
}
