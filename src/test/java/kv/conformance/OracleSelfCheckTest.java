package kv.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Replays the whole corpus against a live reference redis-server 7.0 (the one the corpus was
 * recorded from): every {@code <} line must match, which proves the corpus and the replayer.
 * Runs only with {@code -Dkv.oracle.port=NNNN} (and optionally {@code -Dkv.oracle.host}).
 */
class OracleSelfCheckTest {
    @Test
    void corpusMatchesReferenceServer() throws Exception {
        String port = System.getProperty("kv.oracle.port");
        Assumptions.assumeTrue(port != null && !port.isBlank(),
                "no reference server: run with -Dkv.oracle.port=NNNN against redis-server 7.0.15");
        String host = System.getProperty("kv.oracle.host", "127.0.0.1");
        Replayer r = new Replayer(host, Integer.parseInt(port.trim()), Replayer.Target.ORACLE_70);
        List<Replayer.Mismatch> mismatches = r.run(CorpusFiles.loadAll());
        assertTrue(r.checked() >= 650, "too few exchanges compared: " + r.checked());
        assertTrue(mismatches.isEmpty(), CorpusFiles.report(mismatches, r));
    }
}
