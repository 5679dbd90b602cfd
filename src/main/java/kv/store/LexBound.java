package kv.store;

import java.util.Arrays;

/** One end of a lex range: "-" (below everything), "+" (above everything), "[x" or "(x". */
public final class LexBound {
    public static final LexBound MIN = new LexBound(null, false, -1);
    public static final LexBound MAX = new LexBound(null, false, 1);

    private final byte[] value;
    private final boolean exclusive;
    /** -1 for "-", 1 for "+", 0 for a value. */
    private final int infinity;

    private LexBound(byte[] value, boolean exclusive, int infinity) {
        this.value = value;
        this.exclusive = exclusive;
        this.infinity = infinity;
    }

    public static LexBound of(byte[] value, boolean exclusive) {
        return new LexBound(value, exclusive, 0);
    }

    private int compareTo(byte[] m, int off, int len) {
        // sign of (bound - member)
        if (infinity != 0) {
            return infinity;
        }
        return Arrays.compareUnsigned(value, 0, value.length, m, off, off + len);
    }

    /** Member is at or above this bound used as a minimum. */
    boolean allowsAsMin(byte[] m, int off, int len) {
        int c = compareTo(m, off, len);
        return exclusive ? c < 0 : c <= 0;
    }

    /** Member is at or below this bound used as a maximum. */
    boolean allowsAsMax(byte[] m, int off, int len) {
        int c = compareTo(m, off, len);
        return exclusive ? c > 0 : c >= 0;
    }

    public boolean allowsAsMin(byte[] m) {
        return allowsAsMin(m, 0, m.length);
    }

    public boolean allowsAsMax(byte[] m) {
        return allowsAsMax(m, 0, m.length);
    }

    /** True when no member can lie between {@code min} and {@code max} (Redis' empty-range test). */
    public static boolean emptyRange(LexBound min, LexBound max) {
        if (min.infinity == 1 || max.infinity == -1) {
            return true;
        }
        if (min.infinity == -1 || max.infinity == 1) {
            return false;
        }
        int c = Arrays.compareUnsigned(min.value, max.value);
        return c > 0 || (c == 0 && (min.exclusive || max.exclusive));
    }
}
