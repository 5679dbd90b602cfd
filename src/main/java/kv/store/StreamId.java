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

    private static int unsignedDigits(long v) {
        int n = 1;
        if (v < 0) {
            v = Long.divideUnsigned(v, 10); // 2^63 and more: one digit off, then signed arithmetic
            n++;
        }
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    /** Writes {@code v}'s unsigned digits so that the last one lands just before {@code end}. */
    private static void writeUnsigned(long v, byte[] b, int end) {
        int pos = end;
        if (v < 0) {
            long q = Long.divideUnsigned(v, 10);
            b[--pos] = (byte) ('0' + (v - q * 10));
            v = q;
        }
        do {
            b[--pos] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }
}
