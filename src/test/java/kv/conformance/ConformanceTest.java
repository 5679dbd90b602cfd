package kv.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import kv.server.RespServer;
import org.junit.jupiter.api.Test;

/**
 * Replays the whole conformance corpus against the KV server started by Quarkus in test mode
 * and fails listing every mismatch. Files can be left out with
 * {@code -Dkv.conformance.exclude=wrongtype,doubles72} while their commands are missing.
 */
@QuarkusTest
class ConformanceTest {
    @Inject
    RespServer server;

    @Test
    void corpusMatchesKv() throws Exception {
        String host = System.getProperty("kv.conformance.host", "127.0.0.1");
        Replayer r = new Replayer(host, server.port(), Replayer.Target.KV);
        List<Replayer.Mismatch> mismatches = r.run(CorpusFiles.loadSelected());
        assertTrue(r.checked() > 0, "no exchange was replayed");
        assertTrue(mismatches.isEmpty(), CorpusFiles.report(mismatches, r));
    }
}
