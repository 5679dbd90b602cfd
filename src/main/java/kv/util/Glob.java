package kv.util;

/**
 * Interim glob matcher (Redis' stringmatchlen subset: {@code * ? [abc] [^a-z] \x}) until the
 * config branch's implementation lands; same signature, so it can be replaced as is.
 */
public final class Glob {
    private Glob() {
    }

    public static boolean match(byte[] pattern, byte[] subject, boolean nocase) {
        return match(pattern, 0, subject, 0, nocase, 0);
    }

    private static boolean match(byte[] p, int pi, byte[] s, int si, boolean nocase, int depth) {
        if (depth > 1000) {
            return false;
        }
        while (pi < p.length) {
            byte c = p[pi];
            switch (c) {
                case '*': {
                    while (pi + 1 < p.length && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == p.length) {
                        return true;
                    }
                    for (int k = si; k <= s.length; k++) {
                        if (match(p, pi + 1, s, k, nocase, depth + 1)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?':
                    if (si >= s.length) {
                        return false;
                    }
                    si++;
                    pi++;
                    break;
                case '[': {
                    if (si >= s.length) {
                        return false;
                    }
                    pi++;
                    boolean not = pi < p.length && p[pi] == '^';
                    if (not) {
                        pi++;
                    }
                    boolean hit = false;
                    while (pi < p.length && p[pi] != ']') {
                        if (p[pi] == '\\' && pi + 1 < p.length) {
                            pi++;
                            hit |= eq(p[pi], s[si], nocase);
                        } else if (pi + 2 < p.length && p[pi + 1] == '-') {
                            int lo = fold(p[pi], nocase), hi = fold(p[pi + 2], nocase);
                            if (lo > hi) {
                                int t = lo; lo = hi; hi = t;
                            }
                            int x = fold(s[si], nocase);
                            hit |= x >= lo && x <= hi;
                            pi += 2;
                        } else {
                            hit |= eq(p[pi], s[si], nocase);
                        }
                        pi++;
                    }
                    if (pi < p.length) {
                        pi++; // the ']'
                    }
                    if (hit == not) {
                        return false;
                    }
                    si++;
                    break;
                }
                case '\\':
                    if (pi + 1 < p.length) {
                        pi++;
                    }
                    // fall through: literal
                default:
                    if (si >= s.length || !eq(p[pi], s[si], nocase)) {
                        return false;
                    }
                    si++;
                    pi++;
            }
        }
        return si == s.length;
    }

    private static int fold(byte b, boolean nocase) {
        int c = b & 0xff;
        return nocase && c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean eq(byte a, byte b, boolean nocase) {
        return fold(a, nocase) == fold(b, nocase);
    }
}
