package kv.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import kv.engine.EngineHarness;

/** Number formatting and conversions that the corpus cannot pin down by themselves. */
class LuaConversionTest {
    private final EngineHarness e = new EngineHarness();

    @Test
    void tostringPrintsFourteenSignificantDigits() {
        assertEquals("0.33333333333333", LuaNumbers.format(1.0 / 3));
        assertEquals("1e+15", LuaNumbers.format(1e15));
        assertEquals("123456789012", LuaNumbers.format(123456789012.0));
        assertEquals("-0", LuaNumbers.format(-0.0));
        assertEquals("1e-05", LuaNumbers.format(0.00001));
        assertEquals("0.0001", LuaNumbers.format(0.0001));
        assertEquals("inf", LuaNumbers.format(Double.POSITIVE_INFINITY));
    }

    @Test
    void numbersBecomeIntegersLikeACCast() {
        assertEquals(3, LuaNumbers.truncate(3.99));
        assertEquals(-3, LuaNumbers.truncate(-3.7));
        assertEquals(Long.MIN_VALUE, LuaNumbers.truncate(1e300));
        assertEquals(Long.MIN_VALUE, LuaNumbers.truncate(Double.NaN));
    }

    @Test
    void numericArgumentsUseTheShortestRoundTripForm() {
        // Redis 7.2 prints them with fpconv_dtoa (7.0: %.17g, "0.10000000000000001")
        e.call("EVAL", "redis.call('set', 'k', 0.1)", "0");
        assertEquals("$3\r\n0.1\r\n", e.call("GET", "k"));
        e.call("EVAL", "redis.call('set', 'k', 1.5e-7)", "0");
        assertEquals("$7\r\n1.5e-07\r\n", e.call("GET", "k"));
    }

    @Test
    void binaryValuesRoundTrip() {
        e.call("SET", "bin", "\u0000\u00ff");
        assertEquals(e.call("GET", "bin"), e.call("EVAL", "return redis.call('get', 'bin')", "0"));
    }

    @Test
    void compileErrorsNameTheLine() {
        String reply = e.call("EVAL", "return (", "0");
        assertTrue(reply.startsWith("-ERR Error compiling script (new function): user_script:1: unexpected symbol"), reply);
    }

    @Test
    void binaryChunksAreRefused() {
        assertEquals("-ERR Error compiling script (new function): user_script: binary chunks are not allowed\r\n",
                e.call("EVAL", "\u001bLua", "0"));
        assertEquals("$-1\r\n", e.call("EVAL", "return loadstring(string.char(27) .. 'Lua')", "0"));
    }

    @Test
    void scriptFlushForgetsScripts() {
        String sha = e.call("SCRIPT", "LOAD", "return 7").split("\r\n")[1];
        assertEquals(":7\r\n", e.call("EVALSHA", sha, "0"));
        e.call("SCRIPT", "FLUSH");
        assertEquals("-NOSCRIPT No matching script. Please use EVAL.\r\n", e.call("EVALSHA", sha, "0"));
    }

    @Test
    void deepRecursionIsAnErrorNotACrash() {
        String reply = e.call("EVAL", "local function f(n) return 1 + f(n + 1) end return f(1)", "0");
        assertEquals("-ERR ", reply.substring(0, 5));
    }
}
