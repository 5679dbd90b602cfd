package kv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * Keys go into the tables as they arrive, presized by RESIZEDB or growing without it: every entry
 * and TTL arrives, and a key already there is refused (the file's second copy) with nothing added.
 */
class LoadedTablesTest {
    private static final int KEYS = 3 * HashSlots.CHUNK + 123;

    private static byte[] key(int i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] value(int i) {
        return ("v" + i).getBytes(StandardCharsets.US_ASCII);
    }

    private static long ttl(int i) {
        return i % 7 == 0 ? 4_000_000_000_000L + i : -1;
    }

    private static void addAll(LoadedTables load, int keys) {
        for (int i = 0; i < keys; i++) {
            assertTrue(load.add(0, key(i), StringValues.of(value(i)), ttl(i), -1, -1), "key " + i);
        }
    }

    private static void assertAllInstalled(LoadedTables load) {
        Keyspace ks = new Keyspace(16);
        load.installInto(ks);
        Db d = ks.db(0);
        assertEquals(KEYS, d.size());
        assertEquals((KEYS + 6) / 7, d.expiringCount());
        for (int i = 0; i < KEYS; i++) {
            assertArrayEquals(value(i), (byte[]) d.read(key(i)), "key " + i);
            assertEquals(ttl(i), d.expireTime(key(i)), "key " + i);
        }
    }

    @Test
    void withoutResizedbTheTablesGrowAsKeysComeAndEveryEntryArrives() {
        LoadedTables load = new LoadedTables(new AccessClock(), 0);
        addAll(load, KEYS);
        assertEquals(KEYS, load.size(0));
        assertAllInstalled(load);
    }

    @Test
    void resizedbSizesTheTablesOnceWhetherItsFiguresAreRightOrNot() {
        LoadedTables exact = new LoadedTables(new AccessClock(), 0);
        exact.reserve(0, KEYS, (KEYS + 6) / 7);
        addAll(exact, KEYS);
        assertAllInstalled(exact);
        // a figure far too small only means growing; one far too big, empty slots
        LoadedTables under = new LoadedTables(new AccessClock(), 0);
        under.reserve(0, 10, 1);
        addAll(under, KEYS);
        assertAllInstalled(under);
        LoadedTables over = new LoadedTables(new AccessClock(), 0);
        over.reserve(0, 20L * KEYS, Long.MAX_VALUE);
        addAll(over, KEYS);
        assertAllInstalled(over);
    }

    @Test
    void resizedbSizesTheTablesBeforeTheFirstKey() {
        LoadedTables load = new LoadedTables(new AccessClock(), 0);
        load.reserve(0, KEYS, 5);
        int capacity = load.capacity(0);
        // 4/5 of the capacity holds the announced keys: no growth while they come
        assertTrue(capacity * 4L >= KEYS * 5L, "capacity " + capacity);
        addAll(load, KEYS);
        assertEquals(capacity, load.capacity(0));
    }

    /** Short strings share the key's record; long ones and integers stay objects; idle times restore the access field. */
    @Test
    void valuesInAndOutOfTheRecordAndAccessFieldsArriveAsAdded() {
        AccessClock clock = new AccessClock();
        LoadedTables load = new LoadedTables(clock, 0);
        load.reserve(0, KEYS, 0);
        byte[] longString = new byte[StringValues.EMBSTR_LIMIT + 1];
        for (int i = 0; i < KEYS; i++) {
            byte[] v = i % 3 == 0 ? key(i) : i % 3 == 1 ? longString : Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
            load.add(0, key(i), StringValues.of(v), -1, i % 5 == 0 ? i % 1000 : -1, -1);
        }
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
    void aKeyAlreadyThereIsRefusedAndTheFirstCopyStays() {
        LoadedTables load = new LoadedTables(new AccessClock(), 0);
        load.reserve(0, KEYS, 1);
        addAll(load, KEYS);
        byte[] scratch = new byte[64];
        byte[] k = key(KEYS - 1);
        System.arraycopy(k, 0, scratch, 0, k.length);
        assertFalse(load.addString(0, scratch, k.length, new byte[8], 1, 5_000_000_000_000L, -1, -1));
        assertFalse(load.add(0, key(5), StringValues.of(new byte[100]), -1, -1, -1));
        assertFalse(load.add(0, key(7), SetValue.emptyListpack(), -1, -1, -1));
        // the same name in another database is another key
        assertTrue(load.add(1, key(5), StringValues.of(new byte[1]), -1, -1, -1));
        assertEquals(KEYS, load.size(0));
        assertEquals(1, load.size(1));
        assertAllInstalled(load);
    }
}
