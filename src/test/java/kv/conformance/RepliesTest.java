package kv.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Structural RESP reading and the unordered / shape comparisons. */
class RepliesTest {

    private static byte[] b(String s) {
        return Escapes.unescape(s);
    }

    @Test
    void readsEveryResp3Type() {
        String all = "+OK\\r\\n-ERR x\\r\\n:-5\\r\\n$3\\r\\na\\r\\n\\r\\n$-1\\r\\n*-1\\r\\n_\\r\\n,3.5\\r\\n#t\\r\\n(123\\r\\n"
                + "!3\\r\\nerr\\r\\n=7\\r\\ntxt:abc\\r\\n%1\\r\\n+k\\r\\n:1\\r\\n~2\\r\\n+a\\r\\n+b\\r\\n>2\\r\\n+m\\r\\n+n\\r\\n"
                + "|1\\r\\n+ttl\\r\\n:3\\r\\n*2\\r\\n:1\\r\\n:2\\r\\n*1\\r\\n*1\\r\\n$0\\r\\n\\r\\n";
        List<RespReader.Value> values = RespReader.parseAll(b(all));
        assertEquals(17, values.size());
        assertEquals('$', values.get(3).type);
        assertEquals("$3\r\na\r\n\r\n", new String(values.get(3).raw, StandardCharsets.ISO_8859_1));
        assertEquals(2, values.get(13).children.size());
        // an attribute frame is part of the value that follows it
        assertEquals('*', values.get(15).type);
        assertTrue(new String(values.get(15).raw, StandardCharsets.ISO_8859_1).startsWith("|1\r\n"));
        assertEquals(2, values.get(15).children.size());
    }

    @Test
    void rejectsIncompleteOrUnknown() {
        assertThrows(IllegalArgumentException.class, () -> RespReader.parseAll(b("*2\\r\\n:1\\r\\n")));
        assertThrows(IllegalArgumentException.class, () -> RespReader.parseAll(b("$5\\r\\nab\\r\\n")));
        assertThrows(IllegalArgumentException.class, () -> RespReader.parseAll(b("?x\\r\\n")));
        assertThrows(IllegalArgumentException.class, () -> RespReader.parseAll(b("$3\\r\\nabcde")));
    }

    private static boolean match(String marker, String expected, String actual) {
        Corpus.CorpusFile f = Corpus.parse(Path.of("t.corpus"), "=== t\n" + marker + " X\n< " + expected + "\n");
        Corpus.Exchange e = f.cases.get(0).exchanges.get(0);
        return Replies.matches(e, RespReader.parseAll(e.expected()), RespReader.parseAll(b(actual)));
    }

    @Test
    void unorderedComparisons() {
        String ab = "*2\\r\\n$1\\r\\na\\r\\n$1\\r\\nb\\r\\n";
        String ba = "*2\\r\\n$1\\r\\nb\\r\\n$1\\r\\na\\r\\n";
        String aa = "*2\\r\\n$1\\r\\na\\r\\n$1\\r\\na\\r\\n";
        assertTrue(match(">", ab, ab));
        assertFalse(match(">", ab, ba));
        assertTrue(match(">~", ab, ba));
        assertFalse(match(">~", ab, aa), "multiset, not set");
        assertFalse(match(">~", ab, "~2\\r\\n$1\\r\\nb\\r\\n$1\\r\\na\\r\\n"), "aggregate type must match");
        assertFalse(match(">~", ab, "-ERR x\\r\\n"));

        String scan1 = "*2\\r\\n$1\\r\\n0\\r\\n" + ab;
        String scan2 = "*2\\r\\n$1\\r\\n0\\r\\n" + ba;
        String scan3 = "*2\\r\\n$2\\r\\n17\\r\\n" + ba;
        assertTrue(match(">~2", scan1, scan2));
        assertFalse(match(">~2", scan1, scan3), "cursor is compared exactly");
        assertFalse(match(">~", scan1, scan2), "top level only");

        String kv1 = "*4\\r\\n$1\\r\\na\\r\\n$1\\r\\n1\\r\\n$1\\r\\nb\\r\\n$1\\r\\n2\\r\\n";
        String kv2 = "*4\\r\\n$1\\r\\nb\\r\\n$1\\r\\n2\\r\\n$1\\r\\na\\r\\n$1\\r\\n1\\r\\n";
        String kv3 = "*4\\r\\n$1\\r\\nb\\r\\n$1\\r\\n1\\r\\n$1\\r\\na\\r\\n$1\\r\\n2\\r\\n";
        assertTrue(match(">~kv", kv1, kv2));
        assertFalse(match(">~kv", kv1, kv3), "pairs stay pairs");
        assertTrue(match(">~", "%2\\r\\n+a\\r\\n:1\\r\\n+b\\r\\n:2\\r\\n", "%2\\r\\n+b\\r\\n:2\\r\\n+a\\r\\n:1\\r\\n"));
    }

    @Test
    void shapeComparison() {
        String hello = "%2\\r\\n$2\\r\\nid\\r\\n:5\\r\\n$1\\r\\nv\\r\\n$1\\r\\n1\\r\\n";
        assertTrue(match(">?", hello, "%2\\r\\n$2\\r\\nid\\r\\n:99\\r\\n$1\\r\\nv\\r\\n$1\\r\\n2\\r\\n"));
        assertFalse(match(">?", hello, "%3\\r\\n+a\\r\\n:1\\r\\n+b\\r\\n:2\\r\\n+c\\r\\n:3\\r\\n"));
        assertFalse(match(">?", hello, "*4\\r\\n+a\\r\\n:1\\r\\n+b\\r\\n:2\\r\\n"));
        assertFalse(match(">?", hello, "-NOPROTO x\\r\\n"));
    }
}
