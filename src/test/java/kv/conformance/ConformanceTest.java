package kv.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kv.server.RespServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the conformance corpus against the KV server started by Quarkus in test mode, one
 * dynamic test per case ("file: case"), each on the clean state {@link CaseIsolation} prepares.
 * Files can be left out with {@code -Dconformance.exclude=wrongtype,doubles72} while their
 * commands are missing.
 */
@QuarkusTest
class ConformanceTest {
    private static Replayer replayer;

    @Inject
    RespServer server;

    @TestFactory
    Stream<DynamicTest> corpus() throws Exception {
        String host = System.getProperty("conformance.host", "127.0.0.1");
        // a generous bound: the first COMMAND INFO waits for the command facts, which take seconds to parse on a
        // loaded machine; a reply is compared, never timed
        replayer = new Replayer(host, server.port(), Replayer.Target.KV).timeoutMillis(20_000);
        List<DynamicTest> tests = new ArrayList<>();
        for (Corpus.CorpusFile f : CorpusFiles.loadSelected()) {
            for (Corpus.Case c : f.cases) {
                tests.add(DynamicTest.dynamicTest(f.name + ": " + c.name, () -> {
                    int before = replayer.checked();
                    List<Replayer.Mismatch> mismatches = replayer.runCase(c);
                    assertTrue(mismatches.isEmpty(), () -> mismatches.stream().map(Replayer.Mismatch::toString)
                            .collect(Collectors.joining("\n")));
                    assertTrue(replayer.checked() > before, "the case compared no exchange");
                }));
            }
        }
        assertFalse(tests.isEmpty(), "no corpus case selected");
        return tests.stream();
    }

    @AfterAll
    static void closeAdminConnection() {
        if (replayer != null) {
            replayer.close();
        }
    }
}
