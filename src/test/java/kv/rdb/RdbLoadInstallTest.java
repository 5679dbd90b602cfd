package kv.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import kv.store.Db;
import kv.store.Keyspace;

/** Loading builds tables of its own; installing hands them to empty databases or merges into others. */
class RdbLoadInstallTest {
    private static final long NOW = System.currentTimeMillis();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] file(int db, String... keys) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RdbWriter w = new RdbWriter(out, true, true);
        w.header(RdbFormat.WRITE_VERSION);
        w.selectDb(db, keys.length, 1);
        for (int i = 0; i < keys.length; i++) {
            w.entry(b(keys[i]), b("v" + i), i == 0 ? NOW + 100_000 : -1);
        }
        w.end();
        return out.toByteArray();
    }

    private static LoadedDataset load(byte[] file) throws Exception {
        return new RdbLoader(EncodingLimits.DEFAULTS, 16, NOW, true).load(new ByteArrayInputStream(file));
    }

    @Test
    void aDuplicateKeyFailsTheLoadAndNothingIsInstalled() throws Exception {
        RdbException e = assertThrows(RdbException.class, () -> load(file(3, "a", "b", "a")));
        assertTrue(e.getMessage().contains("duplicate key 'a' in db 3"), e.getMessage());
    }

    @Test
    void emptyDatabasesTakeTheTablesOverWithTtlsAndMemory() throws Exception {
        LoadedDataset data = load(file(2, "a", "b", "c"));
        assertEquals(3, data.keysLoaded());
        Keyspace ks = new Keyspace(16);
        long before = ks.heapBytes();
        data.applyTo(ks);
        Db d = ks.db(2);
        assertEquals(3, d.size());
        assertEquals(1, d.expiringCount());
        assertEquals(NOW + 100_000, d.expireTime(b("a")));
        assertArrayEquals(b("v2"), (byte[]) d.read(b("c")));
        assertTrue(ks.heapBytes() > before);
        assertEquals(0, ks.changes(), "a load is not a change");
        // the tables are the database's now: it changes as usual
        d.remove(b("a"));
        assertEquals(0, d.expiringCount());
        assertEquals(2, d.size());
    }

    @Test
    void aDatabaseHoldingKeysGetsTheEntriesMerged() throws Exception {
        Keyspace ks = new Keyspace(16);
        ks.db(0).put(b("x"), b("old"));
        ks.db(0).put(b("b"), b("replaced"));
        load(file(0, "a", "b")).applyTo(ks);
        Db d = ks.db(0);
        assertEquals(3, d.size());
        assertArrayEquals(b("old"), (byte[]) d.read(b("x")));
        assertArrayEquals(b("v1"), (byte[]) d.read(b("b")));
        assertEquals(NOW + 100_000, d.expireTime(b("a")));
    }

    @Test
    void entriesListsWhatWasLoaded() throws Exception {
        LoadedDataset data = load(file(1, "a", "b"));
        assertEquals(2, data.entries().size());
        for (LoadedDataset.Entry e : data.entries()) {
            assertEquals(1, e.db());
            assertEquals(new String(e.key()).equals("a") ? NOW + 100_000 : -1, e.expireAtMs());
        }
    }
}
