package kv.script;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import kv.engine.EngineHarness;
import kv.util.Doubles;

/**
 * math.random's sequence, compile errors with Lua 5.1's "near" and the number conversion of
 * redis.call arguments; expected values recorded from redis-server 7.0.15.
 */
class ScriptLeftoversTest {
    /** A fresh server's first draws (recorded after starting redis-server twice: the same both times). */
    @Test
    void aFreshServerDrawsRedisSequence() {
        EngineHarness e = new EngineHarness();
        assertEquals("*2\r\n" + bulk("0.39646477363839") + bulk("0.84048536971234"),
                e.call("EVAL", "return {tostring(math.random()),tostring(math.random())}", "0"));
        // the state carries over to the next script, SCRIPT FLUSH included, and to functions
        e.call("SCRIPT", "FLUSH");
        assertEquals(bulk("0.35333609737146"), e.call("EVAL", "return tostring(math.random())", "0"));
    }

    private static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    @Test
    void randomseedRestartsTheSequence() {
        EngineHarness e = new EngineHarness();
        assertEquals("*3\r\n" + bulk("0.74452500033403") + bulk("35") + bulk("3"), e.call("EVAL",
                "math.randomseed(42); return {tostring(math.random()),tostring(math.random(100)), tostring(math.random(3,7))}", "0"));
        assertEquals(bulk("0.17082803611217"), e.call("EVAL", "math.randomseed(0); return tostring(math.random())", "0"));
        assertEquals(bulk("0.041630344484761"), e.call("EVAL", "math.randomseed(1.7); return tostring(math.random())", "0"));
        assertEquals(bulk("0.55842111006306"), e.call("EVAL", "math.randomseed(-3); return tostring(math.random())", "0"));
        assertEquals(bulk("0.6204557403086"), e.call("EVAL", "math.randomseed('12'); return tostring(math.random())", "0"));
        e.call("EVAL", "math.randomseed(7) return 1", "0");
        e.call("FUNCTION", "LOAD", "#!lua name=rl\nredis.register_function('r', function() return tostring(math.random()) end)");
        assertEquals(bulk("0.26644419658298"), e.call("FCALL", "r", "0"));
        e.call("SCRIPT", "FLUSH");
        assertEquals(bulk("0.68203523041775"), e.call("FCALL", "r", "0"));
    }

    @Test
    void randomArgumentErrors() {
        EngineHarness e = new EngineHarness();
        // Lua names the function by its call site ('?' under pcall, a local's name); KV always says 'random'
        String suffix = " script: ";
        String error = e.call("EVAL", "return math.random(1,2,3)", "0");
        assertEquals("-ERR user_script:1: wrong number of arguments" + suffix, error.substring(0, error.indexOf(suffix) + suffix.length()));
        error = e.call("EVAL", "return math.random(5, 1)", "0");
        assertEquals("-ERR user_script:1: bad argument #2 to 'random' (interval is empty)" + suffix,
                error.substring(0, error.indexOf(suffix) + suffix.length()));
        error = e.call("EVAL", "return math.randomseed()", "0");
        assertEquals("-ERR user_script:1: bad argument #1 to 'randomseed' (number expected, got no value)" + suffix,
                error.substring(0, error.indexOf(suffix) + suffix.length()));
    }

    @Test
    void compileErrorsNameTheTokenAsLua51() {
        EngineHarness e = new EngineHarness();
        String prefix = "-ERR Error compiling script (new function): user_script:";
        assertEquals(prefix + "1: '=' expected near 'y'\r\n", e.call("EVAL", "x y", "0"));
        assertEquals(prefix + "1: '<eof>' expected near '2'\r\n", e.call("EVAL", "return 1 2", "0"));
        assertEquals(prefix + "2: 'end' expected (to close 'if' at line 1) near '<eof>'\r\n", e.call("EVAL", "if x then\nreturn 1", "0"));
        assertEquals(prefix + "1: unfinished string near ''abc'\r\n", e.call("EVAL", "return 'abc\ndef'", "0"));
        assertEquals(prefix + "1: malformed number near '1.2.3'\r\n", e.call("EVAL", "return 1.2.3", "0"));
        assertEquals(prefix + "1: malformed number near '0x'\r\n", e.call("EVAL", "return 0x", "0"));
        assertEquals(prefix + "1: escape sequence too large near '''\r\n", e.call("EVAL", "return '\\300'", "0"));
        assertEquals(prefix + "4: '}' expected (to close '{' at line 1) near 'c'\r\n",
                e.call("EVAL", "local t = {\n a = 1,\n b = 2\n c = 3}", "0"));
        // a shebang line stays line 1
        assertEquals(prefix + "2: '=' expected near '<eof>'\r\n", e.call("EVAL", "#!lua\nx", "0"));
        assertEquals("-ERR Error compiling function: user_function:2: '=' expected near '<eof>'\r\n",
                e.call("FUNCTION", "LOAD", "#!lua name=bad\nx"));
    }

    @Test
    void numbersPassedToCommandsUseTheShortestForm() {
        for (double d : new double[] {0, -0.0, 1, -1, 60000, 1e15, 9007199254740991.0, 9007199254740992.0, 1e17, 0.1, 1.5, -2.25e-5,
                123456789012345678.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertArrayEquals(Doubles.format(d).getBytes(StandardCharsets.US_ASCII), LuaNumbers.commandArgument(d), Double.toString(d));
        }
    }

    /** EVALSHA's lookup cache answers like the script table: any case, nothing after SCRIPT FLUSH. */
    @Test
    void evalshaLookupIgnoresCaseAndForgetsOnFlush() {
        EngineHarness e = new EngineHarness();
        String sha = e.call("SCRIPT", "LOAD", "return 7").split("\r\n")[1];
        String noscript = "-NOSCRIPT No matching script. Please use EVAL.\r\n";
        assertEquals(":7\r\n", e.call("EVALSHA", sha, "0"));
        assertEquals(":7\r\n", e.call("EVALSHA", sha.toUpperCase(java.util.Locale.ROOT), "0"));
        assertEquals(":7\r\n", e.call("EVALSHA", sha, "0"));
        // a digit's lower bits under a control character must not match
        char[] odd = sha.toCharArray();
        for (int i = 0; i < odd.length; i++) {
            if (Character.isDigit(odd[i])) {
                odd[i] = (char) (odd[i] - 0x20);
                break;
            }
        }
        assertEquals(noscript, e.call("EVALSHA", new String(odd), "0"));
        assertEquals(noscript, e.call("EVALSHA", sha.substring(1), "0"));
        e.call("SCRIPT", "FLUSH");
        assertEquals(noscript, e.call("EVALSHA", sha, "0"));
        e.call("SCRIPT", "LOAD", "return 7");
        assertEquals(":7\r\n", e.call("EVALSHA", sha, "0"));
    }
}
