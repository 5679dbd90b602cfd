package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.WallClock;
import kv.config.ServerConfig;
import kv.protocol.Reply;
import kv.protocol.RespWriter;
import kv.engine.Client;
import kv.server.RespServer;
import kv.engine.EngineHarness;
import kv.engine.Server;
import kv.store.KeyspaceStats;

/**
 * The generic keyspace family over the wire. Expected bytes were recorded from redis-server
 * 7.0.15 (the same as 7.2 for these commands); replies whose order depends on the hash function
 * (KEYS, SCAN) are compared as sorted sets.
 */
@QuarkusTest
class KeyCommandsTest {
    private static final String OK = "+OK\r\n";
    private static final String NIL = "$-1\r\n";
    private static final String SYNTAX = "-ERR syntax error\r\n";
    private static final String NOT_INT = "-ERR value is not an integer or out of range\r\n";
    private static final String INT_RANGE = "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n";

    @Inject
    RespServer server;

    RespTestClient c;

    @BeforeEach
    void connect() throws IOException {
        c = new RespTestClient(server.port());
        for (int db = 0; db < 16; db++) {
            c.call("SELECT", Integer.toString(db));
            for (String k : array(c.call("KEYS", "*"))) {
                c.call("DEL", k);
            }
        }
        c.call("SELECT", "0");
    }

    @AfterEach
    void close() throws IOException {
        c.close();
    }

    private void eq(String expected, String... args) throws IOException {
        assertEquals(expected, c.call(args), String.join(" ", args));
    }

    private static String i(long n) {
        return ":" + n + "\r\n";
    }

    private static String bulk(String s) {
        return "$" + s.getBytes(StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n";
    }

    /** The bulk strings of a flat RESP2 array reply. */
    private static List<String> array(String reply) {
        List<String> out = new ArrayList<>();
        String[] lines = reply.split("\r\n", -1);
        assertTrue(lines[0].startsWith("*"), reply);
        int n = Integer.parseInt(lines[0].substring(1));
        for (int j = 0; j < n; j++) {
            out.add(lines[2 + 2 * j]);
        }
        return out;
    }

    private static Set<String> set(String... s) {
        return new HashSet<>(List.of(s));
    }

    @Test
    void delUnlinkExistsType() throws IOException {
        eq(OK, "SET", "a", "1");
        eq(OK, "SET", "b", "hello");
        eq(i(2), "DEL", "a", "b", "nokey");
        eq(i(0), "DEL", "a");
        eq(i(0), "UNLINK", "nokey");
        eq(OK, "SET", "a", "1");
        eq(i(1), "UNLINK", "a", "a");
        eq(OK, "SET", "a", "1");
        eq(i(2), "EXISTS", "a", "a", "nokey");
        eq(i(0), "EXISTS", "nokey");
        eq("+string\r\n", "TYPE", "a");
        eq("+none\r\n", "TYPE", "nokey");
        eq("-ERR wrong number of arguments for 'del' command\r\n", "DEL");
        eq("-ERR wrong number of arguments for 'exists' command\r\n", "EXISTS");
        eq("-ERR wrong number of arguments for 'type' command\r\n", "TYPE", "a", "b");
    }

    @Test
    void renameAndRenamenx() throws IOException {
        eq(OK, "SET", "a", "1");
        eq("-ERR no such key\r\n", "RENAME", "nokey", "x");
        eq("-ERR no such key\r\n", "RENAMENX", "nokey", "x");
        eq("-ERR no such key\r\n", "RENAME", "nokey", "nokey");
        eq(OK, "RENAME", "a", "a");
        eq(i(0), "RENAMENX", "a", "a");
        eq(OK, "SET", "b", "2");
        eq(i(0), "RENAMENX", "a", "b");
        eq(OK, "RENAME", "a", "b");
        eq(bulk("1"), "GET", "b");
        eq(i(0), "EXISTS", "a");
        // the TTL moves with the key
        eq(i(1), "PEXPIRE", "b", "100000");
        eq(OK, "RENAME", "b", "c");
        eq(i(-2), "PTTL", "b");
        long ttl = Long.parseLong(c.call("PTTL", "c").trim().substring(1));
        assertTrue(ttl > 90_000 && ttl <= 100_000, "ttl " + ttl);
        eq(i(1), "RENAMENX", "c", "d");
        eq(i(100), "TTL", "d");
        // an overwritten destination loses its own TTL: it takes the source's (none here)
        eq(OK, "SET", "e", "x");
        eq(OK, "RENAME", "e", "d");
        eq(i(-1), "TTL", "d");
        eq(bulk("x"), "GET", "d");
    }

    @Test
    void copy() throws IOException {
        eq(OK, "SET", "c", "1");
        eq(i(1), "PEXPIRE", "c", "100000");
        eq("-ERR source and destination objects are the same\r\n", "COPY", "c", "c");
        eq(i(1), "COPY", "c", "e");
        long ttl = Long.parseLong(c.call("PTTL", "e").trim().substring(1));
        assertTrue(ttl > 90_000 && ttl <= 100_000, "ttl " + ttl);
        eq(OK, "SET", "d", "x");
        eq(i(0), "COPY", "c", "d");
        eq(i(1), "COPY", "c", "d", "replace");
        eq(bulk("1"), "GET", "d");
        eq("-ERR DB index is out of range\r\n", "COPY", "c", "x", "db", "16");
        eq("-ERR DB index is out of range\r\n", "COPY", "c", "x", "db", "-1");
        eq(NOT_INT, "COPY", "c", "x", "db", "abc");
        eq(INT_RANGE, "COPY", "c", "x", "db", "99999999999");
        eq(SYNTAX, "COPY", "c", "x", "foo");
        eq(SYNTAX, "COPY", "c", "x", "db");
        eq(i(0), "COPY", "nokey", "x");
        eq(i(1), "COPY", "c", "c", "DB", "1");
        eq(i(1), "COPY", "c", "x", "replace", "REPLACE", "db", "1");
        eq(OK, "SELECT", "1");
        eq(bulk("1"), "GET", "c");
        eq(bulk("1"), "GET", "x");
        eq(OK, "SELECT", "0");
    }

    @Test
    void move() throws IOException {
        eq(OK, "SET", "c", "1");
        eq(i(1), "PEXPIRE", "c", "100000");
        eq("-ERR source and destination objects are the same\r\n", "MOVE", "c", "0");
        eq("-ERR DB index is out of range\r\n", "MOVE", "c", "16");
        eq("-ERR DB index is out of range\r\n", "MOVE", "c", "-1");
        eq(NOT_INT, "MOVE", "c", "abc");
        eq(INT_RANGE, "MOVE", "c", "99999999999");
        eq(i(0), "MOVE", "nokey", "1");
        eq(i(1), "MOVE", "c", "1");
        eq(i(0), "EXISTS", "c");
        eq(OK, "SELECT", "1");
        eq(bulk("1"), "GET", "c");
        long ttl = Long.parseLong(c.call("PTTL", "c").trim().substring(1));
        assertTrue(ttl > 90_000 && ttl <= 100_000, "ttl " + ttl);
        eq(OK, "SELECT", "0");
        eq(OK, "SET", "c", "5");
        eq(OK, "SELECT", "1");
        eq(i(0), "MOVE", "c", "0");
        eq(OK, "SELECT", "0");
        eq(bulk("5"), "GET", "c");
    }

    @Test
    void swapdb() throws IOException {
        eq("-ERR DB index is out of range\r\n", "SWAPDB", "0", "16");
        eq("-ERR DB index is out of range\r\n", "SWAPDB", "-1", "0");
        eq("-ERR invalid first DB index\r\n", "SWAPDB", "abc", "0");
        eq("-ERR invalid second DB index\r\n", "SWAPDB", "0", "abc");
        eq("-ERR invalid first DB index\r\n", "SWAPDB", "99999999999", "0");
        eq("-ERR invalid second DB index\r\n", "SWAPDB", "0", "99999999999");
        eq(OK, "SET", "in0", "zero");
        eq(OK, "SWAPDB", "0", "0");
        eq(bulk("zero"), "GET", "in0");
        eq(OK, "SWAPDB", "0", "1");
        eq(NIL, "GET", "in0");
        eq(OK, "SELECT", "1");
        eq(bulk("zero"), "GET", "in0");
        eq(OK, "SELECT", "0");
        eq(OK, "SWAPDB", "1", "0");
        eq(bulk("zero"), "GET", "in0");
    }

    @Test
    void keysAndRandomkey() throws Exception {
        eq(NIL, "RANDOMKEY");
        eq("*0\r\n", "KEYS", "*");
        for (String k : new String[] {"k1", "k2", "kk", "x"}) {
            eq(OK, "SET", k, "v");
        }
        assertEquals(set("k1", "k2", "kk"), new HashSet<>(array(c.call("KEYS", "k?"))));
        assertEquals(set("k1", "k2"), new HashSet<>(array(c.call("KEYS", "k[12]"))));
        assertEquals(set("k2", "kk"), new HashSet<>(array(c.call("KEYS", "k[^1]*"))));
        assertEquals(set("kk"), new HashSet<>(array(c.call("KEYS", "[a-z]k"))));
        eq("*1\r\n$2\r\nk1\r\n", "KEYS", "\\k1");
        eq("*1\r\n$1\r\nx\r\n", "KEYS", "x");
        eq("*0\r\n", "KEYS", "X");
        assertEquals(set("k1", "k2", "kk", "x"), new HashSet<>(array(c.call("KEYS", "*"))));
        String random = c.call("RANDOMKEY");
        assertTrue(Set.of(bulk("k1"), bulk("k2"), bulk("kk"), bulk("x")).contains(random), random);
        // expired keys are not listed
        eq(i(1), "PEXPIRE", "x", "1");
        WallClock.awaitPast(WallClock.latestDeadline(1));
        assertEquals(set("k1", "k2", "kk"), new HashSet<>(array(c.call("KEYS", "*"))));
    }

    @Test
    void touch() throws IOException {
        eq(OK, "SET", "k1", "v");
        eq(OK, "SET", "k2", "v");
        eq(i(3), "TOUCH", "k1", "k2", "nokey", "k1");
        eq(i(0), "TOUCH", "nokey");
    }

    @Test
    void expireFamilyOptionsAndErrors() throws IOException {
        eq(OK, "SET", "k", "5");
        eq("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n", "EXPIRE", "k", "10", "nx", "xx");
        eq("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n", "EXPIRE", "k", "10", "lt", "nx");
        eq("-ERR GT and LT options at the same time are not compatible\r\n", "EXPIRE", "k", "10", "gt", "lt");
        eq("-ERR Unsupported option foo\r\n", "EXPIRE", "k", "10", "gt", "foo");
        eq("-ERR Unsupported option foo\r\n", "EXPIRE", "k", "abc", "foo");
        eq(NOT_INT, "EXPIRE", "k", "abc");
        eq(NOT_INT, "PEXPIREAT", "k", "1.5");
        eq("-ERR invalid expire time in 'expire' command\r\n", "EXPIRE", "k", "9223372036854775807");
        eq("-ERR invalid expire time in 'expire' command\r\n", "EXPIRE", "k", "9223372036854775");
        eq("-ERR invalid expire time in 'pexpire' command\r\n", "PEXPIRE", "k", "9223372036854775807");
        eq("-ERR invalid expire time in 'expireat' command\r\n", "EXPIREAT", "k", "9223372036854776");
        eq("-ERR wrong number of arguments for 'expire' command\r\n", "EXPIRE", "k");
        eq(i(1), "EXPIREAT", "k", "9223372036854775");
        eq(i(1), "PEXPIREAT", "k", "9223372036854775807");
        eq(i(9223372036854775807L), "PEXPIRETIME", "k");
        eq(i(0), "EXPIRE", "nokey", "100");
        eq(i(0), "EXPIRE", "nokey", "-100");
    }

    @Test
    void expireConditions() throws IOException {
        eq(OK, "SET", "x", "v");
        eq(i(-2), "TTL", "nokey");
        eq(i(-2), "PTTL", "nokey");
        eq(i(-2), "EXPIRETIME", "nokey");
        eq(i(-2), "PEXPIRETIME", "nokey");
        eq(i(-1), "TTL", "x");
        eq(i(-1), "PTTL", "x");
        eq(i(-1), "EXPIRETIME", "x");
        eq(i(-1), "PEXPIRETIME", "x");
        eq(i(0), "PERSIST", "x");
        eq(i(0), "PERSIST", "nokey");
        eq(i(1), "EXPIREAT", "x", "4102444800");
        eq(i(4102444800L), "EXPIRETIME", "x");
        eq(i(4102444800000L), "PEXPIRETIME", "x");
        eq(i(1), "PERSIST", "x");
        eq(i(-1), "TTL", "x");
        eq(i(0), "EXPIRE", "x", "100", "xx");
        eq(i(0), "EXPIRE", "x", "100", "gt");
        eq(i(1), "EXPIRE", "x", "100", "lt");
        eq(i(1), "PERSIST", "x");
        eq(i(1), "EXPIRE", "x", "100", "nx");
        eq(i(0), "EXPIRE", "x", "50", "NX");
        eq(i(0), "EXPIRE", "x", "50", "gt");
        eq(i(1), "EXPIRE", "x", "200", "GT");
        eq(i(0), "EXPIRE", "x", "300", "lt");
        eq(i(1), "EXPIRE", "x", "100", "Lt");
        eq(i(1), "EXPIRE", "x", "200", "xx", "gt", "gt");
        eq(i(200), "TTL", "x");
        eq(i(1), "PEXPIRE", "x", "100499");
        eq(i(100), "TTL", "x");
        eq(i(1), "PEXPIRE", "x", "2500");
        String ttl = c.call("TTL", "x");
        assertTrue(ttl.equals(i(3)) || ttl.equals(i(2)), ttl); // (2500 + 500) / 1000, minus elapsed ms
        // a time in the past deletes the key and replies 1
        eq(i(1), "EXPIRE", "x", "0");
        eq(i(0), "EXISTS", "x");
        eq(OK, "SET", "x", "v");
        eq(i(1), "EXPIRE", "x", "-5");
        eq(i(0), "EXISTS", "x");
        eq(OK, "SET", "x", "v");
        eq(i(1), "PEXPIREAT", "x", "1");
        eq(i(0), "EXISTS", "x");
        eq(OK, "SET", "x", "v");
        eq(i(1), "EXPIREAT", "x", "-9223372036854775");
        eq(i(0), "EXISTS", "x");
        // SET without KEEPTTL clears the TTL
        eq(OK, "SET", "x", "v");
        eq(i(1), "EXPIRE", "x", "100");
        eq(OK, "SET", "x", "w");
        eq(i(-1), "TTL", "x");
    }

    @Test
    void lazyExpiry() throws Exception {
        eq(OK, "SET", "x", "v");
        // long enough that it cannot run out before EXISTS, however slow the machine
        eq(i(1), "PEXPIRE", "x", "100000");
        eq(i(1), "EXISTS", "x");
        long deadline = System.currentTimeMillis() + 20;
        eq(i(1), "PEXPIREAT", "x", Long.toString(deadline));
        WallClock.awaitPast(deadline);
        eq(NIL, "GET", "x");
        eq(i(-2), "TTL", "x");
        eq(i(0), "DEL", "x");
    }

    @Test
    void scanArgumentsAndErrors() throws IOException {
        eq("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "0");
        for (String k : new String[] {"k1", "k2", "kk", "x"}) {
            eq(OK, "SET", k, "v");
        }
        eq("-ERR invalid cursor\r\n", "SCAN", "abc");
        eq("-ERR invalid cursor\r\n", "SCAN", "18446744073709551616");
        eq("-ERR invalid cursor\r\n", "SCAN", " 0");
        eq("-ERR invalid cursor\r\n", "SCAN", "0 ");
        eq("-ERR invalid cursor\r\n", "SCAN", "-");
        eq("-ERR invalid cursor\r\n", "SCAN", "1.5");
        eq(SYNTAX, "SCAN", "0", "count", "0");
        eq(SYNTAX, "SCAN", "0", "count", "-1");
        eq(NOT_INT, "SCAN", "0", "count", "abc");
        eq(SYNTAX, "SCAN", "0", "count");
        eq(SYNTAX, "SCAN", "0", "foo", "bar");
        eq(SYNTAX, "SCAN", "0", "match");
        eq(SYNTAX, "SCAN", "0", "type");
        eq("-ERR wrong number of arguments for 'scan' command\r\n", "SCAN");
        assertEquals(List.of("0", "k1", "k2", "kk"), scanAll("SCAN", "0", "count", "100", "match", "k*", "type", "string"));
        assertEquals(List.of("0"), scanAll("SCAN", "0", "count", "100", "type", "hash"));
        assertEquals(List.of("0"), scanAll("SCAN", "0", "count", "100", "type", "nosuchtype"));
        assertEquals(List.of("0", "x"), scanAll("SCAN", "0", "count", "100", "type", "STRING", "match", "x"));
        assertEquals(List.of("0", "k1"), scanAll("SCAN", "+0", "count", "100", "match", "k1"));
        assertEquals(List.of("0", "k1", "k2", "kk", "x"), scanAll("SCAN", "", "COUNT", "100", "MATCH", "*"));
        assertEquals(List.of("0", "k1", "k2", "kk", "x"), scanAll("SCAN", "000", "count", "100", "count", "9223372036854775807"));
        // a cursor with every bit set (also spelled -1) is the last bucket: the iteration ends
        assertEquals("0", array(c.call("SCAN", "18446744073709551615")).get(0));
        assertEquals("0", array(c.call("SCAN", "-1")).get(0));
    }

    /** One SCAN call's reply as [cursor, sorted keys...]. */
    private List<String> scanAll(String... args) throws IOException {
        String reply = c.call(args);
        assertTrue(reply.startsWith("*2\r\n$"), reply);
        String[] lines = reply.split("\r\n", -1);
        List<String> keys = new ArrayList<>();
        int n = Integer.parseInt(lines[3].substring(1));
        for (int j = 0; j < n; j++) {
            keys.add(lines[5 + 2 * j]);
        }
        Collections.sort(keys);
        List<String> out = new ArrayList<>();
        out.add(lines[2]);
        out.addAll(keys);
        return out;
    }

    @Test
    void scanIteratesEverythingInSmallSteps() throws IOException {
        Set<String> all = new HashSet<>();
        for (int j = 0; j < 500; j++) {
            eq(OK, "SET", "key:" + j, "v");
            all.add("key:" + j);
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            String reply = c.call("SCAN", cursor, "COUNT", "7");
            String[] lines = reply.split("\r\n", -1);
            cursor = lines[2];
            int n = Integer.parseInt(lines[3].substring(1));
            assertTrue(n <= 7 + 8, "a step returns about COUNT keys: " + n);
            for (int j = 0; j < n; j++) {
                seen.add(lines[5 + 2 * j]);
            }
            calls++;
        } while (!cursor.equals("0"));
        assertEquals(all, seen);
        assertTrue(calls > 500 / 15, "iterated in steps: " + calls);
    }

    @Test
    void objectSubcommands() throws IOException {
        eq(OK, "SET", "n", "12");
        eq(OK, "SET", "n2", "99999");
        eq(OK, "SET", "neg", "-1");
        eq(OK, "SET", "s", "hello");
        eq(OK, "SET", "l", "a".repeat(45));
        eq(OK, "SET", "e", "a".repeat(44));
        eq(bulk("int"), "OBJECT", "ENCODING", "n");
        eq(bulk("embstr"), "OBJECT", "encoding", "s");
        eq(bulk("embstr"), "OBJECT", "encoding", "e");
        eq(bulk("raw"), "OBJECT", "encoding", "l");
        eq(i(2147483647), "OBJECT", "REFCOUNT", "n");
        eq(i(1), "OBJECT", "REFCOUNT", "n2");
        eq(i(1), "OBJECT", "REFCOUNT", "neg");
        eq(i(1), "OBJECT", "REFCOUNT", "s");
        String idle = c.call("OBJECT", "IDLETIME", "s"); // seconds since SET: 0 unless the machine stalls
        assertTrue(idle.equals(":0\r\n") || idle.equals(":1\r\n") || idle.equals(":2\r\n"), idle);
        eq("-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
                "OBJECT", "FREQ", "s");
        for (String sub : new String[] {"ENCODING", "REFCOUNT", "IDLETIME", "FREQ"}) {
            eq(NIL, "OBJECT", sub, "nokey");
        }
        eq("-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n", "OBJECT", "foo");
        eq("-ERR wrong number of arguments for 'object|encoding' command\r\n", "OBJECT", "ENCODING");
        eq("-ERR wrong number of arguments for 'object|help' command\r\n", "OBJECT", "HELP", "x");
        eq("-ERR wrong number of arguments for 'object' command\r\n", "OBJECT");
        String help = c.call("OBJECT", "HELP");
        assertTrue(help.startsWith("*11\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n"), help);
        assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"), help);
        assertEquals(1 + 11 + 1, help.split("\r\n", -1).length);
    }

    // ---- against a Server instance driven directly, to reach its clock policy and counters ----


    @Test
    void objectUnderAnLfuPolicy() {
        EngineHarness d = new EngineHarness();
        assertEquals(OK, d.call("SET", "k", "5"));
        d.server.keyspace().access().configure(true, 10, 1);
        assertEquals("-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
                d.call("OBJECT", "IDLETIME", "k"));
        assertEquals(OK, d.call("SET", "f", "v"));
        // a new key starts at the LFU_INIT_VAL counter, 5
        assertEquals(i(5), d.call("OBJECT", "FREQ", "f"));
        assertEquals(NIL, d.call("OBJECT", "FREQ", "nokey"));
        for (int j = 0; j < 100; j++) {
            d.call("GET", "f");
        }
        long freq = Long.parseLong(d.call("OBJECT", "FREQ", "f").trim().substring(1));
        assertTrue(freq > 5, "counter grew with accesses: " + freq);
    }

    @Test
    void copyOfAModifiedStringIsIndependent() {
        EngineHarness d = new EngineHarness();
        d.call("SET", "m", "ab");
        d.call("APPEND", "m", "c"); // now a growable string, changed in place by the next APPEND
        assertEquals(i(1), d.call("COPY", "m", "m2"));
        d.call("APPEND", "m", "def");
        assertEquals(bulk("abcdef"), d.call("GET", "m"));
        assertEquals(bulk("abc"), d.call("GET", "m2"));
        assertEquals(bulk("raw"), d.call("OBJECT", "ENCODING", "m2"));
    }

    @Test
    void activeExpiryRemovesKeysNobodyReads() throws InterruptedException {
        EngineHarness d = new EngineHarness();
        KeyspaceStats stats = d.server.keyspace().stats();
        long expiredBefore = stats.expiredKeys;
        for (int j = 0; j < 200; j++) {
            assertEquals(OK, d.call("SET", "t" + j, "v"));
            assertEquals(i(1), d.call("PEXPIRE", "t" + j, "50"));
        }
        assertEquals(OK, d.call("SET", "keep", "v"));
        assertEquals(201, d.server.keyspace().db(0).size());
        long deadline = System.currentTimeMillis() + 10_000;
        // only the cron runs: no command touches the keys
        while (d.server.keyspace().db(0).size() > 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            d.server.cron();
        }
        assertEquals(1, d.server.keyspace().db(0).size());
        assertEquals(0, d.server.keyspace().db(0).expiringCount());
        assertEquals(200, stats.expiredKeys - expiredBefore);
        // lazy expiry counts too
        assertEquals(OK, d.call("SET", "lazy", "v"));
        assertEquals(i(1), d.call("PEXPIRE", "lazy", "1"));
        WallClock.awaitPast(WallClock.latestDeadline(1));
        assertEquals(i(0), d.call("EXISTS", "lazy"));
        assertEquals(201, stats.expiredKeys - expiredBefore);
    }
}
