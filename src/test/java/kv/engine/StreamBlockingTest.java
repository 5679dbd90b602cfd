package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * XREAD BLOCK on the blocking machinery, and what stream writes propagate, on a socket-less
 * server (timers fired by the test).
 */
class StreamBlockingTest {
    private static String entry(String id, String f, String v) {
        return "*2\r\n$" + id.length() + "\r\n" + id + "\r\n*2\r\n$" + f.length() + "\r\n" + f + "\r\n$" + v.length() + "\r\n" + v + "\r\n";
    }

    @Test
    void blockedReaderGetsTheNewEntry() {
        BlockingTest.Harness h = new BlockingTest.Harness();
        BlockingTest.Conn reader = h.connect();
        BlockingTest.Conn writer = h.connect();
        writer.call("XADD", "s", "1", "a", "1");
        reader.blocks("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
        writer.call("XADD", "s", "2", "b", "2");
        assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n" + entry("2-0", "b", "2"), reader.replies());
        assertEquals(1, reader.resumed);
    }

    @Test
    void dollarKeepsTheIdItHadWhenTheReaderBlocked() {
        BlockingTest.Harness h = new BlockingTest.Harness();
        BlockingTest.Conn reader = h.connect();
        BlockingTest.Conn writer = h.connect();
        writer.call("XADD", "s", "1", "a", "1");
        reader.blocks("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
        // the waiter runs again only after EXEC: by then the last ID is 3-0, yet both entries are new to it
        writer.call("MULTI");
        writer.call("XADD", "s", "2", "b", "2");
        writer.call("XADD", "s", "3", "c", "3");
        writer.call("EXEC");
        assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*2\r\n" + entry("2-0", "b", "2") + entry("3-0", "c", "3"), reader.replies());
    }

    @Test
    void aChangeWithoutNewEntriesKeepsTheReaderWaiting() {
        BlockingTest.Harness h = new BlockingTest.Harness();
        BlockingTest.Conn reader = h.connect();
        BlockingTest.Conn writer = h.connect();
        writer.call("XADD", "s", "1", "a", "1");
        writer.call("XADD", "s", "2", "a", "2");
        reader.blocks("XREAD", "BLOCK", "0", "STREAMS", "s", "missing", "$", "$");
        writer.call("XDEL", "s", "1");
        assertEquals("", reader.replies());
        writer.call("XADD", "missing", "7", "k", "v");
        assertEquals("*1\r\n*2\r\n$7\r\nmissing\r\n*1\r\n" + entry("7-0", "k", "v"), reader.replies());
    }

    @Test
    void timeoutAnswersANullArray() {
        BlockingTest.Harness h = new BlockingTest.Harness();
        BlockingTest.Conn reader = h.connect();
        reader.blocks("XREAD", "COUNT", "5", "BLOCK", "100", "STREAMS", "s", "0");
        h.fireTimers();
        assertEquals("*-1\r\n", reader.replies());
    }

    @Test
    void autoIdsStayMonotonicWhenTheClockIsBehind() {
        BlockingTest.Harness h = new BlockingTest.Harness();
        BlockingTest.Conn c = h.connect();
        c.call("XADD", "s", "99999999999999-7", "a", "1");
        assertEquals("$16\r\n99999999999999-8\r\n", c.call("XADD", "s", "*", "a", "2"));
        assertEquals("$16\r\n99999999999999-9\r\n", c.call("XADD", "s", "99999999999999-*", "a", "3"));
    }

    @Test
    void xaddPropagatesTheChosenIdAndExactTrims() {
        BlockingTest.Harness h = new BlockingTest.Harness();
        BlockingTest.Conn c = h.connect();
        for (int i = 1; i <= 250; i++) {
            c.call("XADD", "s", Integer.toString(i), "f", "v");
        }
        h.propagated.clear();
        c.call("XADD", "s", "MAXLEN", "~", "120", "300-*", "f", "v");
        c.call("XADD", "s", "*", "f", "v");
        // nothing trimmed: nothing propagated
        c.call("XTRIM", "s", "MINID", "~", "180");
        c.call("XADD", "s", "MINID", "~", "250", "10000000000000-1", "f", "v");
        // the head node holds all 53 entries left: an approximate trim cannot drop it
        assertEquals(":0\r\n", c.call("XTRIM", "s", "MAXLEN", "~", "10"));
        c.call("XDEL", "s", "1");
        c.call("XTRIM", "s", "MAXLEN", "=", "1");
        List<String> p = h.propagated;
        assertEquals("XADD s MAXLEN = 151 300-0 f v", p.get(0));
        assertTrue(p.get(1).matches("XADD s \\d+-0 f v"), p.get(1));
        assertEquals("XADD s MINID = 201-0 10000000000000-1 f v", p.get(2));
        assertEquals("XTRIM s MAXLEN = 1", p.get(3));
        assertEquals(4, p.size());
    }

    @Test
    void blockedGroupReaderGetsNewEntriesAndOwesThem() {
        BlockingTest.Harness h = new BlockingTest.Harness();
        BlockingTest.Conn reader = h.connect();
        BlockingTest.Conn writer = h.connect();
        writer.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        reader.blocks("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
        writer.call("XADD", "s", "1", "a", "1");
        assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n" + entry("1-0", "a", "1"), reader.replies());
        assertTrue(writer.call("XPENDING", "s", "g").startsWith("*4\r\n:1\r\n$3\r\n1-0\r\n"));
    }

    @Test
    void blockedGroupReaderGetsAnErrorWhenTheKeyGoes() {
        BlockingTest.Harness h = new BlockingTest.Harness();
        BlockingTest.Conn reader = h.connect();
        BlockingTest.Conn writer = h.connect();
        writer.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        reader.blocks("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
        writer.call("DEL", "s");
        assertEquals("-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n", reader.replies());
    }

    @Test
    void groupReadsPropagateAsRedisAofShowsThem() {
        BlockingTest.Harness h = new BlockingTest.Harness();
        BlockingTest.Conn c = h.connect();
        c.call("XADD", "s", "1", "a", "1");
        c.call("XADD", "s", "2", "a", "2");
        c.call("XADD", "s", "3", "a", "3");
        c.call("XGROUP", "CREATE", "s", "g", "0");
        h.propagated.clear();
        c.call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">");
        c.call("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0");
        c.call("XREADGROUP", "GROUP", "g", "bob", "NOACK", "COUNT", "1", "STREAMS", "s", ">");
        c.call("XREADGROUP", "GROUP", "g", "nobody", "STREAMS", "s", "9");
        c.call("XACK", "s", "g", "7");
        c.call("XACK", "s", "g", "1");
        List<String> p = h.propagated;
        assertTrue(p.get(0).matches("XCLAIM s g alice 0 1-0 TIME \\d+ RETRYCOUNT 1 FORCE JUSTID LASTID 1-0"), p.get(0));
        assertEquals("XGROUP CREATECONSUMER s g bob", p.get(1));
        assertEquals("XGROUP SETID s g 2-0 ENTRIESREAD 2", p.get(2));
        assertEquals("XACK s g 1", p.get(p.size() - 1));
    }

    @Test
    void replayingWhatGroupCommandsPropagatedRebuildsTheGroup() {
        BlockingTest.Harness primary = new BlockingTest.Harness();
        BlockingTest.Conn c = primary.connect();
        c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        for (int i = 1; i <= 5; i++) {
            c.call("XADD", "s", "*", "n", Integer.toString(i));
        }
        c.call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">");
        c.call("XREADGROUP", "GROUP", "g", "bob", "NOACK", "COUNT", "1", "STREAMS", "s", ">");
        c.call("XREADGROUP", "GROUP", "g", "carol", "STREAMS", "s", ">");
        c.call("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0");
        // the summary's lines: *4, :count, $len, first pending ID, $len, last pending ID
        String first = c.call("XPENDING", "s", "g").split("\r\n")[3];
        assertTrue(c.call("XCLAIM", "s", "g", "dave", "0", first, "JUSTID").contains(first));
        assertEquals(":1\r\n", c.call("XACK", "s", "g", c.call("XPENDING", "s", "g").split("\r\n")[5]));
        assertEquals("*0\r\n", c.call("XCLAIM", "s", "g", "erin", "0", "0-1", "LASTID", "99999999999999-0"));
        assertEquals(":1\r\n", c.call("XDEL", "s", c.call("XPENDING", "s", "g").split("\r\n")[3]));
        assertTrue(c.call("XAUTOCLAIM", "s", "g", "zed", "0", "0", "COUNT", "2", "JUSTID").startsWith("*3\r\n"));

        BlockingTest.Harness replica = new BlockingTest.Harness();
        BlockingTest.Conn r = replica.connect();
        for (String command : primary.propagated) {
            String reply = r.call(command.split(" "));
            assertTrue(!reply.startsWith("-"), command + " -> " + reply);
        }
        assertEquals(c.call("XPENDING", "s", "g"), r.call("XPENDING", "s", "g"));
        assertEquals(c.call("XRANGE", "s", "-", "+"), r.call("XRANGE", "s", "-", "+"));
        // the group's position came along: nothing new for anyone on either side
        assertEquals(c.call("XREADGROUP", "GROUP", "g", "x", "STREAMS", "s", ">"), r.call("XREADGROUP", "GROUP", "g", "x", "STREAMS", "s", ">"));
    }
}
