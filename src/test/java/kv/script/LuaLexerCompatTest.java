package kv.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import kv.engine.EngineHarness;

/**
 * Sources LuaJ's lexer reads otherwise than Redis' Lua 5.1: long brackets containing {@code [[},
 * hexadecimal numerals read by strtod, control characters as tokens. Replies recorded from
 * redis-server 7.0.15 (EVAL of each source).
 */
class LuaLexerCompatTest {
    private static final String COMPILE = "-ERR Error compiling script (new function): user_script:1: ";
    private final EngineHarness e = new EngineHarness();

    private String eval(String source) {
        return e.call("EVAL", source, "0");
    }

    @Test
    void aLongBracketEndsAtTheFirstClosingWhateverItContains() {
        assertEquals("$8\r\n a [[ b \r\n", eval("return [[ a [[ b ]]"));
        assertEquals(COMPILE + "'<eof>' expected near 'c'\r\n", eval("return [[a [[ b ]] c]]"));
        assertEquals(COMPILE + "'=' expected near ']'\r\n", eval("--[[ x [[ y ]] z]] return 1"));
        assertEquals("$9\r\n a [[ b ]\r\n", eval("return [==[ a [[ b ]]==]"));
        assertEquals("$9\r\n a [=[ b \r\n", eval("return [=[ a [=[ b ]=]"));
        assertEquals(COMPILE + "unfinished long string near '<eof>'\r\n", eval("return [[ a [[ b"));
        assertEquals("$3\r\nx]=\r\n", eval("return [[x]=]]"));
        assertEquals("$4\r\nx]=|\r\n", eval("return [[x]=]] .. \"|\""));
        assertEquals(":2\r\n", eval("--[==[ a [[ ]==] return 2"));
        assertEquals("$8\r\n[[ [[ 16\r\n", eval("return \"[[\" .. [[ [[ ]] .. 0x10"));
        assertEquals("-ERR Error compiling script (new function): user_script:2: '<eof>' expected near ']'\r\n",
                eval("return [[\n[[a]]]]"));
    }

    @Test
    void hexadecimalNumeralsAreReadAsStrtodReadsThem() {
        assertEquals("$2\r\n16\r\n", eval("return tostring(0x1p4)"));
        assertEquals(":16\r\n", eval("return 0x1P4"));
        assertEquals(":16\r\n", eval("return 0x10"));
        assertEquals("$3\r\n255\r\n", eval("return tostring(0XfF)"));
        assertEquals("$2\r\n15\r\n", eval("return tostring(0xe+1)"));
        assertEquals("$19\r\n9.2233720368548e+18\r\n", eval("return tostring(0x7fffffffffffffff)"));
        assertEquals("$19\r\n4.7223664828696e+21\r\n", eval("return tostring(0xffffffffffffffffff)"));
        assertEquals("$3\r\n16|\r\n", eval("return 0x1p4 .. '|'"));
        assertEquals(COMPILE + "')' expected near '.8'\r\n", eval("return tostring(0x1.8)"));
        assertEquals(COMPILE + "malformed number near '0x'\r\n", eval("return tostring(0x.8)"));
        assertEquals(COMPILE + "malformed number near '0x'\r\n", eval("return 0x"));
        assertEquals(COMPILE + "malformed number near '0xg'\r\n", eval("return 0xg"));
        assertEquals(COMPILE + "malformed number near '0x1p'\r\n", eval("return 0x1p"));
    }

    @Test
    void decimalNumerals() {
        assertEquals(COMPILE + "malformed number near '1e'\r\n", eval("return 1e"));
        assertEquals(COMPILE + "malformed number near '1e+'\r\n", eval("return 1e+"));
        assertEquals(COMPILE + "malformed number near '1.2.3'\r\n", eval("return 1.2.3"));
        assertEquals(COMPILE + "malformed number near '3..2'\r\n", eval("return tostring(3..2)"));
        assertEquals(COMPILE + "malformed number near '5a'\r\n", eval("return 5a"));
        assertEquals("$3\r\n0.5\r\n", eval("return tostring(.5)"));
        assertEquals("$1\r\n5\r\n", eval("return tostring(.5e1)"));
        assertEquals("$1\r\n5\r\n", eval("return tostring(5.)"));
        assertEquals("$1\r\n8\r\n", eval("return tostring(08)"));
        assertEquals("$1\r\n0\r\n", eval("return tostring(1e-400)"));
        assertEquals("$3\r\ninf\r\n", eval("return tostring(1e308*10)"));
    }

    @Test
    void controlCharactersAreTokensOutsideStrings() {
        assertEquals(COMPILE + "'<eof>' expected near 'char(1)'\r\n", eval("return 1 \u0001"));
        assertEquals(COMPILE + "unexpected symbol near 'char(2)'\r\n", eval("x = 1 \u0002 y = 2"));
        assertEquals(COMPILE + "'<eof>' expected near 'char(127)'\r\n", eval("return x\u007f"));
        // a NUL byte is Lua's token 0, which its message does not name
        assertEquals(COMPILE + "unexpected symbol\r\n", eval("return \u0000"));
        assertEquals("$-1\r\n", eval("return \r"));
        assertEquals("$1\r\n\u0001\r\n", eval("return \"\u0001\""));
        assertEquals(":3\r\n", eval("-- \u0001 comment\nreturn 3"));
    }

    @Test
    void stringsWithLineEndsAndNulBytes() {
        assertEquals(COMPILE + "unfinished string near '\"a'\r\n", eval("return \"a\rb"));
        assertEquals(COMPILE + "unfinished string near '\"a'\r\n", eval("return \"a\nb"));
        assertEquals(COMPILE + "unfinished string near '<eof>'\r\n", eval("return \"a\u0000b"));
        assertEquals(COMPILE + "unfinished string near '<eof>'\r\n", eval("return 'abc"));
        assertEquals(COMPILE + "escape sequence too large near '\"'\r\n", eval("return \"\\300\""));
        assertEquals("$1\r\nq\r\n", eval("return \"\\q\""));
    }
}
