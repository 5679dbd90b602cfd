package kv.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class AofManifestTest {
    private static AofManifest.Entry base(String name, long seq) {
        return new AofManifest.Entry(name, seq, AofManifest.Type.BASE);
    }

    private static AofManifest.Entry incr(String name, long seq) {
        return new AofManifest.Entry(name, seq, AofManifest.Type.INCR);
    }

    @Test
    void formatsAsRedisWritesIt() {
        // what redis-server 7.0.15 wrote after start with aof-use-rdb-preamble no
        AofManifest m = new AofManifest(base("appendonly.aof.1.base.aof", 1), List.of(), List.of(incr("appendonly.aof.1.incr.aof", 1)));
        assertEquals("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n", m.format());
    }

    @Test
    void rewriteTurnsOldFilesIntoHistoryListedAfterTheBase() {
        AofManifest m = new AofManifest(base("a.1.base.aof", 1), List.of(), List.of(incr("a.1.incr.aof", 1), incr("a.2.incr.aof", 2)));
        AofManifest r = m.rewritten(base("a.2.base.aof", 2), incr("a.3.incr.aof", 3));
        assertEquals("file a.2.base.aof seq 2 type b\nfile a.1.base.aof seq 1 type h\nfile a.1.incr.aof seq 1 type h\n"
                + "file a.2.incr.aof seq 2 type h\nfile a.3.incr.aof seq 3 type i\n", r.format());
        assertEquals("file a.2.base.aof seq 2 type b\nfile a.3.incr.aof seq 3 type i\n", r.withoutHistory().format());
        assertEquals(2, r.baseSeq());
        assertEquals(3, r.incrSeq());
    }

    @Test
    void parsesWhatItFormatsAndReplaysBaseThenIncrsInOrder() throws AofException {
        String text = "# comment\nfile x.2.base.rdb seq 2 type b\nfile x.1.base.aof seq 1 type h\n"
                + "file x.3.incr.aof seq 3 type i\nfile x.4.incr.aof seq 4 type i\n";
        AofManifest m = AofManifest.parse(text, "m");
        assertEquals(List.of("x.2.base.rdb", "x.3.incr.aof", "x.4.incr.aof"),
                m.replayOrder().stream().map(AofManifest.Entry::name).toList());
        assertEquals(text.substring("# comment\n".length()), m.format());
    }

    @Test
    void keyOrderIsFreeAndUnknownKeysAreIgnored() throws AofException {
        AofManifest m = AofManifest.parse("type i seq 5 file \"my file.aof\" future x\n", "m");
        assertNull(m.base());
        assertEquals(incr("my file.aof", 5), m.lastIncr());
        assertEquals("file \"my file.aof\" seq 5 type i\n", m.format());
    }

    @Test
    void rejectsBadManifests() {
        assertMessage("Found an empty AOF manifest", "");
        assertMessage("Found an empty AOF manifest", "# only a comment\n");
        assertMessage("Invalid AOF manifest file format", "file a seq 1\n");
        assertMessage("Invalid AOF manifest file format", "file a seq x type b\n");
        assertMessage("Invalid AOF manifest file format", "file a seq 1 type z\n");
        assertMessage("Invalid AOF manifest file format", "file \"a seq 1 type b\n");
        assertMessage("Invalid AOF manifest file format", "file ../a seq 1 type b\n");
        assertMessage("Found duplicate base file information", "file a seq 1 type b\nfile b seq 2 type b\n");
        assertMessage("Found a non-monotonic sequence number", "file a seq 2 type i\nfile b seq 2 type i\n");
        assertMessage("contains too long line", "file " + "a".repeat(1100) + " seq 1 type b\n");
    }

    private static void assertMessage(String expected, String text) {
        AofException e = assertThrows(AofException.class, () -> AofManifest.parse(text, "the-manifest"));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("the-manifest"), e.getMessage());
    }
}
