package kv.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks the corpus files and the format machinery without any server. */
class CorpusFormatTest {

    @Test
    void allCorpusFilesParseAndHaveEnoughExchanges() throws Exception {
        List<Corpus.CorpusFile> files = CorpusFiles.loadAll();
        assertTrue(files.size() >= 8, "expected the corpus files, found " + files.size());
        int total = 0;
        for (Corpus.CorpusFile f : files) {
            assertFalse(f.cases.isEmpty(), f.name + " has no case");
            for (Corpus.Case c : f.cases) {
                assertFalse(c.exchanges.isEmpty(), f.name + ": case '" + c.name + "' has no command");
                for (Corpus.Exchange e : c.exchanges) {
                    assertNotNull(e.target(), f.name + ":" + e.line() + " has no expected reply");
                    total++;
                }
            }
        }
        assertTrue(total >= 650, "only " + total + " exchanges");
    }

    @Test
    void replyLinesAreCanonicalAndCommandLinesRoundTrip() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Corpus.CorpusFile f : CorpusFiles.loadAll()) {
            for (Corpus.Case c : f.cases) {
                for (Corpus.Exchange e : c.exchanges) {
                    for (int idx : new int[] {e.expectedLine(), e.expected72Line()}) {
                        if (idx < 0) {
                            continue;
                        }
                        String line = f.lines.get(idx);
                        String payload = line.startsWith("<72") ? line.substring(3) : line.substring(1);
                        payload = payload.isEmpty() ? payload : payload.substring(1);
                        if (!Escapes.escape(Escapes.unescape(payload)).equals(payload)) {
                            problems.add(f.name + ":" + (idx + 1) + " reply not in canonical escaped form");
                        }
                    }
                    if (!e.raw) {
                        String body = e.source.substring(e.source.indexOf(' ') + 1);
                        List<byte[]> args = Escapes.splitArgs(body);
                        List<byte[]> again = Escapes.splitArgs(Escapes.joinArgs(args));
                        if (!same(args, again)) {
                            problems.add(f.name + ":" + e.line() + " arguments do not round-trip");
                        }
                    } else if (!Escapes.escape(e.request).equals(e.source.substring(3))) {
                        problems.add(f.name + ":" + e.line() + " raw request not in canonical escaped form");
                    }
                    if (e.expected72() != null && !commentAbove(f, e)) {
                        problems.add(f.name + ":" + e.line() + " <72 expectation without a # comment naming the change");
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static boolean commentAbove(Corpus.CorpusFile f, Corpus.Exchange e) {
        return isComment(f, e.lineIndex - 1) || isComment(f, e.expected72Line() - 1);
    }

    private static boolean isComment(Corpus.CorpusFile f, int idx) {
        return idx >= 0 && f.lines.get(idx).startsWith("#");
    }

    private static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void escapeRoundTripsEveryByte() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        String text = Escapes.escape(all);
        for (char ch : text.toCharArray()) {
            assertTrue(ch >= 0x20 && ch <= 0x7e, "escaped text must be printable ASCII");
        }
        assertArrayEquals(all, Escapes.unescape(text));
        assertEquals("$3\\r\\nb\\\\r\\r\\n\\x00\\xff",
                Escapes.escape(concat("$3\r\nb\\r\r\n".getBytes(StandardCharsets.ISO_8859_1), new byte[] {0, (byte) 0xff})));
        assertThrows(IllegalArgumentException.class, () -> Escapes.unescape("bad \\q escape"));
        assertThrows(IllegalArgumentException.class, () -> Escapes.unescape("dangling \\"));
        assertThrows(IllegalArgumentException.class, () -> Escapes.unescape("\\x4"));
        assertThrows(IllegalArgumentException.class, () -> Escapes.unescape("caf\u00e9"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void argumentsFollowRedisCliQuoting() {
        List<byte[]> args = Escapes.splitArgs("SET  \"a \\\"b\\\"\\x00\\n\" 'it\\'s \\n' plain \"\"");
        assertEquals(5, args.size());
        assertEquals("SET", new String(args.get(0), StandardCharsets.ISO_8859_1));
        assertEquals("a \"b\"\u0000\n", new String(args.get(1), StandardCharsets.ISO_8859_1));
        assertEquals("it's \\n", new String(args.get(2), StandardCharsets.ISO_8859_1));
        assertEquals("plain", new String(args.get(3), StandardCharsets.ISO_8859_1));
        assertEquals(0, args.get(4).length);
        assertThrows(IllegalArgumentException.class, () -> Escapes.splitArgs("ECHO \"open"));
        assertThrows(IllegalArgumentException.class, () -> Escapes.splitArgs("ECHO \"a\"b"));
        assertEquals("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
                new String(Escapes.multibulk(Escapes.splitArgs("ECHO \"\"")), StandardCharsets.ISO_8859_1));
    }

    @Test
    void parserRejectsMalformedFiles() {
        String[] bad = {
            "> PING\n< +PONG\\r\\n\n",                                  // command before any case
            "=== a\n> PING\n",                                           // no reply line
            "=== a\n< +PONG\\r\\n\n",                                    // reply without command
            "=== a\n> PING\n< +PONG\\r\\n\n< +PONG\\r\\n\n",             // two replies
            "=== a\n> PING\n< +PONG\\r\\n\n<close\n> PING\n< +PONG\\r\\n\n", // command after close
            "=== a\n> PING\n< $5\\r\\nab\\r\\n\n",                       // incomplete RESP
            "=== a\n> PING\n< +PONG\\q\n",                               // bad escape
            "=== a\n>~0 KEYS *\n< *0\\r\\n\n",                           // nested index 0
            "=== a\n> \"open\n< +OK\\r\\n\n",                            // unbalanced quote
            "=== a\n> PING\n< +PONG\\r\\n\n=== a\n> PING\n< +PONG\\r\\n\n", // duplicate case
            "=== a\n>> PING\n< +PONG\\r\\n\n",                           // unknown marker
            "=== a\nPING\n",                                             // stray text
        };
        for (String text : bad) {
            assertThrows(Corpus.FormatException.class, () -> Corpus.parse(Path.of("t.corpus"), text), text);
        }
    }

    @Test
    void parserReadsAllMarkers() {
        String text = "# c\n\n=== one\n> SET k \"v v\"\n< +OK\\r\\n\n>~ KEYS *\n< *1\\r\\n$1\\r\\nk\\r\\n\n"
                + ">~2 SCAN 0\n< *2\\r\\n$1\\r\\n0\\r\\n*0\\r\\n\n>~kv CONFIG GET x\n< *0\\r\\n\n"
                + ">? HELLO 3\n< %0\\r\\n\n# 7.2 change\n> CLIENT NO-TOUCH ON\n<72 +OK\\r\\n\n"
                + ">! PING\\r\\n\n< +PONG\\r\\n\n> CLIENT REPLY OFF\n<\n> QUIT\n< +OK\\r\\n\n<close\n";
        Corpus.CorpusFile f = Corpus.parse(Path.of("t.corpus"), text);
        assertEquals(1, f.cases.size());
        List<Corpus.Exchange> ex = f.cases.get(0).exchanges;
        assertEquals(9, ex.size());
        assertEquals(Corpus.Compare.EXACT, ex.get(0).compare);
        assertEquals("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv v\r\n", new String(ex.get(0).request, StandardCharsets.ISO_8859_1));
        assertEquals(Corpus.Compare.UNORDERED, ex.get(1).compare);
        assertEquals(Corpus.Compare.UNORDERED_NESTED, ex.get(2).compare);
        assertEquals(2, ex.get(2).nestedIndex);
        assertEquals(Corpus.Compare.UNORDERED_PAIRS, ex.get(3).compare);
        assertEquals(Corpus.Compare.SHAPE, ex.get(4).compare);
        assertEquals(null, ex.get(5).expected());
        assertEquals("+OK\r\n", new String(ex.get(5).expected72(), StandardCharsets.ISO_8859_1));
        assertTrue(ex.get(6).raw);
        assertEquals("PING\r\n", new String(ex.get(6).request, StandardCharsets.ISO_8859_1));
        assertEquals(0, ex.get(7).target().length);
        assertTrue(ex.get(8).close());
        assertEquals(4, ex.get(0).line());
    }
}
