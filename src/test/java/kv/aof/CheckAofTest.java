package kv.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckAofTest {
    private static final String SET = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";

    @TempDir
    Path dir;

    private String output;

    private int run(String answer, String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new CheckAof(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8))).run(args);
        output = bytes.toString(StandardCharsets.UTF_8);
        return code;
    }

    private Path multiPart(String base, String incr) throws Exception {
        Path d = Files.createDirectories(dir.resolve("appendonlydir"));
        Files.writeString(d.resolve("appendonly.aof.1.base.aof"), base, StandardCharsets.ISO_8859_1);
        Files.writeString(d.resolve("appendonly.aof.1.incr.aof"), incr, StandardCharsets.ISO_8859_1);
        Files.writeString(d.resolve("appendonly.aof.manifest"),
                "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        return d;
    }

    @Test
    void aValidDirectoryPasses() throws Exception {
        Path d = multiPart(SET, SET + SET);
        assertEquals(0, run("", d.toString()), output);
        assertTrue(output.contains("All AOF files and manifest are valid"), output);
    }

    @Test
    void aTruncatedLastFileIsReportedThenFixedOnlyAfterYes() throws Exception {
        Path d = multiPart(SET, SET + "*1\r\n$4\r\nMU");
        Path incr = d.resolve("appendonly.aof.1.incr.aof");
        assertEquals(1, run("", d.toString()));
        assertTrue(output.contains("ok_up_to=27, diff=10"), output);
        assertTrue(output.contains("Use the --fix option"), output);
        assertEquals(1, run("n\n", "--fix", d.toString()));
        assertEquals(37, Files.size(incr));
        assertEquals(0, run("y\n", "--fix", d.resolve("appendonly.aof.manifest").toString()), output);
        assertEquals(27, Files.size(incr));
        assertEquals(0, run("", d.toString()), output);
    }

    @Test
    void anUnfinishedMultiIsCutBeforeTheMulti() throws Exception {
        Path f = dir.resolve("appendonly.aof");
        Files.writeString(f, SET + "*1\r\n$5\r\nMULTI\r\n" + SET, StandardCharsets.ISO_8859_1);
        assertEquals(0, run("y\n", "--fix", f.toString()), output);
        assertEquals(27, Files.size(f));
    }

    @Test
    void damageBeforeTheLastFileCannotBeFixed() throws Exception {
        Path d = multiPart(SET + "junk", SET);
        assertEquals(1, run("y\n", "--fix", d.toString()));
        assertTrue(output.contains("only the last one can be fixed"), output);
        assertEquals(31, Files.size(d.resolve("appendonly.aof.1.base.aof")));
    }
}
