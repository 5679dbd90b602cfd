package kv.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.engine.EngineHarness;
import kv.engine.FunctionLibraryStore;
import kv.script.ScriptLibraryStore;

/**
 * What the AOF gets of function libraries: FUNCTION LOAD/DELETE/FLUSH/RESTORE as called when they
 * changed something (Redis' server.dirty++), and a rewritten base that loads them back.
 */
class FunctionAofTest {
    private static final String LIB = "#!lua name=lib\nredis.register_function('f', function() return 'f' end)";

    @TempDir
    Path dir;

    private static EngineHarness harness() {
        EngineHarness e = new EngineHarness();
        e.server.attach(FunctionLibraryStore.class, new ScriptLibraryStore(e.server));
        return e;
    }

    @Test
    void libraryCommandsPropagateAsCalledWhenTheyChangeSomething() {
        EngineHarness e = harness();
        List<String> log = new ArrayList<>();
        e.server.addPropagationTarget((db, argv) -> {
            List<String> words = new ArrayList<>();
            for (byte[] a : argv) {
                words.add(new String(a, StandardCharsets.ISO_8859_1));
            }
            log.add(String.join(" ", words));
        });
        e.call("FUNCTION", "LOAD", LIB);
        e.call("FUNCTION", "LOAD", LIB); // already exists: nothing changed
        String dump = e.call("FUNCTION", "DUMP");
        e.call("FUNCTION", "DELETE", "lib");
        e.call("FUNCTION", "DELETE", "lib");
        String payload = dump.substring(dump.indexOf("\r\n") + 2, dump.length() - 2);
        // the reply is ISO-8859-1 text: the payload goes back in that charset, byte for byte
        e.call(e.client, new byte[][] {"FUNCTION".getBytes(StandardCharsets.US_ASCII), "RESTORE".getBytes(StandardCharsets.US_ASCII),
            payload.getBytes(StandardCharsets.ISO_8859_1)});
        e.call("FUNCTION", "FLUSH");
        assertEquals(List.of("FUNCTION LOAD " + LIB, "FUNCTION DELETE lib", "FUNCTION RESTORE " + payload, "FUNCTION FLUSH"), log);
    }

    @Test
    void aRewrittenBaseLoadsTheLibrariesFirst() throws Exception {
        EngineHarness source = harness();
        source.call("FUNCTION", "LOAD", LIB);
        source.call("SET", "k", "v");
        Path base = dir.resolve("base.aof");
        try (OutputStream out = new FileOutputStream(base.toFile())) {
            DatasetWriter w = new DatasetWriter(out);
            w.functions(source.server.functionLibraries().libraryCodes());
            w.write(source.server.keyspace(), System.currentTimeMillis());
        }
        EngineHarness target = harness();
        AofLoader loader = new AofLoader(target.server, new AofStartup.Plan(null, null, List.of(base)), new RdbBaseFile());
        while (!loader.step(1_000_000_000L)) {
            // one slice at a time, as the server runs it
        }
        assertEquals("$1\r\nf\r\n", target.call("FCALL", "f", "0"));
        assertEquals("$1\r\nv\r\n", target.call("GET", "k"));
    }
}
