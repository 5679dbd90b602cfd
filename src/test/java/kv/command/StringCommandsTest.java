package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.WallClock;
import kv.server.RespServer;
import kv.engine.Server;
import kv.store.CompoundValue;
import kv.store.ValueType;

/**
 * The string family, byte for byte. Every expected reply was recorded from redis-server 7.0.15
 * (the string family is unchanged in 7.2), not derived from this implementation.
 */
@QuarkusTest
class StringCommandsTest {
    private static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    private static final String NOT_INT = "-ERR value is not an integer or out of range\r\n";
    private static final String NOT_FLOAT = "-ERR value is not a valid float\r\n";
    private static final String SYNTAX = "-ERR syntax error\r\n";
    private static final String OVERFLOW = "-ERR increment or decrement would overflow\r\n";
    private static final String NIL = "$-1\r\n";
    private static final String EMPTY = "$0\r\n\r\n";
    private static final String OK = "+OK\r\n";
    /** 2100-01-01T00:00:00Z in unix milliseconds: a deadline no test outlives. */
    static final String FAR_FUTURE_MS = "4102444800000";

    @Inject
    RespServer server;

    private RespTestClient client() throws IOException {
        return new RespTestClient(server.port());
    }

    private static void expect(RespTestClient c, String reply, String... args) throws IOException {
        assertEquals(reply, c.call(args), () -> String.join(" ", args));
    }

    private static String bulk(String s) {
        return "$" + s.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n" + s + "\r\n";
    }

    /** Stores a value of another type (no list commands exist yet) for the WRONGTYPE cases. */
    private void putList(String key) throws Exception {
        Method m = RespServer.class.getDeclaredMethod("server");
        m.setAccessible(true);
        Server s = (Server) m.invoke(server);
        CompoundValue list = new CompoundValue() {
            @Override
            public ValueType type() {
                return ValueType.LIST;
            }

            @Override
            public String encoding() {
                return "listpack";
            }

            @Override
            public long heapBytes() {
                return 64;
            }

            @Override
            public boolean isEmpty() {
                return false;
            }
        };
        server.onDataThread(() -> {
            s.keyspace().db(0).put(key.getBytes(StandardCharsets.UTF_8), list);
            return null;
        }).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void getSetAndVariants() throws Exception {
        try (RespTestClient c = client()) {
            expect(c, NIL, "GET", "sv:a");
            expect(c, OK, "SET", "sv:a", "1");
            expect(c, bulk("1"), "GET", "sv:a");
            expect(c, ":1\r\n", "SETNX", "sv:n", "1");
            expect(c, ":0\r\n", "SETNX", "sv:n", "2");
            expect(c, bulk("1"), "GET", "sv:n");
            expect(c, bulk("1"), "GETSET", "sv:n", "3");
            expect(c, NIL, "GETSET", "sv:nope", "x");
            expect(c, bulk("x"), "GET", "sv:nope");
            expect(c, bulk("3"), "GETDEL", "sv:n");
            expect(c, NIL, "GETDEL", "sv:n");
            expect(c, NIL, "GET", "sv:n");
            expect(c, NIL, "SET", "sv:nx", "v", "XX");
            expect(c, OK, "SET", "sv:nx", "v", "NX");
            expect(c, NIL, "SET", "sv:nx", "w", "NX");
            expect(c, bulk("v"), "SET", "sv:nx", "w", "NX", "GET");
            expect(c, bulk("v"), "SET", "sv:nx", "w", "GET");
            expect(c, SYNTAX, "SET", "sv:nx", "w", "NX", "XX");
            expect(c, SYNTAX, "SET", "sv:nx", "w", "EX", "10", "PX", "10");
            expect(c, "-ERR invalid expire time in 'set' command\r\n", "SET", "sv:nx", "w", "EX", "0");
        }
    }

    @Test
    void setexAndPsetex() throws Exception {
        try (RespTestClient c = client()) {
            expect(c, OK, "SETEX", "se:s", "10", "v");
            expect(c, bulk("v"), "GET", "se:s");
            expect(c, "-ERR invalid expire time in 'setex' command\r\n", "SETEX", "se:s", "0", "v");
            expect(c, "-ERR invalid expire time in 'setex' command\r\n", "SETEX", "se:s", "-1", "v");
            expect(c, NOT_INT, "SETEX", "se:s", "abc", "v");
            expect(c, "-ERR invalid expire time in 'setex' command\r\n", "SETEX", "se:s", "9223372036854775807", "v");
            expect(c, "-ERR invalid expire time in 'setex' command\r\n", "SETEX", "se:s", "9223372036854775", "v");
            expect(c, OK, "SETEX", "se:s", "9223372036854", "v");
            expect(c, "-ERR invalid expire time in 'psetex' command\r\n", "PSETEX", "se:p", "0", "v");
            expect(c, "-ERR invalid expire time in 'psetex' command\r\n", "PSETEX", "se:p", "9223372036854775000", "v");
            expect(c, OK, "PSETEX", "se:p", "100000", "v");
            expect(c, OK, "PSETEX", "se:short", "30", "v");
            WallClock.awaitPast(WallClock.latestDeadline(30));
            expect(c, NIL, "GET", "se:short");
        }
    }

    @Test
    void getex() throws Exception {
        try (RespTestClient c = client()) {
            expect(c, NIL, "GETEX", "gx:nope");
            expect(c, NIL, "GETEX", "gx:nope", "EX", "0"); // the expiry is only checked on an existing key
            expect(c, NIL, "GETEX", "gx:nope", "EX", "abc");
            expect(c, SYNTAX, "GETEX", "gx:nope", "FOO");
            expect(c, OK, "SET", "gx:g", "Hello World");
            expect(c, bulk("Hello World"), "GETEX", "gx:g");
            expect(c, bulk("Hello World"), "GETEX", "gx:g", "EX", "100");
            expect(c, bulk("Hello World"), "GETEX", "gx:g", "PERSIST");
            expect(c, bulk("Hello World"), "GETEX", "gx:g", "PERSIST", "PERSIST");
            expect(c, bulk("Hello World"), "GETEX", "gx:g", "EX", "10", "EX", "20");
            expect(c, SYNTAX, "GETEX", "gx:g", "PX", "5000", "PERSIST");
            expect(c, SYNTAX, "GETEX", "gx:g", "EX", "10", "PX", "20");
            expect(c, SYNTAX, "GETEX", "gx:g", "EX");
            expect(c, SYNTAX, "GETEX", "gx:g", "KEEPTTL");
            expect(c, SYNTAX, "GETEX", "gx:g", "NX");
            expect(c, SYNTAX, "GETEX", "gx:g", "GET");
            expect(c, "-ERR invalid expire time in 'getex' command\r\n", "GETEX", "gx:g", "EX", "0");
            expect(c, "-ERR invalid expire time in 'getex' command\r\n", "GETEX", "gx:g", "PX", "-1");
            expect(c, "-ERR invalid expire time in 'getex' command\r\n", "GETEX", "gx:g", "EXAT", "0");
            expect(c, "-ERR invalid expire time in 'getex' command\r\n", "GETEX", "gx:g", "EX", "9223372036854775807");
            expect(c, "-ERR invalid expire time in 'getex' command\r\n", "GETEX", "gx:g", "EXAT", "9223372036854775807");
            expect(c, NOT_INT, "GETEX", "gx:g", "EX", "abc");
            expect(c, bulk("Hello World"), "GETEX", "gx:g", "PXAT", "9223372036854775807");
            // an absolute time in the past deletes the key after replying
            expect(c, bulk("Hello World"), "GETEX", "gx:g", "EXAT", "1");
            expect(c, NIL, "GET", "gx:g");
            expect(c, OK, "SET", "gx:p", "v");
            expect(c, bulk("v"), "GETEX", "gx:p", "px", "40");
            WallClock.awaitPast(WallClock.latestDeadline(40));
            expect(c, NIL, "GET", "gx:p");
            // a TTL long enough that nothing can run out between the commands
            expect(c, OK, "SET", "gx:q", "v");
            expect(c, bulk("v"), "GETEX", "gx:q", "PXAT", FAR_FUTURE_MS);
            expect(c, ":" + FAR_FUTURE_MS + "\r\n", "PEXPIRETIME", "gx:q");
            expect(c, bulk("v"), "GETEX", "gx:q", "PERSIST");
            expect(c, ":-1\r\n", "PEXPIRETIME", "gx:q");
            expect(c, bulk("v"), "GET", "gx:q");
        }
    }

    @Test
    void multiKey() throws Exception {
        try (RespTestClient c = client()) {
            expect(c, "*2\r\n$-1\r\n$-1\r\n", "MGET", "mk:a", "mk:b");
            expect(c, OK, "MSET", "mk:a", "1", "mk:b", "2");
            expect(c, "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n", "MGET", "mk:a", "mk:b", "mk:nope");
            expect(c, "-ERR wrong number of arguments for 'mset' command\r\n", "MSET", "mk:a", "1", "mk:b");
            expect(c, ":0\r\n", "MSETNX", "mk:a", "1", "mk:c", "2");
            expect(c, NIL, "GET", "mk:c");
            expect(c, ":1\r\n", "MSETNX", "mk:c", "1", "mk:d", "2");
            expect(c, ":0\r\n", "MSETNX", "mk:c", "1", "mk:c", "2");
            expect(c, ":1\r\n", "MSETNX", "mk:e", "1", "mk:e", "2");
            expect(c, bulk("2"), "GET", "mk:e");
            expect(c, "-ERR wrong number of arguments for 'msetnx' command\r\n", "MSETNX", "mk:f", "1", "mk:b");
            expect(c, OK, "MSET", "mk:a", "1", "mk:a", "2");
            expect(c, bulk("2"), "GET", "mk:a");
        }
    }

    @Test
    void appendStrlenGetrangeSetrange() throws Exception {
        try (RespTestClient c = client()) {
            expect(c, OK, "SET", "ar:k", "1");
            expect(c, ":2\r\n", "APPEND", "ar:k", "2");
            expect(c, bulk("12"), "GET", "ar:k");
            expect(c, ":13\r\n", "INCR", "ar:k");
            expect(c, ":3\r\n", "APPEND", "ar:new", "123");
            expect(c, ":0\r\n", "APPEND", "ar:empty", "");
            expect(c, EMPTY, "GET", "ar:empty");
            expect(c, ":0\r\n", "SETRANGE", "ar:n", "0", "");
            expect(c, NIL, "GET", "ar:n");
            expect(c, ":7\r\n", "SETRANGE", "ar:n", "5", "ab");
            expect(c, "$7\r\n\0\0\0\0\0ab\r\n", "GET", "ar:n");
            expect(c, ":7\r\n", "SETRANGE", "ar:n", "1", "");
            expect(c, ":7\r\n", "SETRANGE", "ar:n", "0", "xyz");
            expect(c, "$7\r\nxyz\0\0ab\r\n", "GET", "ar:n");
            expect(c, "-ERR offset is out of range\r\n", "SETRANGE", "ar:n", "-1", "x");
            expect(c, "-ERR offset is out of range\r\n", "SETRANGE", "ar:n2", "-1", "");
            expect(c, NOT_INT, "SETRANGE", "ar:n", "abc", "x");
            expect(c, "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", "SETRANGE", "ar:n", "536870912", "x");
            expect(c, "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", "SETRANGE", "ar:n", "9223372036854775807", "x");
            expect(c, ":0\r\n", "SETRANGE", "ar:n3", "536870912", "");
            expect(c, OK, "SET", "ar:i", "5");
            expect(c, ":1\r\n", "SETRANGE", "ar:i", "0", "");
            expect(c, ":1\r\n", "SETRANGE", "ar:i", "0", "9");
            expect(c, ":10\r\n", "INCR", "ar:i");

            expect(c, ":0\r\n", "STRLEN", "ar:nope");
            expect(c, EMPTY, "GETRANGE", "ar:nope", "0", "-1");
            expect(c, NOT_INT, "GETRANGE", "ar:nope", "x", "0");
            expect(c, OK, "SET", "ar:g", "Hello World");
            expect(c, ":11\r\n", "STRLEN", "ar:g");
            expect(c, bulk("Hello World"), "GETRANGE", "ar:g", "0", "-1");
            expect(c, bulk("rld"), "GETRANGE", "ar:g", "-3", "-1");
            expect(c, EMPTY, "GETRANGE", "ar:g", "5", "3");
            expect(c, bulk("Hello World"), "GETRANGE", "ar:g", "-100", "100");
            expect(c, EMPTY, "GETRANGE", "ar:g", "100", "200");
            expect(c, bulk("H"), "GETRANGE", "ar:g", "0", "0");
            expect(c, EMPTY, "GETRANGE", "ar:g", "-1", "-5");
            expect(c, bulk("H"), "GETRANGE", "ar:g", "-100", "-50"); // Redis' clamping quirk
            expect(c, EMPTY, "GETRANGE", "ar:g", "3", "-50");
            expect(c, bulk("Hello World"), "GETRANGE", "ar:g", "0", "9223372036854775807");
            expect(c, bulk("Hello World"), "GETRANGE", "ar:g", "-9223372036854775808", "-1");
            expect(c, NOT_INT, "GETRANGE", "ar:g", "1", "x");
            expect(c, bulk("Hell"), "SUBSTR", "ar:g", "0", "3");
            expect(c, OK, "SET", "ar:e", "");
            expect(c, EMPTY, "GETRANGE", "ar:e", "0", "-1");
            expect(c, EMPTY, "GETRANGE", "ar:e", "-1", "-1");
            expect(c, OK, "SET", "ar:int", "12345");
            expect(c, ":5\r\n", "STRLEN", "ar:int");
            expect(c, bulk("23"), "GETRANGE", "ar:int", "1", "2");
            expect(c, bulk("45"), "GETRANGE", "ar:int", "-2", "-1");
        }
    }

    @Test
    void modificationsKeepTheTtl() throws Exception {
        try (RespTestClient c = client()) {
            // {command, argument..., its reply on "5"}; the TTL is an absolute time, so it can be compared exactly
            for (String[] cmd : new String[][] {
                {"APPEND", "x", ":2\r\n"}, {"SETRANGE", "0", "7", ":1\r\n"}, {"INCR", ":6\r\n"},
                {"INCRBY", "2", ":7\r\n"}, {"INCRBYFLOAT", "1.5", bulk("6.5")},
            }) {
                String key = "ttl:" + cmd[0];
                expect(c, OK, "SET", key, "5", "PXAT", FAR_FUTURE_MS);
                String[] args = new String[cmd.length];
                args[0] = cmd[0];
                args[1] = key;
                System.arraycopy(cmd, 1, args, 2, cmd.length - 2);
                expect(c, cmd[cmd.length - 1], args);
                expect(c, ":" + FAR_FUTURE_MS + "\r\n", "PEXPIRETIME", key);
            }
        }
    }

    @Test
    void incrDecr() throws Exception {
        try (RespTestClient c = client()) {
            expect(c, OK, "SET", "id:x", "5");
            expect(c, ":6\r\n", "INCR", "id:x");
            expect(c, ":5\r\n", "DECR", "id:x");
            expect(c, ":15\r\n", "INCRBY", "id:x", "10");
            expect(c, ":12\r\n", "DECRBY", "id:x", "3");
            expect(c, NOT_INT, "INCRBY", "id:x", "abc");
            expect(c, NOT_INT, "INCRBY", "id:x", "1.5");
            expect(c, NOT_INT, "INCRBY", "id:x", "");
            expect(c, "-ERR decrement would overflow\r\n", "DECRBY", "id:x", "-9223372036854775808");
            expect(c, OVERFLOW, "INCRBY", "id:x", "9223372036854775807");
            expect(c, ":-9223372036854775795\r\n", "DECRBY", "id:x", "9223372036854775807");
            expect(c, OK, "SET", "id:x", "9223372036854775807");
            expect(c, OVERFLOW, "INCR", "id:x");
            expect(c, bulk("9223372036854775807"), "GET", "id:x");
            expect(c, OK, "SET", "id:x", "-9223372036854775808");
            expect(c, OVERFLOW, "DECR", "id:x");
            expect(c, OVERFLOW, "DECRBY", "id:x", "1");
            expect(c, OVERFLOW, "INCRBY", "id:x", "-1");
            expect(c, ":-1\r\n", "INCRBY", "id:x", "9223372036854775807");
            for (String bad : new String[] {" 1", "01", "1.0", "", "-0", "+1", "12345678901234567890", "abc"}) {
                expect(c, OK, "SET", "id:b", bad);
                expect(c, NOT_INT, "INCR", "id:b");
            }
            expect(c, ":1\r\n", "INCR", "id:new1");
            expect(c, ":-1\r\n", "DECR", "id:new2");
            expect(c, ":-5\r\n", "INCRBY", "id:new3", "-5");
            expect(c, ":5\r\n", "DECRBY", "id:new4", "-5");
            expect(c, OK, "SET", "id:m", "1");
            expect(c, ":2\r\n", "APPEND", "id:m", "2");
            expect(c, ":13\r\n", "INCR", "id:m");
        }
    }

    @Test
    void incrbyfloat() throws Exception {
        try (RespTestClient c = client()) {
            expect(c, bulk("1"), "INCRBYFLOAT", "if:f", "1");
            expect(c, bulk("1.5"), "INCRBYFLOAT", "if:f", "0.5");
            expect(c, bulk("1.5"), "GET", "if:f");
            expect(c, bulk("10.5"), "INCRBYFLOAT", "if:f2", "10.5");
            expect(c, bulk("10.6"), "INCRBYFLOAT", "if:f2", "0.1");
            expect(c, bulk("3000"), "INCRBYFLOAT", "if:f3", "3.0e3");
            expect(c, bulk("3200"), "INCRBYFLOAT", "if:f3", "2.0e2");
            expect(c, bulk("0.1"), "INCRBYFLOAT", "if:f4", "0.1");
            expect(c, bulk("0.3"), "INCRBYFLOAT", "if:f4", "0.2");
            expect(c, "-ERR increment would produce NaN or Infinity\r\n", "INCRBYFLOAT", "if:f4", "inf");
            expect(c, NOT_FLOAT, "INCRBYFLOAT", "if:f4", "nan");
            expect(c, NOT_FLOAT, "INCRBYFLOAT", "if:f4", "");
            expect(c, NOT_FLOAT, "INCRBYFLOAT", "if:f4", " 1");
            expect(c, NOT_FLOAT, "INCRBYFLOAT", "if:f4", "1 ");
            expect(c, NOT_FLOAT, "INCRBYFLOAT", "if:f4", "1e");
            expect(c, NOT_FLOAT, "INCRBYFLOAT", "if:f4", "1e5000");
            expect(c, bulk("0.3"), "GET", "if:f4");
            expect(c, bulk("0"), "INCRBYFLOAT", "if:z", "-0");
            expect(c, bulk("0"), "INCRBYFLOAT", "if:z2", "-1e-20");
            expect(c, bulk("0.00000381469726562"), "INCRBYFLOAT", "if:tie", "0.000003814697265625");
            expect(c, bulk("9007199254740993"), "INCRBYFLOAT", "if:big", "9007199254740993");
            expect(c, bulk("9007199254740994"), "INCRBYFLOAT", "if:big", "1");
            expect(c, bulk("0.33333333333333333"), "INCRBYFLOAT", "if:third", "0.3333333333333333333333333");
            expect(c, OK, "SET", "if:s", "abc");
            expect(c, NOT_FLOAT, "INCRBYFLOAT", "if:s", "1");
            expect(c, OK, "SET", "if:s", "9223372036854775807");
            expect(c, bulk("9223372036854775808"), "INCRBYFLOAT", "if:s", "1");
            expect(c, bulk("9223372036854775807.5"), "INCRBYFLOAT", "if:s", "-0.5");
            expect(c, OK, "SET", "if:a", "1");
            expect(c, ":5\r\n", "APPEND", "if:a", ".5e1");
            expect(c, bulk("16"), "INCRBYFLOAT", "if:a", "1");
            expect(c, ":17\r\n", "INCR", "if:a");
        }
    }

    @Test
    void lcs() throws Exception {
        try (RespTestClient c = client()) {
            expect(c, OK, "MSET", "lcs:1", "ohmytext", "lcs:2", "mynewtext");
            expect(c, bulk("mytext"), "LCS", "lcs:1", "lcs:2");
            expect(c, ":6\r\n", "LCS", "lcs:1", "lcs:2", "LEN");
            expect(c, "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n"
                    + "*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n", "LCS", "lcs:1", "lcs:2", "IDX");
            expect(c, "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n",
                    "LCS", "lcs:1", "lcs:2", "idx", "minmatchlen", "4");
            expect(c, "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
                    "LCS", "lcs:1", "lcs:2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN");
            expect(c, bulk("mytext"), "LCS", "lcs:1", "lcs:2", "WITHMATCHLEN");
            expect(c, ":6\r\n", "LCS", "lcs:1", "lcs:2", "LEN", "WITHMATCHLEN");
            String both = "-ERR If you want both the length and indexes, please just use IDX.\r\n";
            expect(c, both, "LCS", "lcs:1", "lcs:2", "LEN", "IDX");
            expect(c, both, "LCS", "lcs:1", "lcs:2", "IDX", "LEN");
            expect(c, SYNTAX, "LCS", "lcs:1", "lcs:2", "MINMATCHLEN");
            expect(c, NOT_INT, "LCS", "lcs:1", "lcs:2", "MINMATCHLEN", "x");
            expect(c, SYNTAX, "LCS", "lcs:1", "lcs:2", "FOO");
            expect(c, SYNTAX, "LCS", "lcs:1", "lcs:2", "LEN", "FOO", "IDX");
            expect(c, EMPTY, "LCS", "lcs:n1", "lcs:n2");
            expect(c, ":0\r\n", "LCS", "lcs:n1", "lcs:n2", "LEN");
            expect(c, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "LCS", "lcs:1", "lcs:n2", "IDX");
            expect(c, OK, "MSET", "lcs:a", "12345", "lcs:b", "2x4");
            expect(c, "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:2\r\n:2\r\n:1\r\n"
                    + "*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:2\r\n",
                    "LCS", "lcs:a", "lcs:b", "IDX", "WITHMATCHLEN");
            expect(c, OK, "MSET", "lcs:a", "abcabc", "lcs:b", "abc");
            expect(c, "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:3\r\n:5\r\n*2\r\n:0\r\n:2\r\n$3\r\nlen\r\n:3\r\n",
                    "LCS", "lcs:a", "lcs:b", "IDX");
            expect(c, "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:2\r\n*2\r\n:3\r\n:5\r\n$3\r\nlen\r\n:3\r\n",
                    "LCS", "lcs:b", "lcs:a", "IDX");

            c.call("HELLO", "3");
            expect(c, "%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n"
                    + "*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n", "LCS", "lcs:1", "lcs:2", "IDX", "WITHMATCHLEN");
            expect(c, "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "LCS", "lcs:n1", "lcs:n2", "IDX");
            expect(c, "_\r\n", "GET", "lcs:nope");
        }
    }

    @Test
    void wrongType() throws Exception {
        putList("wt:list");
        try (RespTestClient c = client()) {
            expect(c, OK, "SET", "wt:s", "ohmytext");
            String[][] refused = {
                {"GET", "wt:list"}, {"GETRANGE", "wt:list", "0", "1"}, {"SUBSTR", "wt:list", "0", "1"},
                {"APPEND", "wt:list", "x"}, {"SETRANGE", "wt:list", "0", "x"}, {"STRLEN", "wt:list"},
                {"INCR", "wt:list"}, {"DECRBY", "wt:list", "2"}, {"INCRBYFLOAT", "wt:list", "1"},
                {"INCRBYFLOAT", "wt:list", "abc"}, {"GETEX", "wt:list"}, {"GETEX", "wt:list", "EX", "0"},
                {"GETDEL", "wt:list"}, {"GETSET", "wt:list", "x"}, {"SET", "wt:list", "x", "GET"},
            };
            for (String[] args : refused) {
                expect(c, WRONGTYPE, args);
            }
            // argument errors come first where Redis parses arguments before the lookup
            expect(c, NOT_INT, "GETRANGE", "wt:list", "x", "1");
            expect(c, NOT_INT, "INCRBY", "wt:list", "x");
            expect(c, "-ERR decrement would overflow\r\n", "DECRBY", "wt:list", "-9223372036854775808");
            expect(c, "-ERR offset is out of range\r\n", "SETRANGE", "wt:list", "-1", "x");
            expect(c, SYNTAX, "GETEX", "wt:list", "FOO");
            String notStrings = "-ERR The specified keys must contain string values\r\n";
            expect(c, notStrings, "LCS", "wt:s", "wt:list");
            expect(c, notStrings, "LCS", "wt:list", "wt:s", "FOO");
            expect(c, notStrings, "LCS", "wt:s", "wt:list", "LEN", "IDX");
            expect(c, "*3\r\n$8\r\nohmytext\r\n$-1\r\n$-1\r\n", "MGET", "wt:s", "wt:list", "wt:nope");
            expect(c, ":0\r\n", "SETNX", "wt:list", "x");
            expect(c, ":0\r\n", "MSETNX", "wt:list", "x");
            expect(c, OK, "SETEX", "wt:list", "10", "x");
            expect(c, bulk("x"), "GET", "wt:list");
        }
    }

    /**
     * Random APPEND / SETRANGE / INCRBY / GETRANGE / STRLEN sequences against a plain model of
     * byte strings (seeded, bounded sizes).
     */
    @Test
    void randomOperationsMatchAModel() throws Exception {
        Random random = new Random(20240607L);
        String[] keys = {"pm:a", "pm:b", "pm:c"};
        java.util.Map<String, byte[]> model = new java.util.HashMap<>();
        try (RespTestClient c = client()) {
            for (int step = 0; step < 3000; step++) {
                String key = keys[random.nextInt(keys.length)];
                byte[] v = model.get(key);
                int op = random.nextInt(6);
                if (op == 0) {
                    String data = randomText(random, 6);
                    byte[] next = concat(v == null ? new byte[0] : v, data.getBytes(StandardCharsets.ISO_8859_1));
                    model.put(key, next);
                    expect(c, ":" + next.length + "\r\n", "APPEND", key, data);
                } else if (op == 1) {
                    int offset = random.nextInt(24);
                    String data = randomText(random, 4);
                    byte[] d = data.getBytes(StandardCharsets.ISO_8859_1);
                    if (d.length > 0) {
                        byte[] cur = v == null ? new byte[0] : v;
                        byte[] next = java.util.Arrays.copyOf(cur, Math.max(cur.length, offset + d.length));
                        System.arraycopy(d, 0, next, offset, d.length);
                        model.put(key, next);
                    }
                    byte[] now = model.get(key);
                    expect(c, ":" + (now == null ? 0 : now.length) + "\r\n", "SETRANGE", key, String.valueOf(offset), data);
                } else if (op == 2) {
                    long by = random.nextInt(2001) - 1000;
                    Long current = v == null ? Long.valueOf(0) : modelInteger(v);
                    if (current == null) {
                        expect(c, NOT_INT, "INCRBY", key, String.valueOf(by));
                    } else {
                        long next = current + by;
                        model.put(key, String.valueOf(next).getBytes(StandardCharsets.ISO_8859_1));
                        expect(c, ":" + next + "\r\n", "INCRBY", key, String.valueOf(by));
                    }
                } else if (op == 3) {
                    int start = random.nextInt(40) - 20;
                    int end = random.nextInt(40) - 20;
                    String expected = bulk(modelRange(v == null ? new byte[0] : v, start, end));
                    expect(c, expected, "GETRANGE", key, String.valueOf(start), String.valueOf(end));
                } else if (op == 4) {
                    expect(c, ":" + (v == null ? 0 : v.length) + "\r\n", "STRLEN", key);
                } else {
                    String s = random.nextBoolean() ? String.valueOf(random.nextInt(200) - 100) : randomText(random, 8);
                    model.put(key, s.getBytes(StandardCharsets.ISO_8859_1));
                    expect(c, OK, "SET", key, s);
                }
            }
            for (String key : keys) {
                byte[] v = model.get(key);
                expect(c, v == null ? NIL : bulk(new String(v, StandardCharsets.ISO_8859_1)), "GET", key);
            }
        }
    }

    private static String randomText(Random random, int maxLength) {
        String alphabet = "ab19-0\u0000";
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(maxLength + 1);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** The model's integer reading: canonical decimal (no '+', no leading zeros, not "-0"). */
    private static Long modelInteger(byte[] v) {
        String s = new String(v, StandardCharsets.ISO_8859_1);
        if (!s.matches("-?[1-9][0-9]{0,18}|0")) {
            return null;
        }
        return Long.parseLong(s);
    }

    /** GETRANGE as documented: negative indexes count from the end; both ends inclusive. */
    private static String modelRange(byte[] v, long start, long end) {
        int n = v.length;
        if (start < 0 && end < 0 && start > end) {
            return "";
        }
        long s = Math.max(0, start < 0 ? n + start : start);
        long e = Math.max(0, end < 0 ? n + end : end);
        e = Math.min(e, n - 1L);
        if (n == 0 || s > e) {
            return "";
        }
        return new String(v, (int) s, (int) (e - s + 1), StandardCharsets.ISO_8859_1);
    }
}
