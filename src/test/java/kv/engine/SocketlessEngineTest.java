package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import kv.config.ConfigException;
import kv.config.ConfigSource;
import kv.config.ServerConfig;
import kv.protocol.Reply;

/**
 * The engine runs commands for clients without a connection (what EXEC, Lua, the AOF loader and a
 * replica will do): the same lookup, arity, auth and handler as a socket gets, replying into any
 * {@link Reply}.
 */
class SocketlessEngineTest {

    @Test
    void commandsRunWithTheChecksASocketGets() {
        EngineHarness e = new EngineHarness();
        assertEquals("+OK\r\n", e.call("SET", "k", "v"));
        assertEquals("$1\r\nv\r\n", e.call("GET", "k"));
        assertEquals("-ERR wrong number of arguments for 'get' command\r\n", e.call("GET"));
        assertEquals("-ERR unknown command 'NOSUCH', with args beginning with: 'a' \r\n", e.call("NOSUCH", "a"));
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", wrongType(e));
    }

    private static String wrongType(EngineHarness e) {
        e.server.keyspace().db(0).put("agg".getBytes(StandardCharsets.UTF_8), new kv.store.CompoundValue() {
            @Override public kv.store.ValueType type() { return kv.store.ValueType.SET; }
            @Override public String encoding() { return "hashtable"; }
            @Override public long heapBytes() { return 0; }
            @Override public boolean isEmpty() { return false; }
        });
        return e.call("GET", "agg");
    }

    private static ServerConfig config(String... flags) {
        try {
            return ServerConfig.load(ConfigSource.fromArgs(flags, new ByteArrayInputStream(new byte[0])));
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void authenticationAppliesToDetachedClientsToo() {
        EngineHarness e = new EngineHarness(config("--requirepass", "secret"));
        Client stranger = e.server.clients().detached(new DetachedTransport("stranger"), System.currentTimeMillis());
        stranger.authenticated(false);
        byte[][] get = {"GET".getBytes(StandardCharsets.UTF_8), "k".getBytes(StandardCharsets.UTF_8)};
        assertEquals("-NOAUTH Authentication required.\r\n", e.call(stranger, get));
        assertEquals("$-1\r\n", e.call(e.client, get));
    }

    @Test
    void repliesGoIntoAnyReply() {
        EngineHarness e = new EngineHarness();
        e.call("MSET", "a", "1", "b", "two");
        List<String> seen = new ArrayList<>();
        Reply collecting = new CollectingReply(seen);
        e.call(collecting, "MGET", "a", "b", "c");
        assertEquals(List.of("array 3", "long 1", "bulk two", "null"), seen);
        seen.clear();
        e.call(collecting, "INCR", "b");
        assertEquals(List.of("error ERR value is not an integer or out of range"), seen);
    }

    @Test
    void noTouchRecognisesTouchByItsSpecNotItsName() {
        EngineHarness e = new EngineHarness(config("--rename-command", "touch", "poke"));
        e.call("SET", "k", "v");
        e.call("CLIENT", "NO-TOUCH", "on");
        kv.store.Db db = e.server.keyspace().db(0);
        assertTrue(db.exists("k".getBytes(StandardCharsets.UTF_8)));
        int before = db.accessField("k".getBytes(StandardCharsets.UTF_8));
        e.call("GET", "k");
        assertEquals(before, db.accessField("k".getBytes(StandardCharsets.UTF_8)), "a read by a NO-TOUCH client leaves the clock");
        assertEquals(":1\r\n", e.call("POKE", "k"));
    }

    /** A Reply that records what the handler said, as scripting will. */
    private static final class CollectingReply implements Reply {
        private final List<String> seen;

        CollectingReply(List<String> seen) {
            this.seen = seen;
        }

        @Override public void simple(String status) { seen.add("status " + status); }
        @Override public void error(String message) { seen.add("error " + message); }
        @Override public void integer(long value) { seen.add("integer " + value); }
        @Override public void bulk(byte[] value) { seen.add("bulk " + new String(value, StandardCharsets.UTF_8)); }
        @Override public void bulk(byte[] value, int offset, int length) {
            seen.add("bulk " + new String(value, offset, length, StandardCharsets.UTF_8));
        }
        @Override public void bulkText(String ascii) { seen.add("bulk " + ascii); }
        @Override public void bulkLong(long value) { seen.add("long " + value); }
        @Override public void nullBulk() { seen.add("null"); }
        @Override public void nullArray() { seen.add("null array"); }
        @Override public void array(int count) { seen.add("array " + count); }
        @Override public void map(int pairs) { seen.add("map " + pairs); }
        @Override public void set(int count) { seen.add("set " + count); }
        @Override public void doubleValue(double value) { seen.add("double " + value); }
        @Override public void bool(boolean value) { seen.add("bool " + value); }
        @Override public void verbatim(String format, byte[] text) { seen.add("verbatim"); }
        @Override public void push(int count) { seen.add("push " + count); }
        @Override public void bigNumber(String digits) { seen.add("bignum " + digits); }
        @Override public void attribute(int pairs) { seen.add("attribute " + pairs); }
        @Override public int protocol() { return 2; }
    }
}
