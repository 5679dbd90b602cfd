package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kv.store.Db;
import org.junit.jupiter.api.Test;

/**
 * A table's growth allocates its new slot arrays at once; near maxmemory eviction makes room for
 * them beforehand, or (noeviction) writes are refused, instead of the growth overshooting the
 * limit (in a pod: the heap) by the size of the new arrays.
 */
class TableGrowthEvictionTest {
    private static final String OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
    /** The main table's capacity after the keys below: it grows past 4/5 of 65536 slots. */
    private static final int SLOTS = 1 << 16;
    private final EngineHarness e = new EngineHarness();

    private Db db() {
        return e.server.keyspace().db(0);
    }

    /** Fills db 0 to 3/4 of {@link #SLOTS} and sets maxmemory 512 KiB above what that uses: the data fits, a growth does not. */
    private long fillToThreeQuarters(String policy) {
        for (int i = 0; i < SLOTS * 3 / 4 - 1; i++) {
            e.call("SET", "k:" + i, "v");
        }
        long indexBytes = db().mainIndexBytes();
        long limit = e.server.usedMemory() + 512 * 1024;
        assertTrue(2 * indexBytes > limit - e.server.usedMemory(), "a growth would pass the limit");
        e.call("CONFIG", "SET", "maxmemory-policy", policy);
        e.call("CONFIG", "SET", "maxmemory", Long.toString(limit));
        return indexBytes;
    }

    @Test
    void evictionMakesRoomForTheGrowthInsteadOfGrowingPastTheLimit() {
        long indexBytes = fillToThreeQuarters("allkeys-random");
        for (int i = 0; i < SLOTS / 4; i++) {
            assertEquals("+OK\r\n", e.call("SET", "n:" + i, "v"));
            assertTrue(e.server.usedMemory() <= e.server.memoryLimit(), "used memory under the limit");
        }
        assertEquals(indexBytes, db().mainIndexBytes(), "the table did not grow");
        assertTrue(db().size() >= SLOTS * 3 / 4 - 1, "keys " + db().size());
        assertTrue(e.server.keyspace().stats().evictedKeys > 0);
    }

    @Test
    void noevictionRefusesTheWriteThatWouldNeedTheGrowth() {
        fillToThreeQuarters("noeviction");
        assertEquals("+OK\r\n", e.call("SET", "n:0", "v"));
        assertEquals(OOM, e.call("SET", "n:1", "v"));
        assertEquals("$1\r\nv\r\n", e.call("GET", "n:0"));
        // with room for the growth, the table grows as usual
        e.call("CONFIG", "SET", "maxmemory", "0");
        for (int i = 1; i < SLOTS / 4; i++) {
            assertEquals("+OK\r\n", e.call("SET", "n:" + i, "v"));
        }
        assertTrue(db().size() > SLOTS * 4 / 5);
    }
}
