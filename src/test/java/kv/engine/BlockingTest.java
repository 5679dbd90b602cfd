package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import kv.command.Commands;
import kv.config.ServerConfig;
import kv.protocol.Reply;
import kv.protocol.RespWriter;

/**
 * The blocking machinery on a socket-less server: several clients, timers fired by the test (so
 * timeouts are deterministic), propagation captured. Replies are the bytes redis-server 7.0.15
 * sends in the same situations.
 */
class BlockingTest {
    private static final String NULL_ARRAY = "*-1\r\n";

    /** A server whose timers only fire when the test says so. */
    static final class Harness extends ManualLifecycle {
        final List<String> propagated = new ArrayList<>();
        final Server server = new Server(ServerConfig.defaults(), this, Commands::registerAll);

        Harness() {
            server.addPropagationTarget((db, argv) -> {
                StringBuilder sb = new StringBuilder();
                for (byte[] a : argv) {
                    sb.append(sb.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.UTF_8));
                }
                propagated.add(sb.toString());
            });
        }

        Conn connect() {
            return new Conn(this);
        }

    }

    /** One client: its replies accumulate until read; resumed() counts unblock notifications. */
    static final class Conn implements Client.Transport {
        final Harness h;
        final Client client;
        final RespWriter writer = new RespWriter(UnpooledByteBufAllocator.DEFAULT, () -> 2);
        int resumed;

        Conn(Harness h) {
            this.h = h;
            this.client = h.server.clients().connect(this, System.currentTimeMillis(), true);
        }

        Dispatcher.Outcome send(String... args) {
            byte[][] argv = EngineHarness.argv(args);
            Dispatcher.Outcome o = h.server.dispatcher().execute(client, argv, writer);
            if (o == Dispatcher.Outcome.BLOCKED) {
                h.server.blocking().whenUnblocked(client, () -> resumed++);
            }
            return o;
        }

        String call(String... args) {
            assertEquals(Dispatcher.Outcome.DONE, send(args));
            return replies();
        }

        void blocks(String... args) {
            assertEquals(Dispatcher.Outcome.BLOCKED, send(args));
            assertEquals("", replies());
        }

        String replies() {
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

        void disconnect() {
            h.server.blocking().disconnected(client);
            h.server.clients().disconnect(client);
        }

        @Override public void closeAfterReply() { }
        @Override public String remoteAddress() { return "127.0.0.1:" + (1000 + client.id()); }
        @Override public String localAddress() { return "127.0.0.1:6379"; }
        @Override public boolean isLocal() { return true; }
        @Override public long pendingOutput() { return 0; }
        @Override public void push(Consumer<Reply> message) { }
    }

    private static String pair(String key, String value) {
        return "*2\r\n$" + key.length() + "\r\n" + key + "\r\n$" + value.length() + "\r\n" + value + "\r\n";
    }

    private static String info(Harness h, String field) {
        Conn c = h.connect();
        String text = c.call("INFO", "clients");
        c.disconnect();
        for (String line : text.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new AssertionError(field + " missing");
    }

    @Test
    void firstBlockedFirstServedAfterThePushCompletes() {
        Harness h = new Harness();
        Conn a = h.connect();
        Conn b = h.connect();
        Conn pusher = h.connect();
        a.blocks("BLPOP", "k", "0");
        b.blocks("BLPOP", "k", "0");
        assertEquals("2", info(h, "blocked_clients"));
        assertEquals("1", info(h, "total_blocking_keys"));
        // the pusher sees the length before anybody is served, as in Redis
        assertEquals(":2\r\n", pusher.call("RPUSH", "k", "x", "y"));
        assertEquals(pair("k", "x"), a.replies());
        assertEquals(pair("k", "y"), b.replies());
        assertEquals(1, a.resumed);
        assertEquals(1, b.resumed);
        assertEquals(":0\r\n", pusher.call("EXISTS", "k"));
        assertEquals(List.of("RPUSH k x y", "LPOP k", "LPOP k"), h.propagated);
        assertEquals("0", info(h, "blocked_clients"));
        assertEquals("0", info(h, "total_blocking_keys"));
    }

    @Test
    void aWaiterNotServedKeepsItsPlace() {
        Harness h = new Harness();
        Conn a = h.connect();
        Conn b = h.connect();
        Conn pusher = h.connect();
        a.blocks("BRPOP", "k", "0");
        b.blocks("BRPOP", "k", "0");
        pusher.call("LPUSH", "k", "1");
        assertEquals(pair("k", "1"), a.replies());
        assertEquals("", b.replies());
        pusher.call("LPUSH", "k", "2");
        assertEquals(pair("k", "2"), b.replies());
    }

    @Test
    void severalKeysServeTheOneThatGotData() {
        Harness h = new Harness();
        Conn a = h.connect();
        Conn pusher = h.connect();
        a.blocks("BLPOP", "k1", "k2", "k3", "0");
        assertEquals("3", info(h, "total_blocking_keys"));
        pusher.call("RPUSH", "k2", "v");
        assertEquals(pair("k2", "v"), a.replies());
        assertEquals("0", info(h, "total_blocking_keys"));
        a.blocks("BLMPOP", "0", "2", "k1", "k2", "RIGHT", "COUNT", "5");
        pusher.call("RPUSH", "k1", "a", "b");
        assertEquals("*2\r\n$2\r\nk1\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n", a.replies());
        assertEquals("RPOP k1 2", h.propagated.get(h.propagated.size() - 1));
    }

    @Test
    void timeoutRepliesANullArray() {
        Harness h = new Harness();
        Conn a = h.connect();
        Conn b = h.connect();
        a.blocks("BLPOP", "k", "0.5");
        b.blocks("BLMOVE", "src", "dst", "LEFT", "RIGHT", "10");
        assertEquals("2", info(h, "clients_in_timeout_table"));
        h.fireTimers();
        assertEquals(NULL_ARRAY, a.replies());
        assertEquals(NULL_ARRAY, b.replies());
        assertEquals(1, a.resumed);
        assertEquals("0", info(h, "blocked_clients"));
        assertEquals("0", info(h, "clients_in_timeout_table"));
        assertTrue(h.propagated.isEmpty());
    }

    @Test
    void clientUnblockAsTimeoutOrError() {
        Harness h = new Harness();
        Conn a = h.connect();
        Conn admin = h.connect();
        a.blocks("BLPOP", "k", "0");
        String id = Long.toString(a.client.id());
        String list = admin.call("CLIENT", "LIST", "ID", id);
        assertTrue(list.contains(" flags=b "), list);
        assertTrue(list.contains(" cmd=blpop "), list);
        assertEquals(":1\r\n", admin.call("CLIENT", "UNBLOCK", id));
        assertEquals(NULL_ARRAY, a.replies());
        assertEquals(":0\r\n", admin.call("CLIENT", "UNBLOCK", id));
        a.blocks("BRPOPLPUSH", "k", "d", "0");
        assertEquals(":1\r\n", admin.call("CLIENT", "UNBLOCK", id, "ERROR"));
        assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", a.replies());
        assertTrue(admin.call("CLIENT", "LIST", "ID", id).contains(" flags=N "));
        assertEquals(2, a.resumed);
    }

    @Test
    void blmoveChainsIntoTheNextWaiterInTheSameRound() {
        Harness h = new Harness();
        Conn mover = h.connect();
        Conn popper = h.connect();
        Conn pusher = h.connect();
        mover.blocks("BLMOVE", "a", "b", "LEFT", "RIGHT", "0");
        popper.blocks("BLPOP", "b", "0");
        pusher.call("RPUSH", "a", "x");
        assertEquals("$1\r\nx\r\n", mover.replies());
        assertEquals(pair("b", "x"), popper.replies());
        assertEquals(List.of("RPUSH a x", "LMOVE a b LEFT RIGHT", "LPOP b"), h.propagated);
        mover.blocks("BRPOPLPUSH", "a", "b", "0");
        pusher.call("RPUSH", "a", "y");
        assertEquals("$1\r\ny\r\n", mover.replies());
        assertEquals("RPOPLPUSH a b", h.propagated.get(h.propagated.size() - 1));
    }

    @Test
    void blmoveToAKeyOfAnotherTypeGetsWrongtypeWhenServed() {
        Harness h = new Harness();
        Conn mover = h.connect();
        Conn other = h.connect();
        mover.blocks("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
        other.call("SET", "dst", "string");
        other.call("RPUSH", "src", "a");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", mover.replies());
        assertEquals("*1\r\n$1\r\na\r\n", other.call("LRANGE", "src", "0", "-1"));
    }

    @Test
    void aKeyTurnedIntoAnotherTypeDoesNotWakeAListWaiter() {
        Harness h = new Harness();
        Conn a = h.connect();
        Conn other = h.connect();
        a.blocks("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
        other.call("SET", "src", "x");
        assertEquals("", a.replies());
        assertEquals("1", info(h, "blocked_clients"));
        other.call("DEL", "src");
        other.call("RPUSH", "src", "v");
        assertEquals("$1\r\nv\r\n", a.replies());
    }

    @Test
    void renameMoveAndSwapdbBringListsToWaiters() {
        Harness h = new Harness();
        Conn a = h.connect();
        Conn other = h.connect();
        a.blocks("BLPOP", "k", "0");
        other.call("RPUSH", "tmp", "r");
        other.call("RENAME", "tmp", "k");
        assertEquals(pair("k", "r"), a.replies());

        a.blocks("BLPOP", "k", "0");
        other.call("SELECT", "1");
        other.call("RPUSH", "k", "m");
        other.call("MOVE", "k", "0");
        assertEquals(pair("k", "m"), a.replies());

        a.blocks("BLPOP", "k", "0");
        other.call("RPUSH", "k", "s");
        assertEquals("", a.replies());
        other.call("SWAPDB", "0", "1");
        assertEquals(pair("k", "s"), a.replies());
    }

    @Test
    void withoutBlockingAllowedTheCommandsAnswerAtOnce() {
        Harness h = new Harness();
        Conn a = h.connect();
        a.client.denyBlocking(true);
        assertEquals(NULL_ARRAY, a.call("BLPOP", "k", "0"));
        assertEquals(NULL_ARRAY, a.call("BLMPOP", "0", "1", "k", "LEFT"));
        // BLMOVE on a missing source answers a null bulk, as Redis does under MULTI
        assertEquals("$-1\r\n", a.call("BLMOVE", "k", "d", "LEFT", "LEFT", "0"));
        assertEquals("$-1\r\n", a.call("BRPOPLPUSH", "k", "d", "0"));
        assertFalse(a.client.blocked());
    }

    @Test
    void aDisconnectedWaiterIsForgotten() {
        Harness h = new Harness();
        Conn a = h.connect();
        Conn b = h.connect();
        Conn pusher = h.connect();
        a.blocks("BLPOP", "k", "5");
        b.blocks("BLPOP", "k", "0");
        a.disconnect();
        assertEquals("1", info(h, "blocked_clients"));
        assertEquals(0, h.pendingTimers());
        pusher.call("RPUSH", "k", "v");
        assertEquals(pair("k", "v"), b.replies());
    }

    @Test
    void aBlockedCallCountsOnceWhenItEnds() {
        Harness h = new Harness();
        Conn a = h.connect();
        Conn pusher = h.connect();
        a.blocks("BLPOP", "k", "0");
        pusher.call("RPUSH", "k", "v");
        assertEquals(pair("k", "v"), a.replies());
        a.blocks("BLPOP", "k", "1");
        h.fireTimers();
        String stats = pusher.call("INFO", "commandstats");
        assertTrue(stats.contains("cmdstat_blpop:calls=2,"), stats);
    }

    @Test
    void anAtomicUnitServesWaitersOnlyWhenItEnds() {
        Harness h = new Harness();
        Conn a = h.connect();
        Conn tx = h.connect();
        a.blocks("BLPOP", "k", "0");
        String[] seen = new String[1];
        h.server.blocking().atomically(() -> {
            tx.send("RPUSH", "k", "1");
            tx.send("RPUSH", "k", "2");
            // nobody served between the commands of the unit
            seen[0] = a.replies();
        });
        assertEquals("", seen[0]);
        assertEquals(pair("k", "1"), a.replies());
        assertEquals(":1\r\n:2\r\n", tx.replies());
        assertEquals("*1\r\n$1\r\n2\r\n", tx.call("LRANGE", "k", "0", "-1"));
    }
}
