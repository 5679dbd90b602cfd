package kv.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.engine.Client;
import kv.engine.DetachedTransport;
import kv.engine.EngineHarness;
import kv.engine.ReplicationLog;

/**
 * The stream applier without sockets: commands cut anywhere across reads are applied once each,
 * the relayed bytes (and so the offset) are exactly those applied, a MULTI block is relayed once
 * its EXEC ran, GETACK is answered with the offset before it, and the master's writes go through
 * on a read-only replica and past keys whose TTL has passed.
 */
class StreamApplierTest {
    private final EngineHarness h = new EngineHarness();
    private final List<Long> acks = new ArrayList<>();
    private final ByteArrayOutputStream relayed = new ByteArrayOutputStream();
    private final Client master;
    private final StreamApplier applier;

    StreamApplierTest() {
        ReplicationLog log = h.server.replication();
        log.proxying(true);
        log.addListener((bytes, off, len) -> relayed.write(bytes, off, len));
        h.server.keyspace().replicaExpiry(true);
        h.server.readiness().replication(true, true);
        master = DetachedTransport.client(h.server, "master");
        master.master(true);
        applier = new StreamApplier(h.server, master, acks::add);
    }

    private static byte[] stream(String[]... commands) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String[] c : commands) {
            out.writeBytes(RespTestClient.encode(c));
        }
        return out.toByteArray();
    }

    @Test
    void appliesEachCommandOnceWhateverTheCutsAndRelaysExactlyTheAppliedBytes() throws Exception {
        byte[] all = stream(new String[] {"SELECT", "1"}, new String[] {"SET", "k", "v"}, new String[] {"RPUSH", "l", "a", "b"},
                new String[] {"INCRBY", "n", "5"}, new String[] {"PING"}, new String[] {"SET", "big", "x".repeat(70_000)});
        Random random = new Random(7);
        int at = 0;
        while (at < all.length) {
            int n = Math.min(all.length - at, 1 + random.nextInt(50));
            applier.feed(all, at, n);
            at += n;
        }
        assertEquals(all.length, h.server.replication().offset());
        assertEquals(new String(all, StandardCharsets.ISO_8859_1), relayed.toString(StandardCharsets.ISO_8859_1));
        assertEquals(0, applier.unapplied());
        h.call("SELECT", "1");
        assertEquals("$1\r\nv\r\n", h.call("GET", "k"));
        assertEquals("$1\r\n5\r\n", h.call("GET", "n"));
        assertEquals(":2\r\n", h.call("LLEN", "l"));
        // the master's writes went through although a normal client is refused on a read-only replica
        assertEquals("-READONLY You can't write against a read only replica.\r\n", h.call("SET", "k", "w"));
    }

    @Test
    void aTransactionIsRelayedWhenItsExecHasRunAndGetAckAnswersTheOffsetBeforeIt() throws Exception {
        byte[] head = stream(new String[] {"SET", "a", "1"});
        byte[] multi = stream(new String[] {"MULTI"}, new String[] {"INCR", "a"});
        byte[] exec = stream(new String[] {"EXEC"});
        byte[] getack = stream(new String[] {"REPLCONF", "GETACK", "*"});
        applier.feed(head, 0, head.length);
        applier.feed(multi, 0, multi.length);
        assertEquals(head.length, h.server.replication().offset());
        assertEquals(multi.length, applier.unapplied());
        applier.feed(exec, 0, exec.length);
        long afterExec = head.length + multi.length + exec.length;
        assertEquals(afterExec, h.server.replication().offset());
        assertEquals("$1\r\n2\r\n", h.call("GET", "a"));
        applier.feed(getack, 0, getack.length);
        assertEquals(List.of(afterExec), acks);
        assertEquals(afterExec + getack.length, h.server.replication().offset());
    }

    @Test
    void keysPastTheirTtlExistForTheMasterAndAreMissingForOthers() throws Exception {
        byte[] set = stream(new String[] {"SET", "gone", "v", "PXAT", "1000"}, new String[] {"APPEND", "gone", "+"});
        applier.feed(set, 0, set.length);
        assertEquals("$-1\r\n", h.call("GET", "gone"));
        assertEquals(":1\r\n", h.call("DBSIZE"));
        // the master's APPEND met the stored key (Redis' replica lets its master see it)
        h.server.keyspace().applyingMasterStream(true);
        try {
            assertEquals("$2\r\nv+\r\n", h.call("GET", "gone"));
        } finally {
            h.server.keyspace().applyingMasterStream(false);
        }
        byte[] del = stream(new String[] {"DEL", "gone"});
        applier.feed(del, 0, del.length);
        assertEquals(":0\r\n", h.call("DBSIZE"));
    }
}
