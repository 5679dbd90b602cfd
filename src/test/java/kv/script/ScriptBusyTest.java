package kv.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.io.IOException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.server.RespServer;

/**
 * A script past busy-reply-threshold keeps the data thread, yet other (already connected) clients
 * are served from its hook: BUSY for everything but SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE
 * (and the transaction commands), and a script that wrote cannot be killed.
 */
@QuarkusTest
class ScriptBusyTest {
    private static final String BUSY_EVAL = "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";
    private static final String BUSY_FUNCTION = "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n";

    @Inject
    RespServer server;

    @AfterEach
    void restore() throws IOException {
        try (RespTestClient admin = new RespTestClient(server.port())) {
            admin.call("CONFIG", "SET", "busy-reply-threshold", "5000");
            admin.call("FUNCTION", "FLUSH");
        }
    }

    /** Polls with GET until the server answers {@code expected}: the script has passed its time limit. */
    private static void awaitBusy(RespTestClient other, String expected) throws IOException {
        String reply = other.call("GET", "x");
        for (int i = 0; i < 200 && !reply.equals(expected); i++) {
            reply = other.call("GET", "x");
        }
        assertEquals(expected, reply);
    }

    @Test
    void scriptKillEndsAReadOnlyScript() throws IOException {
        try (RespTestClient a = new RespTestClient(server.port()).timeout(20_000);
                RespTestClient b = new RespTestClient(server.port()).timeout(20_000)) {
            assertEquals("+OK\r\n", b.call("CONFIG", "SET", "busy-reply-threshold", "100"));
            a.send(RespTestClient.encode("EVAL", "local i = 0 while true do i = i + 1 end", "0"));
            awaitBusy(b, BUSY_EVAL);
            assertEquals(BUSY_EVAL, b.call("PING"));
            assertEquals(BUSY_EVAL, b.call("FUNCTION", "KILL"));
            assertEquals(BUSY_EVAL, b.call("FUNCTION", "STATS"));
            assertEquals("+OK\r\n", b.call("MULTI"));
            assertEquals(BUSY_EVAL, b.call("SET", "x", "1"));
            assertEquals("+OK\r\n", b.call("DISCARD"));
            assertEquals("+OK\r\n", b.call("SCRIPT", "KILL"));
            String killed = a.readReply();
            assertTrue(killed.startsWith("-ERR Script killed by user with SCRIPT KILL... script: "), killed);
            assertTrue(killed.endsWith(", on @user_script:1.\r\n"), killed);
            assertEquals("+PONG\r\n", b.call("PING"));
            assertEquals("-NOTBUSY No scripts in execution right now.\r\n", b.call("SCRIPT", "KILL"));
        }
    }

    @Test
    void aScriptThatWroteIsUnkillable() throws IOException {
        try (RespTestClient a = new RespTestClient(server.port()).timeout(20_000);
                RespTestClient b = new RespTestClient(server.port()).timeout(20_000)) {
            assertEquals("+OK\r\n", b.call("CONFIG", "SET", "busy-reply-threshold", "100"));
            // writes, then spins for two seconds of real time
            a.send(RespTestClient.encode("EVAL", "redis.call('set', 'w', 1) local start = tonumber(redis.call('time')[1]) "
                    + "while tonumber(redis.call('time')[1]) < start + 2 do end return 'done'", "0"));
            awaitBusy(b, BUSY_EVAL);
            assertEquals("-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either "
                    + "wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n",
                    b.call("SCRIPT", "KILL"));
            assertEquals("$4\r\ndone\r\n", a.readReply());
            assertEquals("$1\r\n1\r\n", b.call("GET", "w"));
        }
    }

    @Test
    void functionKillEndsAFunction() throws IOException {
        try (RespTestClient a = new RespTestClient(server.port()).timeout(20_000);
                RespTestClient b = new RespTestClient(server.port()).timeout(20_000)) {
            assertEquals("$4\r\nbusy\r\n", b.call("FUNCTION", "LOAD",
                    "#!lua name=busy\nredis.register_function('spin', function() local i = 0 while true do i = i + 1 end end)"));
            assertEquals("+OK\r\n", b.call("CONFIG", "SET", "busy-reply-threshold", "100"));
            a.send(RespTestClient.encode("FCALL", "spin", "0"));
            awaitBusy(b, BUSY_FUNCTION);
            assertEquals(BUSY_FUNCTION, b.call("SCRIPT", "KILL"));
            String stats = b.call("FUNCTION", "STATS");
            assertTrue(stats.startsWith("*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n*3\r\n"), stats);
            assertEquals("+OK\r\n", b.call("FUNCTION", "KILL"));
            assertEquals("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n", a.readReply());
        }
    }

    @Test
    void aFastScriptNeverMakesOthersBusy() throws IOException {
        try (RespTestClient a = new RespTestClient(server.port())) {
            assertEquals(":5000050000\r\n", a.call("EVAL", "local s = 0 for i = 1, 100000 do s = s + i end return s", "0"));
            assertEquals("+PONG\r\n", a.call("PING"));
        }
    }

    /** A loop inside a coroutine (its own Java thread in LuaJ) is under the same limit and kill. */
    @Test
    void scriptKillEndsALoopInsideACoroutine() throws IOException {
        String[] scripts = {
            "local co = coroutine.create(function() while true do end end) return {coroutine.resume(co)}",
            "local co = coroutine.wrap(function() while true do end end) co() return 1",
            // a coroutine resumed by a coroutine: the preemption goes up the chain
            "local outer = coroutine.wrap(function() local inner = coroutine.create(function() while true do end end) "
                    + "coroutine.resume(inner) end) outer() return 1",
        };
        for (String script : scripts) {
            try (RespTestClient a = new RespTestClient(server.port()).timeout(20_000);
                    RespTestClient b = new RespTestClient(server.port()).timeout(20_000)) {
                assertEquals("+OK\r\n", b.call("CONFIG", "SET", "busy-reply-threshold", "100"));
                a.send(RespTestClient.encode("EVAL", script, "0"));
                awaitBusy(b, BUSY_EVAL);
                assertEquals("+OK\r\n", b.call("SCRIPT", "KILL"));
                String killed = a.readReply();
                assertTrue(killed.startsWith("-ERR Script killed by user with SCRIPT KILL... script: "), script + " -> " + killed);
                assertEquals("+PONG\r\n", b.call("PING"));
                // coroutines keep working after a kill
                assertEquals("*2\r\n:1\r\n:7\r\n", a.call("EVAL",
                        "local co = coroutine.create(function(x) local y = coroutine.yield(x + 1) return y end) "
                                + "local _, a = coroutine.resume(co, 6) local _, b = coroutine.resume(co, 7) return {a > 6 and 1 or 0, b}", "0"));
            }
        }
    }

    /** A long coroutine under the limit runs to its end: preemptions are invisible to the script. */
    @Test
    void preemptedCoroutinesFinishWithTheirResults() throws IOException {
        try (RespTestClient a = new RespTestClient(server.port())) {
            assertEquals("*3\r\n:1\r\n:5000050000\r\n$4\r\ndead\r\n", a.call("EVAL",
                    "local co = coroutine.create(function() local s = 0 for i = 1, 100000 do s = s + i end return s end) "
                            + "local ok, s = coroutine.resume(co) return {ok and 1 or 0, s, coroutine.status(co)}", "0"));
            assertEquals("*3\r\n:1\r\n:2\r\n:3\r\n", a.call("EVAL",
                    "local gen = coroutine.wrap(function() for i = 1, 3 do for j = 1, 5000 do end coroutine.yield(i) end end) "
                            + "return {gen(), gen(), gen()}", "0"));
        }
    }

    /**
     * A connection opened while a script is busy is accepted from the script's hook, as Redis
     * accepts it from its event processing while blocked: it gets BUSY and may kill the script.
     */
    @Test
    void aConnectionOpenedWhileBusyCanKillTheScript() throws IOException {
        try (RespTestClient a = new RespTestClient(server.port()).timeout(20_000);
                RespTestClient b = new RespTestClient(server.port()).timeout(20_000)) {
            assertEquals("+OK\r\n", b.call("CONFIG", "SET", "busy-reply-threshold", "100"));
            a.send(RespTestClient.encode("EVAL", "while true do end", "0"));
            awaitBusy(b, BUSY_EVAL);
            try (RespTestClient late = new RespTestClient(server.port()).timeout(5_000)) {
                assertEquals(BUSY_EVAL, late.call("PING"));
                assertEquals("+OK\r\n", late.call("WATCH", "x"));
                assertEquals("+OK\r\n", late.call("SCRIPT", "KILL"));
                assertTrue(a.readReply().startsWith("-ERR Script killed by user with SCRIPT KILL..."));
                assertEquals("+PONG\r\n", late.call("PING"));
            } finally {
                killIfBusy(b);
            }
        }
    }

    /** With requirepass, the new connection must authenticate first, as in Redis (recorded from redis-server 7.0.15). */
    @Test
    void aConnectionOpenedWhileBusyAuthenticatesFirst() throws IOException {
        try (RespTestClient a = new RespTestClient(server.port()).timeout(20_000);
                RespTestClient b = new RespTestClient(server.port()).timeout(20_000)) {
            assertEquals("+OK\r\n", b.call("CONFIG", "SET", "busy-reply-threshold", "100"));
            assertEquals("+OK\r\n", b.call("CONFIG", "SET", "requirepass", "secret"));
            try {
                a.send(RespTestClient.encode("AUTH", "secret"));
                assertEquals("+OK\r\n", a.readReply());
                a.send(RespTestClient.encode("EVAL", "while true do end", "0"));
                assertEquals("+OK\r\n", b.call("AUTH", "secret"));
                awaitBusy(b, BUSY_EVAL);
                try (RespTestClient late = new RespTestClient(server.port()).timeout(5_000)) {
                    assertEquals("-NOAUTH Authentication required.\r\n", late.call("PING"));
                    assertEquals("-NOAUTH Authentication required.\r\n", late.call("SCRIPT", "KILL"));
                    assertEquals("-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
                            + "<user> <pass> option can be used to authenticate the client and select the RESP protocol version "
                            + "at the same time\r\n", late.call("HELLO"));
                    assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n", late.call("AUTH", "wrong"));
                    String hello = late.call("HELLO", "3", "AUTH", "default", "secret");
                    assertTrue(hello.startsWith("%7\r\n$6\r\nserver\r\n"), hello);
                    assertEquals(BUSY_EVAL, late.call("PING"));
                    assertEquals("+OK\r\n", late.call("SCRIPT", "KILL"));
                    assertTrue(a.readReply().startsWith("-ERR Script killed by user with SCRIPT KILL..."));
                } finally {
                    killIfBusy(b);
                }
            } finally {
                b.call("AUTH", "secret");
                b.call("CONFIG", "SET", "requirepass", "");
            }
        }
    }

    @Test
    void aConnectionOpenedWhileAFunctionIsBusyCanKillIt() throws IOException {
        try (RespTestClient a = new RespTestClient(server.port()).timeout(20_000);
                RespTestClient b = new RespTestClient(server.port()).timeout(20_000)) {
            assertEquals("$4\r\nbusy\r\n", b.call("FUNCTION", "LOAD",
                    "#!lua name=busy\nredis.register_function('spin', function() while true do end end)"));
            assertEquals("+OK\r\n", b.call("CONFIG", "SET", "busy-reply-threshold", "100"));
            a.send(RespTestClient.encode("FCALL", "spin", "0"));
            awaitBusy(b, BUSY_FUNCTION);
            try (RespTestClient late = new RespTestClient(server.port()).timeout(5_000)) {
                assertEquals(BUSY_FUNCTION, late.call("PING"));
                assertEquals(BUSY_FUNCTION, late.call("SCRIPT", "KILL"));
                assertEquals("+OK\r\n", late.call("FUNCTION", "KILL"));
                assertEquals("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n", a.readReply());
            } finally {
                killIfBusy(b);
            }
        }
    }

    /** After a failed assertion: a script left running would make every later test wait. */
    private static void killIfBusy(RespTestClient admin) throws IOException {
        admin.call("SCRIPT", "KILL");
        admin.call("FUNCTION", "KILL");
    }

    /** FUNCTION LOAD stops a library whose code runs past Redis' 500 ms load limit (recorded from redis-server 7.0.15). */
    @Test
    void functionLoadTimesOut() throws IOException {
        try (RespTestClient a = new RespTestClient(server.port()).timeout(20_000)) {
            assertEquals("-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n",
                    a.call("FUNCTION", "LOAD", "#!lua name=inf\nwhile true do end"));
            assertEquals("-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n",
                    a.call("FUNCTION", "LOAD", "#!lua name=inf\nlocal i = 0 while true do i = i + 1 end"));
            assertEquals("*0\r\n", a.call("FUNCTION", "LIST"));
            assertEquals("$2\r\nok\r\n", a.call("FUNCTION", "LOAD",
                    "#!lua name=ok\nlocal s = 0 for i = 1, 10000 do s = s + i end redis.register_function('f', function() return s end)"));
            assertEquals(":50005000\r\n", a.call("FCALL", "f", "0"));
        }
    }
}
