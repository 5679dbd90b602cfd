package kv.util;

/** Comparisons of request bytes with ASCII keywords. */
public final class Tokens {
    private Tokens() {
    }

    public static boolean equalsIgnoreCase(byte[] arg, String token) {
        int n = token.length();
        if (arg.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int a = arg[i];
            int t = token.charAt(i);
            if (a != t && (a | 0x20) != (t | 0x20)) {
                return false;
            }
            if (a != t && !Character.isLetter(t)) {
                return false;
            }
        }
        return true;
    }
}
