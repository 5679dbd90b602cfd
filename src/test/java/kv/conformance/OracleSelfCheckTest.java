package kv.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import kv.ReferenceRedis;

/**
 * Replays the whole corpus against a live reference redis-server 7.0 (the version the corpus was
 * recorded from): every {@code <} line must match, which proves the corpus and the replayer.
 * With {@code -Doracle.port=NNNN} it uses that server; otherwise it starts the local
 * {@code redis-server} if it is a 7.0.x (CI installs Debian's 7.0.15), and skips, saying why,
 * when there is none or another version.
 */
class OracleSelfCheckTest {
    @Test
    void corpusMatchesReferenceServer() throws Exception {
        String port = System.getProperty("oracle.port");
        if (port != null && !port.isBlank()) {
            replay(System.getProperty("oracle.host", "127.0.0.1"), Integer.parseInt(port.trim()));
            return;
        }
        try (ReferenceRedis oracle = ReferenceRedis.startOrSkip()) {
            replay("127.0.0.1", oracle.port());
        }
    }

    private static void replay(String host, int port) throws Exception {
        Replayer r = new Replayer(host, port, Replayer.Target.ORACLE_70);
        List<Replayer.Mismatch> mismatches = r.run(CorpusFiles.loadAll());
        assertTrue(r.checked() >= 650, "too few exchanges compared: " + r.checked());
        assertTrue(mismatches.isEmpty(), CorpusFiles.report(mismatches, r));
    }
}
