package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import kv.engine.EngineHarness;
import kv.protocol.RespWriter;

/**
 * XINFO STREAM replies field by field against redis-server 7.0.15 recordings. The corpus can
 * only compare their shape: the radix-tree counts are Redis internals (KV reports its node
 * count) and the group details carry wall-clock times, so both are masked here. The consumer
 * fields follow Redis 7.2 (active-time, inactive): hand-added to the 7.0 recordings.
 */
class StreamInfoCommandTest {
    private final kv.engine.EngineHarness d = new kv.engine.EngineHarness();

    private static String masked(String reply) {
        return reply.replaceAll("(radix-tree-(keys|nodes)\r\n):\\d+", "$1:R").replaceAll(":\\d{13}\r\n", ":T\r\n");
    }

    private String resp3(String... args) {
        RespWriter w = new RespWriter(UnpooledByteBufAllocator.DEFAULT, () -> 3);
        byte[][] argv = EngineHarness.argv(args);
        d.server.dispatcher().execute(d.client, argv, w);
        ByteBuf b = w.take();
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    private void groupsWithPending() {
        d.call("XADD", "s", "1-1", "a", "1");
        d.call("XADD", "s", "2-1", "b", "2", "c", "3");
        d.call("XADD", "s", "3-1", "d", "4");
        d.call("XGROUP", "CREATE", "s", "g", "0");
        d.call("XGROUP", "CREATE", "s", "h", "$");
        d.call("XGROUP", "CREATECONSUMER", "s", "g", "bob");
        d.call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">");
        d.call("XREADGROUP", "GROUP", "g", "carol", "STREAMS", "s", ">");
    }

    @Test
    void plainFormMatchesRedis() {
        d.call("XADD", "s", "1-1", "a", "1");
        d.call("XADD", "s", "2-1", "b", "2", "c", "3");
        assertEquals(masked("*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n"
                + "$17\r\nlast-generated-id\r\n$3\r\n2-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n"
                + "$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n"
                + "*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n2-1\r\n*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
                masked(d.call("XINFO", "STREAM", "s")));
        d.call("XDEL", "s", "1-1", "2-1");
        assertEquals(masked("*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n"
                + "$17\r\nlast-generated-id\r\n$3\r\n2-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-1\r\n$13\r\nentries-added\r\n:2\r\n"
                + "$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n"
                + "$10\r\nlast-entry\r\n$-1\r\n"), masked(d.call("XINFO", "STREAM", "s")));
        assertEquals(masked("%10\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n"
                + "$17\r\nlast-generated-id\r\n$3\r\n2-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-1\r\n$13\r\nentries-added\r\n:2\r\n"
                + "$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n_\r\n"
                + "$10\r\nlast-entry\r\n_\r\n"), masked(resp3("XINFO", "STREAM", "s")));
    }

    @Test
    void fullFormListsEntriesGroupsAndPending() {
        groupsWithPending();
        String header = "$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n"
                + "$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n"
                + "$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n";
        assertEquals(masked("*18\r\n" + header + "*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n"
                + "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n$6\r\ngroups\r\n"
                + "*2\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n:3\r\n"
                + "$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:3\r\n$7\r\npending\r\n*3\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n"
                + ":1796067816276\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$5\r\nalice\r\n:1796067816276\r\n:1\r\n*4\r\n$3\r\n3-1\r\n$5\r\ncarol\r\n"
                + ":1796067816279\r\n:1\r\n$9\r\nconsumers\r\n*3\r\n*10\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n"
                + ":1796067816275\r\n$11\r\nactive-time\r\n:T\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1796067816276\r\n:1\r\n"
                + "*3\r\n$3\r\n2-1\r\n:1796067816276\r\n:1\r\n*10\r\n$4\r\nname\r\n$3\r\nbob\r\n$9\r\nseen-time\r\n:1796067816272\r\n$11\r\nactive-time\r\n:-1\r\n"
                + "$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n*10\r\n$4\r\nname\r\n$5\r\ncarol\r\n$9\r\nseen-time\r\n"
                + ":1796067816279\r\n$11\r\nactive-time\r\n:T\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n3-1\r\n:1796067816279\r\n:1\r\n"
                + "*14\r\n$4\r\nname\r\n$1\r\nh\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n"
                + "$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n"),
                masked(d.call("XINFO", "STREAM", "s", "FULL")));
        assertEquals(masked("%9\r\n" + header + "*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$6\r\ngroups\r\n"
                + "*2\r\n%7\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n:3\r\n"
                + "$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:3\r\n$7\r\npending\r\n*1\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n"
                + ":1796067816276\r\n:1\r\n$9\r\nconsumers\r\n*3\r\n%5\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n"
                + ":1796067816275\r\n$11\r\nactive-time\r\n:T\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n1-1\r\n:1796067816276\r\n:1\r\n"
                + "%5\r\n$4\r\nname\r\n$3\r\nbob\r\n$9\r\nseen-time\r\n:1796067816272\r\n$11\r\nactive-time\r\n:-1\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n"
                + "%5\r\n$4\r\nname\r\n$5\r\ncarol\r\n$9\r\nseen-time\r\n:1796067816279\r\n$11\r\nactive-time\r\n:T\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n"
                + "*1\r\n*3\r\n$3\r\n3-1\r\n:1796067816279\r\n:1\r\n%7\r\n$4\r\nname\r\n$1\r\nh\r\n$17\r\nlast-delivered-id\r\n"
                + "$3\r\n3-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n"
                + "$9\r\nconsumers\r\n*0\r\n"), masked(resp3("XINFO", "STREAM", "s", "FULL", "COUNT", "1")));
    }

    @Test
    void fullCountZeroListsAllAndNegativeMeansTen() {
        for (int i = 1; i <= 12; i++) {
            d.call("XADD", "big", i + "-0", "f", "v");
        }
        assertEquals(12, entryCount(d.call("XINFO", "STREAM", "big", "FULL", "COUNT", "0")));
        assertEquals(10, entryCount(d.call("XINFO", "STREAM", "big", "FULL", "COUNT", "-1")));
        assertEquals(10, entryCount(d.call("XINFO", "STREAM", "big", "FULL")));
        assertEquals(2, entryCount(d.call("XINFO", "STREAM", "big", "FULL", "COUNT", "2")));
    }

    private static int entryCount(String reply) {
        return reply.split("\\$1\r\nf\r\n", -1).length - 1;
    }

    /** Redis 7.2 adds inactive: -1 for a consumer that never got entries (bob). */
    @Test
    void consumersListNamePendingIdleAndInactive() {
        groupsWithPending();
        String reply = d.call("XINFO", "CONSUMERS", "s", "g").replaceAll("((idle|inactive)\r\n):\\d+", "$1:I");
        assertEquals("*3\r\n*8\r\n$4\r\nname\r\n$5\r\nalice\r\n$7\r\npending\r\n:2\r\n$4\r\nidle\r\n:I\r\n"
                + "$8\r\ninactive\r\n:I\r\n"
                + "*8\r\n$4\r\nname\r\n$3\r\nbob\r\n$7\r\npending\r\n:0\r\n$4\r\nidle\r\n:I\r\n$8\r\ninactive\r\n:-1\r\n"
                + "*8\r\n$4\r\nname\r\n$5\r\ncarol\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:I\r\n"
                + "$8\r\ninactive\r\n:I\r\n", reply);
    }

    @Test
    void claimsMakeAConsumerActive() {
        groupsWithPending();
        d.call("XCLAIM", "s", "g", "bob", "0", "3-1");
        String reply = d.call("XINFO", "CONSUMERS", "s", "g");
        assertFalse(reply.contains("inactive\r\n:-1\r\n"), reply);
    }
}
