package kv.command;

import kv.engine.CommandError;
import kv.store.StreamId;

/** Stream ID arguments as Redis parses them: {@code ms[-seq]}, each an unsigned 64-bit decimal. */
final class StreamIds {
    static final String INVALID = "ERR Invalid stream ID specified as stream command argument";

    private StreamIds() {
    }

    /**
     * An ID argument; {@code -} and {@code +} stand for the smallest and largest ID unless
     * {@code strict}; a missing seq becomes {@code missingSeq}.
     */
    static StreamId parse(byte[] a, long missingSeq, boolean strict) {
        StreamId id = parseOrNull(a, missingSeq, strict, false);
        if (id == null) {
            throw new CommandError(INVALID);
        }
        return id;
    }

    /** A strict ID (no {@code -}/{@code +}), missing seq 0: XDEL, XREAD, MINID. */
    static StreamId strict(byte[] a) {
        return parse(a, 0, true);
    }

    /**
     * XADD's explicit ID, which may end in {@code -*} (the seq is then chosen): returns the ID
     * with seq -1 and {@code seqGiven[0] = false} for that form.
     */
    static StreamId parseAdd(byte[] a, boolean[] seqGiven) {
        seqGiven[0] = true;
        int n = a.length;
        if (n >= 2 && a[n - 1] == '*' && a[n - 2] == '-') {
            byte[] ms = java.util.Arrays.copyOf(a, n - 2);
            StreamId id = parseOrNull(ms, 0, true, true);
            if (id == null) {
                throw new CommandError(INVALID);
            }
            seqGiven[0] = false;
            return id;
        }
        return parse(a, 0, true);
    }

    /** An interval bound of XRANGE: {@code (} excludes the ID; {@code -}/{@code +} only without it. */
    static StreamId bound(byte[] a, boolean start) {
        boolean exclusive = a.length > 1 && a[0] == '(';
        if (!exclusive) {
            return parse(a, start ? 0 : -1L, false);
        }
        StreamId id = parse(java.util.Arrays.copyOfRange(a, 1, a.length), start ? 0 : -1L, true);
        StreamId moved = start ? id.next() : id.previous();
        if (moved == null) {
            throw new CommandError(start ? "ERR invalid start ID for the interval" : "ERR invalid end ID for the interval");
        }
        return moved;
    }

    private static StreamId parseOrNull(byte[] a, long missingSeq, boolean strict, boolean msOnly) {
        if (a.length > 127) {
            return null;
        }
        if (a.length == 1 && (a[0] == '-' || a[0] == '+')) {
            if (strict) {
                return null;
            }
            return a[0] == '-' ? StreamId.MIN : StreamId.MAX;
        }
        int dash = -1;
        if (!msOnly) {
            for (int i = 0; i < a.length; i++) {
                if (a[i] == '-') {
                    dash = i;
                    break;
                }
            }
        }
        long ms;
        long seq;
        if (dash < 0) {
            ms = unsigned(a, 0, a.length);
            seq = missingSeq;
            return ms == NONE && !isMaxText(a, 0, a.length) ? null : new StreamId(ms, seq);
        }
        ms = unsigned(a, 0, dash);
        if (ms == NONE && !isMaxText(a, 0, dash)) {
            return null;
        }
        seq = unsigned(a, dash + 1, a.length);
        if (seq == NONE && !isMaxText(a, dash + 1, a.length)) {
            return null;
        }
        return new StreamId(ms, seq);
    }

    /** Marks a parse failure; 2^64-1 itself has the same bits, told apart by {@link #isMaxText}. */
    private static final long NONE = -1L;

    private static boolean isMaxText(byte[] a, int from, int to) {
        return new String(a, from, to - from, java.nio.charset.StandardCharsets.US_ASCII).equals("18446744073709551615");
    }

    /** Unsigned decimal digits in a[from, to), or {@link #NONE}. */
    private static long unsigned(byte[] a, int from, int to) {
        if (from >= to || to - from > 20) {
            return NONE;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                return NONE;
            }
            long hi = Math.multiplyHigh(v, 10) + ((v >> 63) & 10);
            long lo = v * 10;
            if (hi != 0) {
                return NONE;
            }
            v = lo + d;
            if (Long.compareUnsigned(v, lo) < 0) {
                return NONE;
            }
        }
        return v;
    }
}
