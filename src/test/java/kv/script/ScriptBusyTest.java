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
}
