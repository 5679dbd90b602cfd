package kv.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.store.Keyspace;

class CheckRdbTest {
    @TempDir
    Path dir;

    private static String run(int expected, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(expected, CheckRdb.run(args, new PrintStream(out, true)));
        return out.toString();
    }

    @Test
    void reportsWhatItFoundOrWhereItFailed() throws Exception {
        Keyspace ks = new Keyspace(16);
        ks.db(0).put("a".getBytes(), "1".getBytes());
        ks.db(5).put("b".getBytes(), "2".getBytes());
        byte[] file = RdbFileTest.write(ks, false);
        Path ok = dir.resolve("ok.rdb");
        Files.write(ok, file);
        String report = run(0, ok.toString());
        assertTrue(report.contains("RDB version 10"), report);
        assertTrue(report.contains("db 5: {string=1}"), report);
        assertTrue(report.contains("RDB looks OK"), report);
        Path cut = dir.resolve("cut.rdb");
        Files.write(cut, java.util.Arrays.copyOf(file, file.length - 12));
        report = run(1, cut.toString());
        assertTrue(report.contains("RDB ERROR DETECTED") && report.contains("offset"), report);
        run(2);
        run(1, dir.resolve("missing.rdb").toString());
    }
}
