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

    /** A file that fails at its very end (here its checksum) gives no dataset: the keyspace keeps what it held. */
    @Test
    void aLoadThatFailsAtItsEndLeavesTheKeyspaceAsItWas() throws Exception {
        Keyspace ks = new Keyspace(16);
        ks.db(0).put(b("x"), b("old"));
        byte[] f = file(0, "a", "b", "c");
        f[f.length - 1] ^= 1;
        RdbException e = assertThrows(RdbException.class, () -> new RdbLoader(EncodingLimits.DEFAULTS, 16, NOW, true)
                .load(new ByteArrayInputStream(f)));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        assertEquals(1, ks.db(0).size());
        assertArrayEquals(b("old"), (byte[]) ks.db(0).read(b("x")));
    }

    @Test
    void aDuplicateInALaterDatabaseIsFoundWhateverTheEarlierOnesHold() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RdbWriter w = new RdbWriter(out, true, true);
        w.header(RdbFormat.WRITE_VERSION);
        w.selectDb(0, 2, 0);
        w.entry(b("a"), b("1"), -1);
        w.entry(b("b"), b("2"), -1);
        w.selectDb(5, 3, 0);
        w.entry(b("a"), b("3"), -1);
        w.entry(b("c"), new byte[100], -1);
        w.entry(b("c"), b("4"), -1);
        w.end();
        RdbException e = assertThrows(RdbException.class, () -> load(out.toByteArray()));
        assertTrue(e.getMessage().contains("duplicate key 'c' in db 5"), e.getMessage());
    }

    /** The reader reports how far it has come every few MB and at the end, and the writer's used-mem as soon as it is read. */
    @Test
    void progressIsReportedAsTheFileIsRead() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RdbWriter w = new RdbWriter(out, false, true);
        w.header(RdbFormat.WRITE_VERSION);
        w.aux("used-mem", "123456789");
        int keys = 60_000;
        w.selectDb(0, keys, 0);
        for (int i = 0; i < keys; i++) {
            w.entry(b("key:" + i), b("value:" + i + ":".repeat(80)), -1);
        }
        w.end();
        byte[] f = out.toByteArray();
        java.util.List<Long> read = new java.util.ArrayList<>();
        long[] usedMem = {-1};
        new RdbLoader(EncodingLimits.DEFAULTS, 16, NOW, true).progress(new RdbProgress() {
            @Override
            public void read(long bytes) {
                read.add(bytes);
            }

            @Override
            public void usedMem(long bytes) {
                usedMem[0] = bytes;
            }
        }).load(new ByteArrayInputStream(f));
        assertEquals(123456789L, usedMem[0]);
        assertTrue(f.length > 2 * RdbProgress.STEP, "file of " + f.length + " bytes");
        assertTrue(read.size() >= 3, read.toString());
        for (int i = 0; i + 1 < read.size(); i++) {
            long previous = i == 0 ? 0 : read.get(i - 1);
            assertTrue(read.get(i) - previous >= RdbProgress.STEP && read.get(i) - previous < RdbProgress.STEP + 1000, read.toString());
        }
        assertEquals((long) f.length, read.get(read.size() - 1));
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
