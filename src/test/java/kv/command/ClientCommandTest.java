package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.server.RespServer;

@QuarkusTest
class ClientCommandTest {
    private static final String FIELDS = "id=\\d+ addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:\\d+ fd=\\d+ name=\\S* age=\\d+ idle=\\d+ flags=\\w+ db=\\d+ "
            + "sub=0 psub=0 ssub=0 multi=-1 qbuf=\\d+ qbuf-free=\\d+ argv-mem=\\d+ multi-mem=\\d+ rbs=\\d+ rbp=\\d+ obl=\\d+ oll=\\d+ omem=\\d+ "
            + "tot-mem=\\d+ events=r?w? cmd=\\S+ user=default redir=-1 resp=[23] lib-name=\\S* lib-ver=\\S*";

    @Inject
    RespServer server;

    private RespTestClient client() throws Exception {
        return new RespTestClient(server.port());
    }

    private static String body(String bulk) {
        return bulk.substring(bulk.indexOf("\r\n") + 2, bulk.length() - 2);
    }

    private static long id(RespTestClient c) throws Exception {
        String r = c.call("CLIENT", "ID");
        return Long.parseLong(r.substring(1, r.length() - 2));
    }

    @Test
    void idNameAndInfoLine() throws Exception {
        try (RespTestClient c = client()) {
            long id = id(c);
            assertEquals("$-1\r\n", c.call("CLIENT", "GETNAME"));
            assertEquals("+OK\r\n", c.call("CLIENT", "SETNAME", "worker-1"));
            assertEquals("$8\r\nworker-1\r\n", c.call("CLIENT", "GETNAME"));
            assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.\r\n", c.call("CLIENT", "SETNAME", "a b"));
            assertEquals("+OK\r\n", c.call("CLIENT", "SETINFO", "LIB-NAME", "redis-py"));
            assertEquals("+OK\r\n", c.call("CLIENT", "SETINFO", "lib-ver", "5.0.1"));
            assertEquals("-ERR Unrecognized option 'foo'\r\n", c.call("CLIENT", "SETINFO", "foo", "x"));
            assertEquals("-ERR lib-name cannot contain spaces, newlines or special characters.\r\n", c.call("CLIENT", "SETINFO", "lib-name", "a b"));
            assertEquals("-ERR wrong number of arguments for 'client|setinfo' command\r\n", c.call("CLIENT", "SETINFO", "lib-name"));
            c.call("SELECT", "4");
            assertEquals("+OK\r\n", c.call("CLIENT", "NO-EVICT", "on"));
            assertEquals("+OK\r\n", c.call("CLIENT", "NO-TOUCH", "ON"));
            assertEquals("-ERR syntax error\r\n", c.call("CLIENT", "NO-TOUCH", "maybe"));
            String line = body(c.call("CLIENT", "INFO"));
            assertTrue(line.matches(FIELDS + "\n"), line);
            assertTrue(line.startsWith("id=" + id + " "), line);
            assertTrue(line.contains(" name=worker-1 "), line);
            assertTrue(line.contains(" flags=eT db=4 "), line);
            assertTrue(line.contains(" cmd=client|info "), line);
            assertTrue(line.endsWith(" resp=2 lib-name=redis-py lib-ver=5.0.1\n"), line);
            assertEquals("+OK\r\n", c.call("CLIENT", "SETNAME", ""));
            assertEquals("$-1\r\n", c.call("CLIENT", "GETNAME"));
            c.call("HELLO", "3");
            String verbatim = c.call("CLIENT", "INFO");
            assertTrue(verbatim.startsWith("=") && verbatim.contains("\r\ntxt:id=" + id + " "), verbatim);
            assertTrue(verbatim.contains(" resp=3 "), verbatim);
        }
    }

    @Test
    void listFilters() throws Exception {
        try (RespTestClient a = client(); RespTestClient b = client()) {
            long ida = id(a);
            long idb = id(b);
            String all = body(a.call("CLIENT", "LIST"));
            assertTrue(all.contains("id=" + ida + " ") && all.contains("id=" + idb + " "));
            for (String line : all.split("\n")) {
                assertTrue(line.matches(FIELDS), line);
            }
            String two = body(a.call("CLIENT", "LIST", "ID", String.valueOf(idb), "999999", String.valueOf(ida)));
            assertEquals(2, two.split("\n").length);
            assertTrue(two.startsWith("id=" + idb + " "), two);
            assertEquals("$0\r\n\r\n", a.call("CLIENT", "LIST", "TYPE", "master"));
            assertEquals("$0\r\n\r\n", a.call("CLIENT", "LIST", "TYPE", "pubsub"));
            assertTrue(body(a.call("CLIENT", "LIST", "TYPE", "normal")).contains("id=" + idb + " "));
            assertEquals("-ERR Unknown client type 'foo'\r\n", a.call("CLIENT", "LIST", "TYPE", "foo"));
            assertEquals("-ERR Invalid client ID\r\n", a.call("CLIENT", "LIST", "ID", "x"));
            assertEquals("-ERR syntax error\r\n", a.call("CLIENT", "LIST", "foo"));
        }
    }

    @Test
    void killFormsAndErrors() throws Exception {
        try (RespTestClient a = client(); RespTestClient b = client(); RespTestClient d = client()) {
            long idb = id(b);
            assertEquals("-ERR No such client\r\n", a.call("CLIENT", "KILL", "1.2.3.4:5"));
            assertEquals(":0\r\n", a.call("CLIENT", "KILL", "ID", "999999"));
            assertEquals("-ERR client-id should be greater than 0\r\n", a.call("CLIENT", "KILL", "ID", "0"));
            assertEquals("-ERR Unknown client type 'foo'\r\n", a.call("CLIENT", "KILL", "TYPE", "foo"));
            assertEquals("-ERR syntax error\r\n", a.call("CLIENT", "KILL", "SKIPME", "x"));
            assertEquals("-ERR syntax error\r\n", a.call("CLIENT", "KILL", "ADDR", "1.2.3.4:5", "ID"));
            assertEquals("-ERR No such user 'nouser'\r\n", a.call("CLIENT", "KILL", "USER", "nouser"));
            assertEquals(":0\r\n", a.call("CLIENT", "KILL", "TYPE", "master"));
            assertEquals(":0\r\n", a.call("CLIENT", "KILL", "ID", String.valueOf(idb), "MAXAGE", "100000"));
            assertEquals(":1\r\n", a.call("CLIENT", "KILL", "ID", String.valueOf(idb)));
            assertTrue(b.isClosedByServer());
            // old form by address, and SKIPME no kills the caller itself
            String addrD = body(d.call("CLIENT", "INFO")).replaceAll("(?s).* addr=(\\S+) .*", "$1");
            assertEquals("+OK\r\n", a.call("CLIENT", "KILL", addrD));
            assertTrue(d.isClosedByServer());
            String addrA = body(a.call("CLIENT", "INFO")).replaceAll("(?s).* addr=(\\S+) .*", "$1");
            assertEquals(":0\r\n", a.call("CLIENT", "KILL", "ADDR", addrA));
            assertEquals(":1\r\n", a.call("CLIENT", "KILL", "ADDR", addrA, "SKIPME", "no"));
            assertTrue(a.isClosedByServer());
        }
    }

    @Test
    void pauseHoldsOtherClientsUntilUnpause() throws Exception {
        try (RespTestClient a = client(); RespTestClient b = client()) {
            assertEquals("-ERR timeout is not an integer or out of range\r\n", a.call("CLIENT", "PAUSE", "x"));
            assertEquals("-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n", a.call("CLIENT", "PAUSE", "10", "foo"));
            assertEquals("-ERR timeout is negative\r\n", a.call("CLIENT", "PAUSE", "-1"));
            // WRITE: reads pass, writes wait
            assertEquals("+OK\r\n", a.call("CLIENT", "PAUSE", "10000", "WRITE"));
            assertEquals("$-1\r\n", b.call("GET", "pause-key"));
            long held = id(b);
            b.send(RespTestClient.encode("SET", "pause-key", "v"));
            awaitHeld(a, held);
            assertEquals("$-1\r\n", a.call("GET", "pause-key"));
            assertEquals("+OK\r\n", a.call("CLIENT", "UNPAUSE"));
            assertEquals("+OK\r\n", b.readReply());
            assertEquals("$1\r\nv\r\n", a.call("GET", "pause-key"));
            // ALL with a timeout: everything from b waits until it runs out
            // timed from before the PAUSE was sent, the wait has a lower bound a slow machine cannot break
            long start = System.nanoTime();
            assertEquals("+OK\r\n", a.call("CLIENT", "PAUSE", "300", "ALL"));
            assertEquals("+PONG\r\n", b.call("PING"));
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waited >= 300, "waited " + waited);
        }
    }

    /**
     * Waits until the client holds a command back for CLIENT PAUSE, which Redis shows as flag b with
     * the held command, counted in blocked_clients.
     */
    private static void awaitHeld(RespTestClient admin, long id) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        String line;
        while (!(line = body(admin.call("CLIENT", "LIST", "ID", Long.toString(id)))).contains(" flags=b ")) {
            assertTrue(System.nanoTime() < deadline, "never held: " + line);
            Thread.sleep(5);
        }
        assertTrue(line.contains(" cmd=set "), line);
        assertTrue(admin.call("INFO", "clients").contains("\r\nblocked_clients:1\r\n"));
    }

    @Test
    void lastCommandIsRecordedWhenLookedUpAsRedisDoes() throws Exception {
        try (RespTestClient a = client(); RespTestClient b = client()) {
            String id = Long.toString(id(a));
            java.util.function.Supplier<String> cmd = () -> {
                try {
                    String line = body(b.call("CLIENT", "LIST", "ID", id));
                    return line.substring(line.indexOf(" cmd=") + 5, line.indexOf(' ', line.indexOf(" cmd=") + 1));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            a.call("GET", "last-cmd");
            assertEquals("get", cmd.get());
            a.call("NOSUCHCOMMAND");
            assertEquals("NULL", cmd.get());
            a.call("CLIENT", "NOSUCHSUB");
            assertEquals("NULL", cmd.get());
            a.call("SET", "last-cmd");                 // refused for its arity: still looked up
            assertEquals("set", cmd.get());
            assertEquals("+OK\r\n", a.call("MULTI"));
            assertEquals("+QUEUED\r\n", a.call("INCR", "last-cmd"));
            assertEquals("incr", cmd.get());
            assertEquals("*1\r\n:1\r\n", a.call("EXEC"));
            assertEquals("exec", cmd.get());
            assertEquals(":1\r\n", a.call("DEL", "last-cmd"));
        }
    }

    @Test
    void killClosesAClientHeldByPauseAndItsHeldCommandNeverRuns() throws Exception {
        try (RespTestClient a = client(); RespTestClient b = client()) {
            String id = b.call("CLIENT", "ID").trim().substring(1);
            assertEquals("+OK\r\n", a.call("CLIENT", "PAUSE", "10000", "WRITE"));
            try {
                b.send(RespTestClient.encode("SET", "held-key", "v"));
                awaitHeld(a, Long.parseLong(id));
                assertEquals(":1\r\n", a.call("CLIENT", "KILL", "ID", id));
                assertTrue(b.isClosedByServer(), "killed while held by CLIENT PAUSE");
                assertTrue(a.call("INFO", "clients").contains("\r\nblocked_clients:0\r\n"), "a killed client is not counted");
            } finally {
                assertEquals("+OK\r\n", a.call("CLIENT", "UNPAUSE"));
            }
            assertEquals("$-1\r\n", a.call("GET", "held-key"));
        }
    }

    @Test
    void replyOffSkipOn() throws Exception {
        try (RespTestClient a = client()) {
            assertEquals("-ERR syntax error\r\n", a.call("CLIENT", "REPLY", "foo"));
            a.send(RespTestClient.encode("CLIENT", "REPLY", "OFF"));
            a.send(RespTestClient.encode("SET", "reply-k", "1"));
            a.send(RespTestClient.encode("GET", "reply-k"));
            a.send(RespTestClient.encode("CLIENT", "REPLY", "ON"));
            assertEquals("+OK\r\n", a.readReply());
            a.send(RespTestClient.encode("CLIENT", "REPLY", "SKIP"));
            a.send(RespTestClient.encode("GET", "reply-k"));
            assertEquals("+PONG\r\n", a.call("PING"));
            assertEquals("$1\r\n1\r\n", a.call("GET", "reply-k"));
        }
    }

    @Test
    void helpAndUnknown() throws Exception {
        try (RespTestClient a = client()) {
            String help = a.call("CLIENT", "HELP");
            assertTrue(help.startsWith("*") && help.contains("\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"));
            assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"));
            assertEquals("-ERR unknown subcommand 'nosuch'. Try CLIENT HELP.\r\n", a.call("CLIENT", "nosuch"));
            assertEquals("-ERR wrong number of arguments for 'client' command\r\n", a.call("CLIENT"));
        }
    }
}
