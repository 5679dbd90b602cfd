package kv.config;

import static kv.config.ServerConfigTest.b;
import static kv.config.ServerConfigTest.reason;
import static kv.config.ServerConfigTest.setError;
import static kv.config.ServerConfigTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** replicaof/slaveof and the replica directives: file, flags, CONFIG GET/SET and REWRITE as redis-server 7.0.15. */
class ReplicaDirectivesTest {
    @TempDir
    Path tmp;

    @Test
    void replicaofFromTheFileAndFlags() throws Exception {
        assertEquals("10.0.0.5 6380", text("replicaof 10.0.0.5 6380\n").replicaOf());
        assertEquals("h 1", text("slaveof h 1\n").replicaOf());
        assertEquals("", text("replicaof h 1\nreplicaof no one\n").replicaOf());
        assertEquals("h 7000", ServerConfig.load(ConfigSource.fromArgs(new String[] {"--replicaof", "h 7000"})).replicaOf());
        assertEquals("h 7001", ServerConfig.load(ConfigSource.fromArgs(new String[] {"--replicaof", "h", "7001"})).replicaOf());
        // the texts redis-server prints at start-up
        assertEquals("Invalid master port", reason("replicaof 127.0.0.1 abc\n"));
        assertEquals("Invalid master port", reason("replicaof 127.0.0.1 70000\n"));
        assertEquals("wrong number of arguments", reason("replicaof 127.0.0.1\n"));
    }

    @Test
    void replicaofIsReadOnlyForConfigSetAndFollowsReplicaof() throws Exception {
        ServerConfig c = text("");
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'replicaof') - can't set immutable config",
                setError(c, "replicaof", "a 1"));
        c.replicaOf("127.0.0.1 6380");
        assertEquals("127.0.0.1 6380", c.get("replicaof"));
        assertEquals("127.0.0.1 6380", c.get("slaveof"));
    }

    @Test
    void replicaDirectivesWithTheirOldNames() throws Exception {
        ServerConfig c = text("slave-read-only no\nslave-serve-stale-data no\nslave-priority 7\nslave-announce-ip 10.1.1.1\n"
                + "slave-announce-port 7777\nreplica-announced no\nrepl-diskless-load swapdb\nmasterauth secret\nmasteruser u\n");
        assertFalse(c.replicaReadOnly());
        assertFalse(c.replicaServeStaleData());
        assertEquals(7, c.replicaPriority());
        assertEquals("10.1.1.1", c.replicaAnnounceIp());
        assertEquals(7777, c.replicaAnnouncePort());
        assertFalse(c.replicaAnnounced());
        assertEquals("swapdb", c.replDisklessLoad());
        assertEquals("secret", c.masterAuth());
        assertEquals("u", c.masterUser());
        c.set(b("replica-read-only", "yes", "replica-priority", "0"));
        assertTrue(c.replicaReadOnly());
        assertEquals("0", c.get("slave-priority"));
    }

    @Test
    void rewriteWritesTheCurrentMasterAndDropsItAfterNoOne() throws Exception {
        Path f = tmp.resolve("kv.conf");
        Files.writeString(f, "port 7000\nslaveof 10.0.0.1 6379\n");
        ServerConfig c = ServerConfig.load(ConfigSource.fromFile(f));
        c.replicaOf("10.0.0.2 6390");
        c.rewrite();
        assertTrue(Files.readString(f).contains("\nreplicaof 10.0.0.2 6390\n"), Files.readString(f));
        c.replicaOf("");
        c.rewrite();
        assertFalse(Files.readString(f).contains("replicaof"), Files.readString(f));
        assertFalse(Files.readString(f).contains("slaveof"), Files.readString(f));
        Path g = tmp.resolve("empty.conf");
        ServerConfig withFile = ServerConfig.load(ConfigSource.fromFile(writeEmpty(g)));
        withFile.replicaOf("h 1");
        withFile.rewrite();
        assertTrue(Files.readString(g).contains("replicaof h 1\n"), Files.readString(g));
    }

    private static Path writeEmpty(Path p) throws Exception {
        Files.writeString(p, "");
        return p;
    }
}
