package kv.store;

/**
 * A stream entry ID: milliseconds and sequence, both unsigned 64-bit as in Redis (so comparisons
 * are unsigned and the largest ID is {@code 18446744073709551615-18446744073709551615}).
 */
public record StreamId(long ms, long seq) implements Comparable<StreamId> {
    public static final StreamId MIN = new StreamId(0, 0);
    public static final StreamId MAX = new StreamId(-1L, -1L);

    @Override
    public int compareTo(StreamId o) {
        int c = Long.compareUnsigned(ms, o.ms);
        return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
    }

    public boolean isMax() {
        return ms == -1L && seq == -1L;
    }

    /** The next ID, or null after {@link #MAX}. */
    public StreamId next() {
        if (seq != -1L) {
            return new StreamId(ms, seq + 1);
        }
        return ms == -1L ? null : new StreamId(ms + 1, 0);
    }

    /** The previous ID, or null before {@link #MIN}. */
    public StreamId previous() {
        if (seq != 0) {
            return new StreamId(ms, seq - 1);
        }
        return ms == 0 ? null : new StreamId(ms - 1, -1L);
    }

    /** {@code <ms>-<seq>} in unsigned decimal, the form replies use (written straight into one array: XADD's reply). */
    public byte[] toBytes() {
        int msDigits = unsignedDigits(ms);
        byte[] b = new byte[msDigits + 1 + unsignedDigits(seq)];
        writeUnsigned(ms, b, msDigits);
        b[msDigits] = '-';
        writeUnsigned(seq, b, b.length);
        return b;
    }

    /** 10^1 .. 10^18: a signed long below 10^k has at most k digits. */
    private static final long[] POWERS_OF_TEN = new long[18];

    static {
        long p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            p *= 10;
            POWERS_OF_TEN[i] = p;
        }
    }

    /** "00" to "99": two digits per division when writing. */
    private static final byte[] TWO_DIGITS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            TWO_DIGITS[2 * i] = (byte) ('0' + i / 10);
            TWO_DIGITS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private static int unsignedDigits(long v) {
        if (v < 0) {
            // 2^63 and more: 19 digits below 10^19, else 20
            return Long.compareUnsigned(v, POWERS_OF_TEN[17] * 10) < 0 ? 19 : 20;
        }
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            if (v < POWERS_OF_TEN[i]) {
                return i + 1;
            }
        }
        return 19;
    }

    /** Writes {@code v}'s unsigned digits so that the last one lands just before {@code end}. */
    private static void writeUnsigned(long v, byte[] b, int end) {
        int pos = end;
        if (v < 0) {
            long q = Long.divideUnsigned(v, 10);
            b[--pos] = (byte) ('0' + (v - q * 10));
            v = q;
        }
        while (v >= 100) {
            long q = v / 100;
            int r = (int) (v - q * 100);
            b[--pos] = TWO_DIGITS[2 * r + 1];
            b[--pos] = TWO_DIGITS[2 * r];
            v = q;
        }
        if (v >= 10) {
            b[--pos] = TWO_DIGITS[2 * (int) v + 1];
            b[--pos] = TWO_DIGITS[2 * (int) v];
        } else {
            b[--pos] = (byte) ('0' + v);
        }
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }
}
