package kv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** A load bigger than a staging block: every entry and TTL arrives, a duplicate is the second copy. */
class LoadedTablesTest {
    private static final int KEYS = 3 * HashSlots.CHUNK + 123;

    private static byte[] key(int i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    private static LoadedTables staged(int keys) {
        LoadedTables load = new LoadedTables(new AccessClock(), 0);
        for (int i = 0; i < keys; i++) {
            load.add(0, key(i), StringValues.of(("v" + i).getBytes(StandardCharsets.US_ASCII)),
                    i % 7 == 0 ? 4_000_000_000_000L + i : -1, -1, -1, i);
        }
        return load;
    }

    @Test
    void blocksOfEntriesAreAllInstalledWithTheirTtls() {
        LoadedTables load = staged(KEYS);
        assertEquals(KEYS, load.size(0));
        assertNull(load.build());
        Keyspace ks = new Keyspace(16);
        load.installInto(ks);
        Db d = ks.db(0);
        assertEquals(KEYS, d.size());
        assertEquals((KEYS + 6) / 7, d.expiringCount());
        for (int i = 0; i < KEYS; i++) {
            assertArrayEquals(("v" + i).getBytes(StandardCharsets.US_ASCII), (byte[]) d.read(key(i)), "key " + i);
            assertEquals(i % 7 == 0 ? 4_000_000_000_000L + i : -1, d.expireTime(key(i)), "key " + i);
        }
    }

    @Test
    void theSecondCopyOfAKeyIsTheDuplicateWhateverBlockItIsIn() {
        LoadedTables load = staged(KEYS);
        load.add(0, key(5), StringValues.of(new byte[1]), -1, -1, -1, 999_999);
        LoadedTables.Duplicate d = load.build();
        assertNotNull(d);
        assertArrayEquals(key(5), d.key());
        assertEquals(999_999, d.offset());
    }
}
