package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import kv.protocol.Reply;
import kv.protocol.RespWriter;
import org.junit.jupiter.api.Test;

/**
 * BCAST invalidations are batched per event-loop turn (Redis sends them from beforeSleep): every
 * command of the turn, by any client, adds its keys, and each client of a prefix gets one message
 * with them in byte order once the turn ends; NOLOOP spares the keys whose last writer it was.
 */
class TrackingBroadcastTest {
    private final EngineHarness h = new EngineHarness();

    /** A RESP3 client whose replies and pushes land in one buffer, as on a connection. */
    private final class Conn implements Client.Transport {
        final Client client = h.server.clients().connect(this, System.currentTimeMillis(), true);
        final RespWriter writer = new RespWriter(UnpooledByteBufAllocator.DEFAULT, client::protocol);

        Conn() {
            run("HELLO", "3");
            output();
        }

        /** Runs a command inside the current turn (the harness's turn ends only on request). */
        void run(String... args) {
            byte[][] argv = EngineHarness.argv(args);
            h.server.dispatcher().execute(client, argv, writer);
        }

        String output() {
            ByteBuf b = writer.take();
            if (b == null) {
                return "";
            }
            try {
                return b.toString(StandardCharsets.ISO_8859_1);
            } finally {
                b.release();
            }
        }

        @Override public void push(Consumer<Reply> message) { message.accept(writer); }
        @Override public void closeAfterReply() { }
        @Override public String remoteAddress() { return "test:" + client.id(); }
        @Override public String localAddress() { return "test"; }
        @Override public boolean isLocal() { return true; }
        @Override public long pendingOutput() { return 0; }
    }

    private static String invalidate(String... keys) {
        StringBuilder sb = new StringBuilder(">2\r\n$10\r\ninvalidate\r\n*" + keys.length + "\r\n");
        for (String k : keys) {
            sb.append('$').append(k.length()).append("\r\n").append(k).append("\r\n");
        }
        return sb.toString();
    }

    @Test
    void theKeysOfOneTurnGoOutInOneMessagePerPrefix() {
        Conn reader = new Conn();
        Conn writer = new Conn();
        reader.run("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "k", "PREFIX", "x");
        reader.output();
        writer.run("SET", "kz", "1");
        writer.run("SET", "kb", "1");
        writer.run("DEL", "kb");
        writer.run("SET", "x1", "1");
        writer.run("SET", "other", "1");
        writer.run("SET", "ka", "1");
        writer.run("DEL", "missing");
        assertEquals("", reader.output(), "nothing before the turn ends");
        h.endTurn();
        assertEquals(invalidate("ka", "kb", "kz") + invalidate("x1"), reader.output());
        h.endTurn();
        assertEquals("", reader.output(), "a turn without changes sends nothing");
    }

    @Test
    void theClientsOwnCommandsAreInTheSameBatchAfterTheirReplies() {
        Conn reader = new Conn();
        reader.run("CLIENT", "TRACKING", "on", "BCAST");
        reader.run("SET", "b", "1");
        reader.run("INCR", "a");
        h.endTurn();
        assertEquals("+OK\r\n+OK\r\n:1\r\n" + invalidate("a", "b"), reader.output());
    }

    @Test
    void noloopSparesOnlyTheKeysItWroteLast() {
        Conn reader = new Conn();
        Conn writer = new Conn();
        reader.run("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP");
        reader.output();
        reader.run("SET", "both", "mine");
        writer.run("SET", "both", "theirs");
        writer.run("SET", "last", "theirs");
        reader.run("SET", "last", "mine");
        reader.run("SET", "own", "mine");
        h.endTurn();
        // "both" now holds the other client's value; "last" and "own" hold the reader's own
        assertEquals("+OK\r\n+OK\r\n+OK\r\n" + invalidate("both"), reader.output());
    }
}
