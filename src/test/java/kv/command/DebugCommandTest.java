package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.server.RespServer;

/**
 * DEBUG subcommands whose replies vary (addresses, clocks, ids) or that change server-wide
 * switches; the deterministic replies are in the conformance corpus (server.corpus).
 */
@QuarkusTest
class DebugCommandTest {
    private static final Pattern OBJECT = Pattern.compile(
            "\\+Value at:0x[0-9a-f]+ refcount:(\\d+) encoding:(\\w+) serializedlength:(\\d+) lru:(\\d+) lru_seconds_idle:(\\d+)\r\n");
    private static final String ZEROS = "+0000000000000000000000000000000000000000\r\n";

    @Inject
    RespServer server;

    private RespTestClient client(int db) throws Exception {
        RespTestClient c = new RespTestClient(server.port());
        assertEquals("+OK\r\n", c.call("SELECT", Integer.toString(db)));
        assertEquals("+OK\r\n", c.call("FLUSHDB"));
        return c;
    }

    private static Matcher object(RespTestClient c, String key) throws Exception {
        String reply = c.call("DEBUG", "OBJECT", key);
        Matcher m = OBJECT.matcher(reply);
        assertTrue(m.matches(), reply);
        return m;
    }

    @Test
    void populateBeyondTheHeapIsRefusedBeforeAddingAnything() throws Exception {
        // Redis would abort on allocation failure; KV refuses up front and keeps serving
        try (RespTestClient c = client(13)) {
            assertEquals("-ERR OOM in dictTryExpand\r\n", c.call("DEBUG", "POPULATE", "100000000000000"));
            assertEquals("-ERR OOM in dictTryExpand\r\n", c.call("DEBUG", "POPULATE", "1", "k", "4294967296"));
            assertEquals(":0\r\n", c.call("DBSIZE"));
            assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "1000", "k", "100"));
            assertEquals(":1000\r\n", c.call("DBSIZE"));
        }
    }

    @Test
    void objectReportsRefcountEncodingLengthAndAccessClock() throws Exception {
        try (RespTestClient c = client(12)) {
            c.call("SET", "s", "hello");
            Matcher m = object(c, "s");
            assertEquals("1", m.group(1));
            assertEquals("embstr", m.group(2));
            assertEquals("6", m.group(3));
            long lruNow = (System.currentTimeMillis() / 1000) & 0xFFFFFF;
            assertTrue(Math.abs(Long.parseLong(m.group(4)) - lruNow) <= 2, m.group(4) + " vs " + lruNow);
            assertTrue(Long.parseLong(m.group(5)) <= 2, m.group(5));

            c.call("SET", "shared", "100");
            m = object(c, "shared");
            assertEquals("2147483647", m.group(1)); // a shared small integer, as OBJECT REFCOUNT says
            assertEquals("int", m.group(2));
            assertEquals("2", m.group(3));

            c.call("SET", "n", "123");
            c.call("APPEND", "n", "4");
            m = object(c, "n");
            assertEquals("raw", m.group(2));
            assertEquals("3", m.group(3)); // a canonical integer is saved as one whatever its encoding

            assertEquals("-ERR no such key\r\n", c.call("DEBUG", "OBJECT", "missing"));
        }
    }

    @Test
    void helpListsTheSubcommands() throws Exception {
        try (RespTestClient c = client(12)) {
            String help = c.call("DEBUG", "HELP");
            assertTrue(help.startsWith("*"), help);
            assertTrue(help.contains("\r\n+DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"), help);
            for (String sub : new String[] {"CHANGE-REPL-ID", "DIGEST", "DIGEST-VALUE <key> [<key> ...]", "OBJECT <key>",
                    "PAUSE-CRON <0|1>", "PROTOCOL <type>", "SET-ACTIVE-EXPIRE <0|1>", "SLEEP <seconds>"}) {
                assertTrue(help.contains("\r\n+" + sub + "\r\n"), sub);
            }
            assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"), help);
        }
    }

    /**
     * With active expiry off a key past its TTL stays stored until something reads it; DEBUG sees it
     * (OBJECT, DIGEST-VALUE do not expire keys), a read removes it. Waiting is only for something
     * that must not happen: the active cycle runs 10 times a second and would remove the key.
     */
    @Test
    void setActiveExpireZeroLeavesExpiredKeysToLazyExpiry() throws Exception {
        try (RespTestClient c = client(13)) {
            assertEquals("+OK\r\n", c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
            try {
                c.call("SET", "k", "v", "PX", "1");
                Thread.sleep(400);
                assertEquals(":1\r\n", c.call("DBSIZE"));
                object(c, "k");
                assertNotEquals(ZEROS, c.call("DEBUG", "DIGEST-VALUE", "k").substring(4));
                assertEquals("$-1\r\n", c.call("GET", "k"));
                assertEquals(":0\r\n", c.call("DBSIZE"));
            } finally {
                assertEquals("+OK\r\n", c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
            }
            c.call("SET", "k", "v", "PX", "1");
            awaitEmpty(c);
        }
    }

    @Test
    void pauseCronStopsThePeriodicTasks() throws Exception {
        try (RespTestClient c = client(14)) {
            assertEquals("+OK\r\n", c.call("DEBUG", "PAUSE-CRON", "1"));
            try {
                c.call("SET", "k", "v", "PX", "1");
                Thread.sleep(400);
                assertEquals(":1\r\n", c.call("DBSIZE"));
            } finally {
                assertEquals("+OK\r\n", c.call("DEBUG", "PAUSE-CRON", "0"));
            }
            awaitEmpty(c);
        }
    }

    /** The active cycle removes the expired key: polled, with a generous deadline. */
    private static void awaitEmpty(RespTestClient c) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!c.call("DBSIZE").equals(":0\r\n")) {
            assertTrue(System.nanoTime() < deadline, "the active expiry cycle never removed the key");
            Thread.sleep(20);
        }
    }

    @Test
    void changeReplIdGivesANewReplicationId() throws Exception {
        try (RespTestClient c = client(12)) {
            String before = replid(c.call("INFO", "replication"));
            assertEquals("+OK\r\n", c.call("DEBUG", "CHANGE-REPL-ID"));
            String after = replid(c.call("INFO", "replication"));
            assertTrue(after.matches("[0-9a-f]{40}"), after);
            assertNotEquals(before, after);
        }
    }

    private static String replid(String info) {
        Matcher m = Pattern.compile("\r\nmaster_replid:([0-9a-f]+)\r\n").matcher(info);
        assertTrue(m.find(), info);
        return m.group(1);
    }

    private static long field(String clientInfo, String name) {
        Matcher m = Pattern.compile(" " + name + "=(\\d+) ").matcher(clientInfo);
        assertTrue(m.find(), clientInfo);
        return Long.parseLong(m.group(1));
    }

    @Test
    void replyBufferShrinksToItsPeakUse() throws Exception {
        try (RespTestClient c = client(0)) {
            String fresh = c.call("CLIENT", "INFO");
            assertEquals(16384, field(fresh, "rbp"), "a new client's peak is the buffer size, as in Redis");
            // the peak restarts on every periodic run, so the small replies below shrink the buffer
            assertEquals("+OK\r\n", c.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "0"));
            try {
                long giveUp = System.currentTimeMillis() + 15_000;
                String info = c.call("CLIENT", "INFO");
                while (field(info, "rbs") != 1024 && System.currentTimeMillis() < giveUp) {
                    Thread.sleep(50);
                    info = c.call("CLIENT", "INFO");
                }
                assertEquals(1024, field(info, "rbs"), info);
                assertTrue(field(info, "rbp") < 1024, info);
                String stats = c.call("INFO", "stats");
                assertTrue(!stats.contains("reply_buffer_shrinks:0\r\n"), stats);
            } finally {
                c.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "RESET");
            }
        }
    }
}
