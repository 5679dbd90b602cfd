package kv.util;

/**
 * Glob-style matching with Redis' stringmatchlen rules: {@code *}, {@code ?}, {@code [...]} with
 * ranges, {@code ^} negation and backslash escapes; an unterminated class or a trailing backslash
 * is taken literally the way Redis takes it. Bytes compare as signed chars, as Redis does on x86.
 *
 * <p>Interim implementation until the config branch's matcher lands; same signature.
 */
public final class Glob {
    /** Nesting limit for {@code *} recursion, like Redis' protection against abusive patterns. */
    private static final int MAX_NESTING = 1000;

    private Glob() {
    }

    public static boolean match(byte[] pattern, byte[] subject, boolean nocase) {
        return match(pattern, 0, subject, 0, nocase, new boolean[1], 0);
    }

    /** The byte at {@code i}, or 0 past the end (Redis reads the terminating NUL there). */
    private static int at(byte[] b, int i) {
        return i < b.length ? b[i] : 0;
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean match(byte[] pat, int p, byte[] str, int s, boolean nocase, boolean[] skipLonger, int nesting) {
        if (nesting > MAX_NESTING) {
            return false;
        }
        int plen = pat.length - p;
        int slen = str.length - s;
        while (plen > 0 && slen > 0) {
            switch (pat[p]) {
                case '*' -> {
                    while (plen > 0 && at(pat, p + 1) == '*') {
                        p++;
                        plen--;
                    }
                    if (plen == 1) {
                        return true;
                    }
                    while (slen > 0) {
                        if (match(pat, p + 1, str, s, nocase, skipLonger, nesting + 1)) {
                            return true;
                        }
                        if (skipLonger[0]) {
                            return false;
                        }
                        s++;
                        slen--;
                    }
                    // no suffix of the subject matches the rest: longer matches of earlier stars cannot either
                    skipLonger[0] = true;
                    return false;
                }
                case '?' -> {
                    s++;
                    slen--;
                }
                case '[' -> {
                    p++;
                    plen--;
                    boolean not = at(pat, p) == '^';
                    if (not) {
                        p++;
                        plen--;
                    }
                    boolean matched = false;
                    int c = str[s];
                    while (true) {
                        int pc = at(pat, p);
                        if (pc == '\\' && plen >= 2) {
                            p++;
                            plen--;
                            if (at(pat, p) == c) {
                                matched = true;
                            }
                        } else if (pc == ']') {
                            break;
                        } else if (plen == 0) {
                            p--;
                            plen++;
                            break;
                        } else if (plen >= 3 && at(pat, p + 1) == '-') {
                            int start = pc;
                            int end = at(pat, p + 2);
                            int x = c;
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = lower(start);
                                end = lower(end);
                                x = lower(x);
                            }
                            p += 2;
                            plen -= 2;
                            if (x >= start && x <= end) {
                                matched = true;
                            }
                        } else if (nocase ? lower(pc) == lower(c) : pc == c) {
                            matched = true;
                        }
                        p++;
                        plen--;
                    }
                    if (not) {
                        matched = !matched;
                    }
                    if (!matched) {
                        return false;
                    }
                    s++;
                    slen--;
                }
                default -> {
                    if (pat[p] == '\\' && plen >= 2) {
                        p++;
                        plen--;
                    }
                    int pc = pat[p];
                    int c = str[s];
                    if (nocase ? lower(pc) != lower(c) : pc != c) {
                        return false;
                    }
                    s++;
                    slen--;
                }
            }
            p++;
            plen--;
            if (slen == 0) {
                while (at(pat, p) == '*') {
                    p++;
                    plen--;
                }
                break;
            }
        }
        return plen == 0 && slen == 0;
    }
}
