package kv.util;

/**
 * Glob-style matching with the semantics of Redis' pattern matcher (KEYS, SCAN MATCH,
 * CONFIG GET, PSUBSCRIBE...).
 *
 * <p>Supported syntax: {@code *} (any run of bytes), {@code ?} (any one byte), {@code [abc]},
 * {@code [^abc]} (negation), {@code [a-z]} (ranges, reversed ranges allowed), {@code \x}
 * (literal x, also inside classes). Quirks kept on purpose because the reference server has
 * them:
 * <ul>
 *   <li>an unterminated class ({@code a[bc}) extends to the end of the pattern;</li>
 *   <li>{@code [a-]} is the range {@code ']'..'a'} and the class continues after it;</li>
 *   <li>a trailing lone {@code \} matches a literal backslash;</li>
 *   <li>with {@code nocase}, a backslash-escaped byte inside a class still compares exactly;</li>
 *   <li>bytes compare as signed values in ranges (as C {@code char} on x86/ARM64 Linux builds);</li>
 *   <li><b>an empty subject matches only an empty pattern</b> — even {@code "*"} does not
 *   match {@code ""}. Redis' KEYS and SCAN special-case the pattern {@code "*"} as "match all"
 *   before calling the matcher; callers must do the same (see {@link #isMatchAll}).</li>
 * </ul>
 *
 * <p>The matcher is iterative with a single backtrack point (the last {@code *} seen), so its
 * cost is bounded by O(pattern length × subject length) for any input; patterns such as
 * {@code *a*a*a*a*b} cannot blow up.
 */
public final class Glob {

    private Glob() {
    }

    /** True when the pattern is exactly {@code "*"}, the form KEYS/SCAN treat as "everything". */
    public static boolean isMatchAll(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }

    public static boolean match(byte[] pattern, byte[] subject, boolean nocase) {
        return match(pattern, 0, pattern.length, subject, 0, subject.length, nocase);
    }

    public static boolean match(String pattern, String subject, boolean nocase) {
        return match(pattern.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                subject.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), nocase);
    }

    /**
     * Matches {@code subject[soff, soff+slen)} against {@code pattern[poff, poff+plen)}.
     */
    public static boolean match(byte[] pattern, int poff, int plen,
                                byte[] subject, int soff, int slen, boolean nocase) {
        final int pend = poff + plen;
        final int send = soff + slen;
        if (slen == 0) {
            return plen == 0;
        }
        int p = poff;
        int s = soff;
        int starP = -1; // pattern index just after the last '*' run
        int starS = -1; // subject index the last '*' currently stops at
        while (s < send) {
            if (p < pend && pattern[p] == '*') {
                while (p < pend && pattern[p] == '*') {
                    p++;
                }
                if (p == pend) {
                    return true;
                }
                starP = p;
                starS = s;
                continue;
            }
            if (p < pend) {
                int next = matchOne(pattern, p, pend, subject[s], nocase);
                if (next >= 0) {
                    p = next;
                    s++;
                    continue;
                }
            }
            if (starP >= 0) {
                starS++;
                s = starS;
                p = starP;
                continue;
            }
            return false;
        }
        while (p < pend && pattern[p] == '*') {
            p++;
        }
        return p == pend;
    }

    /**
     * Matches the single-byte token that starts at {@code p} (anything but '*') against
     * {@code c}. Returns the index just after the token when it matches, or -1.
     */
    private static int matchOne(byte[] pat, int p, int pend, byte c, boolean nocase) {
        byte t = pat[p];
        switch (t) {
            case '?':
                return p + 1;
            case '[':
                return matchClass(pat, p, pend, c, nocase);
            case '\\':
                if (pend - p >= 2) {
                    return equal(pat[p + 1], c, nocase) ? p + 2 : -1;
                }
                return equal(t, c, nocase) ? p + 1 : -1;
            default:
                return equal(t, c, nocase) ? p + 1 : -1;
        }
    }

    private static int matchClass(byte[] pat, int p, int pend, byte c, boolean nocase) {
        int i = p + 1;
        boolean not = i < pend && pat[i] == '^';
        if (not) {
            i++;
        }
        boolean matched = false;
        while (true) {
            if (i < pend && pat[i] == '\\' && pend - i >= 2) {
                i++;
                if (pat[i] == c) {
                    matched = true;
                }
            } else if (i < pend && pat[i] == ']') {
                break;
            } else if (i >= pend) {
                // unterminated class: it ends with the pattern
                i--;
                break;
            } else if (pend - i >= 3 && pat[i + 1] == '-') {
                int start = pat[i];
                int end = pat[i + 2];
                int ch = c;
                if (start > end) {
                    int tmp = start;
                    start = end;
                    end = tmp;
                }
                if (nocase) {
                    start = lower(start);
                    end = lower(end);
                    ch = lower(ch);
                }
                i += 2;
                if (ch >= start && ch <= end) {
                    matched = true;
                }
            } else if (equal(pat[i], c, nocase)) {
                matched = true;
            }
            i++;
        }
        if (not) {
            matched = !matched;
        }
        return matched ? i + 1 : -1;
    }

    private static boolean equal(byte a, byte b, boolean nocase) {
        if (a == b) {
            return true;
        }
        return nocase && lower(a) == lower(b);
    }

    private static int lower(int c) {
        return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
    }
}
