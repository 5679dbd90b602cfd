package kv.engine;

import static kv.engine.EngineHarness.argv;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ReplicationLogTest {
    @Test
    void nothingIsCountedWithoutBacklogOrListener() {
        ReplicationLog log = new ReplicationLog();
        log.propagate(0, argv("SET", "a", "1"));
        assertEquals(0, log.offset());
    }

    @Test
    void effectsAreEncodedWithSelectWhenTheDbChanges() {
        ReplicationLog log = new ReplicationLog();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        log.addListener(seen::write);
        log.propagate(0, argv("SET", "a", "1"));
        log.propagate(0, argv("DEL", "a"));
        log.propagate(3, argv("DEL", "b"));
        String expected = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                + "*2\r\n$3\r\nDEL\r\n$1\r\na\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*2\r\n$3\r\nDEL\r\n$1\r\nb\r\n";
        assertEquals(expected, seen.toString(StandardCharsets.UTF_8));
        assertEquals(expected.length(), log.offset());
        log.forgetSelectedDb();
        seen.reset();
        log.propagate(3, argv("DEL", "b"));
        assertTrue(seen.toString(StandardCharsets.UTF_8).startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n"));
    }

    @Test
    void aReplicaRelaysItsMastersStreamNotItsOwnEffects() {
        ReplicationLog log = new ReplicationLog();
        log.resetTo("a".repeat(40), 100, 1024);
        log.proxying(true);
        log.propagate(0, argv("SET", "a", "1"));
        assertEquals(100, log.offset());
        byte[] ping = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
        log.feedRaw(ping, 0, ping.length);
        assertEquals(100 + ping.length, log.offset());
        assertTrue(log.canContinue("a".repeat(40), 101));
        assertArrayEquals(ping, log.streamFrom(101));
    }

    @Test
    void continuationNeedsAKnownIdAndBytesStillHeld() {
        ReplicationLog log = new ReplicationLog();
        log.createBacklog(64);
        String id = log.replid();
        byte[] chunk = new byte[40];
        log.feedRaw(chunk, 0, 40);
        assertTrue(log.canContinue(id, 1));
        assertTrue(log.canContinue(id, 41)); // nothing missing
        assertFalse(log.canContinue(id, 42)); // ahead of us
        assertFalse(log.canContinue("f".repeat(40), 1));
        log.feedRaw(chunk, 0, 40); // 80 bytes streamed, 64 held
        assertFalse(log.canContinue(id, 16));
        assertTrue(log.canContinue(id, 17));
        assertEquals(64, log.streamFrom(17).length);
    }

    @Test
    void promotionKeepsTheOldIdValidUpToTheOffsetItEnded() {
        ReplicationLog log = new ReplicationLog();
        log.createBacklog(1024);
        String old = log.replid();
        byte[] chunk = new byte[10];
        log.feedRaw(chunk, 0, 10);
        log.shiftReplicationId(ReplicationLog.randomId());
        assertNotEquals(old, log.replid());
        assertEquals(old, log.replid2());
        assertEquals(11, log.secondOffset());
        log.feedRaw(chunk, 0, 10);
        assertTrue(log.canContinue(old, 11));
        assertFalse(log.canContinue(old, 12)); // the old master never streamed byte 12 under that id
        assertTrue(log.canContinue(log.replid(), 12));
    }

    @Test
    void theBacklogAllocatesAsItsHistoryGrows() {
        ReplicationLog log = new ReplicationLog();
        log.createBacklog(1 << 20);
        assertEquals(0, log.backlogBytes());
        byte[] chunk = new byte[100_000];
        log.feedRaw(chunk, 0, chunk.length);
        assertTrue(log.backlogBytes() >= chunk.length && log.backlogBytes() < 256 * 1024, "after 100 KB: " + log.backlogBytes());
        for (int i = 0; i < 12; i++) {
            log.feedRaw(chunk, 0, chunk.length);
        }
        assertEquals(1 << 20, log.backlogBytes());
        assertEquals(1 << 20, log.backlog().histlen());
    }

    @Test
    void backlogRingMatchesAModelUnderRandomAppendsAndResizes() {
        Random rnd = new Random(7);
        ReplicationBacklog backlog = new ReplicationBacklog(100, 1);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int round = 0; round < 2000; round++) {
            if (rnd.nextInt(50) == 0) {
                backlog.resize(1 + rnd.nextInt(200));
            }
            byte[] b = new byte[rnd.nextInt(backlog.size() * 2 + 1)];
            rnd.nextBytes(b);
            backlog.append(b, 0, b.length);
            all.write(b, 0, b.length);
            byte[] stream = all.toByteArray();
            long end = stream.length + 1;
            assertEquals(end, backlog.firstByteOffset() + backlog.histlen());
            assertTrue(backlog.histlen() <= backlog.size());
            long from = backlog.firstByteOffset() + (backlog.histlen() == 0 ? 0 : rnd.nextInt((int) backlog.histlen() + 1));
            byte[] expected = java.util.Arrays.copyOfRange(stream, (int) (from - 1), stream.length);
            assertArrayEquals(expected, backlog.copyFrom(from));
        }
    }
}
