package kv.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The client-tracking table is counted in used_memory, grows with what clients read and is given back. */
class TrackingMemoryTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theTableCountsKeysItemsAndTheirBytes() {
        TrackedKeys t = new TrackedKeys();
        long empty = t.heapBytes();
        assertTrue(t.remember(b("key:1"), 7));
        assertFalse(t.remember(b("key:1"), 7), "the same reader twice is one item");
        assertTrue(t.remember(b("key:1"), 3));
        assertTrue(t.remember(b("key:22"), 7));
        assertEquals(2, t.size());
        assertEquals(3, t.items());
        long two = t.heapBytes();
        // slot array of 16, two entries of node + wrapper + key + ids
        assertTrue(two - empty >= 2 * (32 + 56 + 24 + 24), "estimate " + (two - empty));
        assertArrayEquals(new long[] {3, 7}, t.forget(b("key:1")), "readers in id order");
        assertNull(t.forget(b("key:1")));
        assertEquals(1, t.items());
        assertArrayEquals(new long[] {7}, t.forget(b("key:22")));
        assertEquals(empty, t.heapBytes(), "an emptied table gives everything back");
    }

    @Test
    void usedMemoryIncludesWhatTrackingClientsRead() {
        EngineHarness h = new EngineHarness();
        Client second = DetachedTransport.client(h.server, "second");
        h.call("CLIENT", "TRACKING", "on");
        h.call(second, new byte[][] {b("CLIENT"), b("TRACKING"), b("on")});
        long before = h.server.usedMemory();
        long trackingBefore = h.server.tracking().heapBytes();
        for (int i = 0; i < 1000; i++) {
            h.call("GET", "key:" + i);
        }
        long oneReader = h.server.usedMemory() - before;
        assertEquals(h.server.tracking().heapBytes() - trackingBefore, oneReader);
        assertTrue(oneReader >= 1000 * 140, "1000 keys cost " + oneReader);
        for (int i = 0; i < 1000; i++) {
            h.call(second, new byte[][] {b("GET"), b("key:" + i)});
        }
        long twoReaders = h.server.usedMemory() - before;
        assertTrue(twoReaders >= oneReader + 1000 * 8, "a second reader adds its id to each key");
        String info = h.call("INFO", "stats");
        assertTrue(info.contains("tracking_total_keys:1000\r\n"), info);
        assertTrue(info.contains("tracking_total_items:2000\r\n"), info);
        h.call("FLUSHALL");
        assertEquals(trackingBefore, h.server.tracking().heapBytes());
        assertTrue(h.call("INFO", "stats").contains("tracking_total_keys:0\r\n"));
    }

    @Test
    void broadcastPrefixesAreCountedWhileRegistered() {
        EngineHarness h = new EngineHarness();
        long before = h.server.tracking().heapBytes();
        h.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "obj:");
        long two = h.server.tracking().heapBytes() - before;
        assertTrue(two > 2 * 200, "two prefixes cost " + two);
        h.call("CLIENT", "TRACKING", "off");
        assertEquals(before, h.server.tracking().heapBytes());
    }
}
