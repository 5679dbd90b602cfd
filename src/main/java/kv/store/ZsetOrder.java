package kv.store;

import java.util.Arrays;

/** The order of a sorted set: by score, then by member bytes as memcmp then length. */
final class ZsetOrder {
    private ZsetOrder() {
    }

    /** Sign of (s1, m1[start..start+len)) compared with (s2, m2). */
    static int compare(double s1, byte[] m1, int start, int len, double s2, byte[] m2) {
        if (s1 < s2) {
            return -1;
        }
        if (s1 > s2) {
            return 1;
        }
        return Arrays.compareUnsigned(m1, start, start + len, m2, 0, m2.length);
    }

    static int compareMembers(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }
}
