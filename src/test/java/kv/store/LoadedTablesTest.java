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

    /** Short strings share the key's record; long ones and integers stay objects; idle times restore the access field. */
    @Test
    void valuesInAndOutOfTheRecordAndAccessFieldsArriveAsStaged() {
        AccessClock clock = new AccessClock();
        LoadedTables load = new LoadedTables(clock, 0);
        byte[] longString = new byte[StringValues.EMBSTR_LIMIT + 1];
        for (int i = 0; i < KEYS; i++) {
            byte[] v = i % 3 == 0 ? key(i) : i % 3 == 1 ? longString : Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
            load.add(0, key(i), StringValues.of(v), -1, i % 5 == 0 ? i % 1000 : -1, -1, i);
        }
        assertNull(load.build());
        Keyspace ks = new Keyspace(16);
        load.installInto(ks);
        Db d = ks.db(0);
        for (int i = 0; i < KEYS; i++) {
            int field = i % 5 == 0 ? clock.restored(i % 1000, -1, 0) : clock.initial(0);
            assertEquals(field, d.accessField(key(i)), "key " + i);
            Object v = d.read(key(i));
            switch (i % 3) {
                case 0 -> assertArrayEquals(key(i), (byte[]) v, "key " + i);
                case 1 -> assertArrayEquals(longString, (byte[]) v, "key " + i);
                default -> assertEquals((long) i, StringValues.longValue(v), "key " + i);
            }
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
