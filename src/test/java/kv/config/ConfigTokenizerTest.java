package kv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class ConfigTokenizerTest {

    private static List<String> split(String s) throws ConfigException {
        return ConfigTokenizer.split(s);
    }

    @Test
    void plainWords() throws Exception {
        assertEquals(List.of("port", "7000"), split("port 7000"));
        assertEquals(List.of("save", "900", "1"), split("  save\t900   1  "));
        assertEquals(List.of(), split("   "));
        assertEquals(List.of(), split(""));
    }

    @Test
    void doubleQuotes() throws Exception {
        assertEquals(List.of("requirepass", "a b"), split("requirepass \"a b\""));
        assertEquals(List.of("save", ""), split("save \"\""));
        assertEquals(List.of("x", "\n\r\t\b\u0007\\\"q"), split("x \"\\n\\r\\t\\b\\a\\\\\\\"\\q\""));
        assertEquals(List.of("x", "\u00ff\u0001A"), split("x \"\\xff\\x01\\x41\""));
        assertEquals(List.of("x", "xzz"), split("x \"\\xzz\""), "bad hex: the backslash just escapes the x");
        assertEquals(List.of("abc d"), split("ab\"c d\""), "a quote may open mid-word");
    }

    @Test
    void singleQuotes() throws Exception {
        assertEquals(List.of("x", "it's"), split("x 'it\\'s'"));
        assertEquals(List.of("x", "a\\nb"), split("x 'a\\nb'"), "no other escapes");
        assertEquals(List.of("x", ""), split("x ''"));
    }

    @Test
    void unbalanced() {
        // redis-server 7.0.15: "Unbalanced quotes in configuration line" for both
        for (String bad : new String[] {"port \"7202", "port \"7202\"x", "x 'abc", "x 'a'b", "x \"a\\"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> split(bad), bad);
            assertEquals("Unbalanced quotes in configuration line", e.getMessage());
        }
    }

    @Test
    void quoteRoundTrips() throws Exception {
        String v = "a\"b\\n\u0001\u00ff \t";
        assertEquals("\"a\\\"b\\\\n\\x01\\xff \\t\"", ConfigTokenizer.quote(v));
        assertEquals(List.of(v), split(ConfigTokenizer.quote(v)));
    }
}
