package kv.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class GlobTest {

    private static boolean m(String p, String s) {
        return Glob.match(p, s, false);
    }

    private static boolean mi(String p, String s) {
        return Glob.match(p, s, true);
    }

    @Test
    void basics() {
        assertTrue(m("abc", "abc"));
        assertFalse(m("abc", "abd"));
        assertFalse(m("abc", "ab"));
        assertFalse(m("ab", "abc"));
        assertTrue(m("a*", "a"));
        assertTrue(m("a*", "abc"));
        assertTrue(m("*c", "abc"));
        assertTrue(m("a*c", "ac"));
        assertTrue(m("a*c", "abbbc"));
        assertFalse(m("a*c", "abbbd"));
        assertTrue(m("h?llo", "hello"));
        assertFalse(m("h?llo", "hllo"));
        assertTrue(m("h*llo", "hllo"));
        assertTrue(m("**", "x"));
        assertTrue(m("a**b", "ab"));
        assertTrue(m("*maxmem*", "maxmemory-policy"));
    }

    @Test
    void classes() {
        assertTrue(m("h[ae]llo", "hello"));
        assertTrue(m("h[ae]llo", "hallo"));
        assertFalse(m("h[ae]llo", "hillo"));
        assertTrue(m("h[^e]llo", "hallo"));
        assertFalse(m("h[^e]llo", "hello"));
        assertTrue(m("h[a-b]llo", "hbllo"));
        assertFalse(m("h[a-b]llo", "hcllo"));
        assertTrue(m("h[z-a]llo", "hqllo"), "reversed range");
        assertTrue(m("[\\]]", "]"));
        assertTrue(m("a[\\]]", "a]"));
        assertTrue(m("[^]", "x"), "[^] matches any byte");
        assertFalse(m("[]b", "ab"), "empty class never matches");
        assertTrue(m("[^]b", "ab"));
    }

    /** Facts recorded from redis-server 7.0.15 (KEYS over keys "", "ab", "ab\\", "a]", "aXb"). */
    @Test
    void redisQuirks() {
        assertFalse(m("**", ""), "KEYS ** does not return the empty key");
        assertFalse(m("*", ""), "only the KEYS/SCAN shortcut makes * match the empty key");
        assertTrue(m("", ""));
        assertTrue(Glob.isMatchAll("*".getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(m("a[b", "ab"), "unterminated class runs to the end");
        assertFalse(m("[a-]b", "ab"), "[a-]b is one unterminated class");
        assertFalse(m("[a-]]", "a]"), "[a-]] is one class token: one byte only");
        assertTrue(m("[a-]]", "a"));
        assertTrue(m("a[x-]b", "a]"));
        assertTrue(m("a[x-]b", "ab"), "the 'b' belongs to the unterminated class");
        assertTrue(m("ab\\", "ab\\"), "trailing backslash is literal");
        assertFalse(m("ab\\", "ab"));
        assertTrue(m("a[^x]b", "aXb"));
        assertFalse(m("[a-]Xb", "aXb"));
    }

    @Test
    void escapes() {
        assertTrue(m("a\\*b", "a*b"));
        assertFalse(m("a\\*b", "axb"));
        assertTrue(m("a\\?", "a?"));
        assertFalse(m("a\\?", "ab"));
        assertTrue(m("\\[x]", "[x]"));
    }

    @Test
    void nocase() {
        assertTrue(mi("HeLLo", "hello"));
        assertTrue(mi("h[A-Z]llo", "hello"));
        assertTrue(mi("h[E]llo", "hello"));
        assertTrue(mi("MAXMEM*", "maxmemory"));
        assertFalse(m("MAXMEM*", "maxmemory"));
        assertFalse(mi("[\\E]", "e"), "escaped class member compares exactly even with nocase");
        assertTrue(mi("\\E", "e"));
    }

    @Test
    void offsets() {
        byte[] p = "xxa*cxx".getBytes(StandardCharsets.ISO_8859_1);
        byte[] s = "--abbc--".getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(Glob.match(p, 2, 3, s, 2, 4, false));
        assertFalse(Glob.match(p, 2, 3, s, 2, 3, false));
    }

    @Test
    void binaryAndSignedBytes() {
        byte[] p = {'[', (byte) 0x80, '-', (byte) 0xff, ']'};
        assertTrue(Glob.match(p, new byte[] {(byte) 0x90}, false));
        assertFalse(Glob.match(p, new byte[] {'a'}, false));
        assertTrue(Glob.match(new byte[] {'*', 0, '*'}, new byte[] {1, 0, 2}, false));
    }

    @Test
    void noExponentialBlowUp() {
        String subject = "a".repeat(5000);
        String pattern = "*a".repeat(40) + "*b";
        long t0 = System.nanoTime();
        assertFalse(m(pattern, subject));
        assertTrue(m("*a*a*a*a*a*a*a*a*a*a*a*a*a", subject));
        // generous bound: a recursive matcher would not finish in years
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L);
    }

    // ---- property checks ------------------------------------------------------------

    /**
     * A direct, recursive reading of the matching rules (written for clarity, exponential in
     * the worst case): the oracle the iterative matcher is compared with.
     */
    static boolean reference(byte[] p, int pi, byte[] s, int si, boolean nocase) {
        int pl = p.length;
        int sl = s.length;
        while (pi < pl && si < sl) {
            byte t = p[pi];
            if (t == '*') {
                while (pi + 1 < pl && p[pi + 1] == '*') {
                    pi++;
                }
                if (pi + 1 == pl) {
                    return true;
                }
                for (int k = si; k < sl; k++) {
                    if (reference(p, pi + 1, s, k, nocase)) {
                        return true;
                    }
                }
                return false;
            } else if (t == '?') {
                si++;
            } else if (t == '[') {
                int i = pi + 1;
                boolean not = i < pl && p[i] == '^';
                if (not) {
                    i++;
                }
                boolean hit = false;
                for (;;) {
                    if (i < pl && p[i] == '\\' && pl - i >= 2) {
                        i++;
                        hit |= p[i] == s[si];
                    } else if (i < pl && p[i] == ']') {
                        break;
                    } else if (i >= pl) {
                        i--;
                        break;
                    } else if (pl - i >= 3 && p[i + 1] == '-') {
                        int a = Math.min(p[i], p[i + 2]);
                        int b = Math.max(p[i], p[i + 2]);
                        int c = s[si];
                        if (nocase) {
                            a = lowerAscii((byte) a);
                            b = lowerAscii((byte) b);
                            c = lowerAscii((byte) c);
                        }
                        hit |= c >= a && c <= b;
                        i += 2;
                    } else {
                        hit |= eq(p[i], s[si], nocase);
                    }
                    i++;
                }
                if (not == hit) {
                    return false;
                }
                pi = i;
                si++;
            } else if (t == '\\' && pl - pi >= 2) {
                pi++;
                if (!eq(p[pi], s[si], nocase)) {
                    return false;
                }
                si++;
            } else {
                if (!eq(t, s[si], nocase)) {
                    return false;
                }
                si++;
            }
            pi++;
            if (si == sl) {
                while (pi < pl && p[pi] == '*') {
                    pi++;
                }
                break;
            }
        }
        return pi == pl && si == sl;
    }

    private static boolean eq(byte a, byte b, boolean nocase) {
        if (!nocase) {
            return a == b;
        }
        return lowerAscii(a) == lowerAscii(b);
    }

    private static int lowerAscii(byte b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    @Test
    void agreesWithRecursiveReferenceOnRandomInputs() {
        Random rnd = new Random(42);
        String pAlphabet = "abAB*?[]^-\\";
        String sAlphabet = "abAB]-^\\*?[";
        for (int n = 0; n < 300_000; n++) {
            String p = random(rnd, pAlphabet, rnd.nextInt(8));
            String s = random(rnd, sAlphabet, rnd.nextInt(7));
            boolean nocase = rnd.nextBoolean();
            byte[] pb = p.getBytes(StandardCharsets.ISO_8859_1);
            byte[] sb = s.getBytes(StandardCharsets.ISO_8859_1);
            boolean expected = sb.length == 0 ? pb.length == 0 : reference(pb, 0, sb, 0, nocase);
            assertEquals(expected, Glob.match(pb, sb, nocase),
                    () -> "pattern=" + p + " subject=" + s + " nocase=" + nocase);
        }
    }

    /** Well-formed patterns (balanced classes, no quirks) must agree with a regex translation. */
    @Test
    void agreesWithRegexOnWellFormedPatterns() {
        Random rnd = new Random(7);
        for (int n = 0; n < 100_000; n++) {
            StringBuilder glob = new StringBuilder();
            StringBuilder regex = new StringBuilder();
            int tokens = rnd.nextInt(6);
            for (int t = 0; t < tokens; t++) {
                switch (rnd.nextInt(6)) {
                    case 0 -> { glob.append('*'); regex.append(".*"); }
                    case 1 -> { glob.append('?'); regex.append('.'); }
                    case 2 -> {
                        char a = (char) ('a' + rnd.nextInt(3));
                        char b = (char) ('a' + rnd.nextInt(3));
                        glob.append('[').append(a).append('-').append(b).append(']');
                        regex.append('[').append((char) Math.min(a, b)).append('-')
                                .append((char) Math.max(a, b)).append(']');
                    }
                    case 3 -> {
                        char a = (char) ('a' + rnd.nextInt(3));
                        glob.append("[^").append(a).append(']');
                        regex.append("[^").append(a).append(']');
                    }
                    case 4 -> { glob.append("\\*"); regex.append("\\*"); }
                    default -> {
                        char a = (char) ('a' + rnd.nextInt(3));
                        glob.append(a);
                        regex.append(a);
                    }
                }
            }
            String s = random(rnd, "abc*", rnd.nextInt(6));
            if (s.isEmpty()) {
                continue; // the empty-subject quirk is covered separately
            }
            boolean expected = Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(s).matches();
            assertEquals(expected, m(glob.toString(), s), "glob=" + glob + " s=" + s);
        }
    }

    private static String random(Random rnd, String alphabet, int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
