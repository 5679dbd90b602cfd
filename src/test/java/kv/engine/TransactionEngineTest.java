package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Transactions across clients (what a single-connection corpus cannot show): another client's
 * write, an expiry or a SWAPDB dooms a WATCHing client's EXEC, and EXEC's effects are propagated
 * as one MULTI/EXEC block.
 */
class TransactionEngineTest {
    private final EngineHarness e = new EngineHarness();
    private final Client other = DetachedTransport.client(e.server, "other");

    private String by(Client c, String... args) {
        byte[][] argv = EngineHarness.argv(args);
        return e.call(c, argv);
    }

    @Test
    void anotherClientsWriteDoomsTheTransaction() {
        e.call("SET", "k", "1");
        e.call("WATCH", "k");
        by(other, "SET", "k", "2");
        e.call("MULTI");
        e.call("INCR", "k");
        assertEquals("*-1\r\n", e.call("EXEC"));
        assertEquals("$1\r\n2\r\n", e.call("GET", "k"));
        // the watch is gone after EXEC: the next transaction runs
        e.call("MULTI");
        e.call("INCR", "k");
        assertEquals("*1\r\n:3\r\n", e.call("EXEC"));
    }

    @Test
    void writesToOtherKeysOrDatabasesDoNot() {
        e.call("WATCH", "k");
        by(other, "SET", "unrelated", "1");
        by(other, "SELECT", "1");
        by(other, "SET", "k", "in db 1");
        e.call("MULTI");
        e.call("SET", "k", "mine");
        assertEquals("*1\r\n+OK\r\n", e.call("EXEC"));
    }

    @Test
    void swapdbBringingTheKeyDoomsIt() {
        by(other, "SELECT", "1");
        by(other, "SET", "k", "there");
        e.call("WATCH", "k");
        by(other, "SWAPDB", "0", "1");
        e.call("MULTI");
        e.call("PING");
        assertEquals("*-1\r\n", e.call("EXEC"));
    }

    @Test
    void aDisconnectedClientsWatchesAreForgotten() {
        by(other, "WATCH", "k");
        e.server.clients().disconnect(other);
        assertEquals(false, e.server.watches().watchesAnything(other));
    }

    @Test
    void execPropagatesOneAtomicBlock() {
        List<String> log = new ArrayList<>();
        e.server.addPropagationTarget((db, argv) -> {
            StringBuilder line = new StringBuilder().append(db).append(':');
            for (byte[] a : argv) {
                line.append(' ').append(new String(a, StandardCharsets.UTF_8));
            }
            log.add(line.toString());
        });
        e.call("MULTI");
        e.call("SET", "a", "1");
        e.call("GET", "a");
        e.call("INCR", "a");
        e.call("EXEC");
        assertEquals(List.of("0: MULTI", "0: SET a 1", "0: INCR a", "0: EXEC"), log);
        log.clear();
        e.call("MULTI");
        e.call("GET", "a");
        e.call("SET", "b", "1");
        e.call("EXEC");
        assertEquals(List.of("0: SET b 1"), log, "a single effect needs no MULTI/EXEC");
    }
}
