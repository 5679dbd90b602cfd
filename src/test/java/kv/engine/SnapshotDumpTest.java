package kv.engine;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.rdb.Snapshot;

/** A dump that cannot start leaves nothing behind: its snapshot stops guarding the keyspace. */
class SnapshotDumpTest {
    @TempDir
    Path tmp;

    @Test
    void aTempFileThatCannotBeCreatedClosesTheSnapshot() {
        EngineHarness h = new EngineHarness();
        h.call("SET", "k", "v");
        Snapshot snap = Snapshot.take(h.server.keyspace(), System.currentTimeMillis());
        Path unwritable = tmp.resolve("missing-dir").resolve("temp.rdb");
        assertThrows(IOException.class, () -> SnapshotDump.start(h.server, SnapshotDump.Kind.RDB, snap, unwritable,
                sink -> {
                    throw new AssertionError("no format without a file");
                }, written -> {
                    throw new AssertionError("nothing was written");
                }));
        assertTrue(snap.closed(), "a snapshot left open would copy every later write for a dump that never runs");
        assertNull(h.server.runningDump());
    }

    @Test
    void aFormatThatCannotStartClosesTheSnapshot() {
        EngineHarness h = new EngineHarness();
        Snapshot snap = Snapshot.take(h.server.keyspace(), System.currentTimeMillis());
        assertThrows(IOException.class, () -> SnapshotDump.start(h.server, SnapshotDump.Kind.RDB, snap, tmp.resolve("temp.rdb"),
                sink -> {
                    throw new IOException("header refused");
                }, written -> {
                }));
        assertTrue(snap.closed());
    }
}
