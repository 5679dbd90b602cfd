package kv.engine;

/**
 * The largest client input and output buffers seen lately, INFO's client_recent_max_input_buffer
 * and client_recent_max_output_buffer, kept as Redis keeps them: each cron pass records every
 * client's figures into the slot of the current second of an eight-slot ring, after clearing the
 * slot of the next second, so a figure is reported until the cron runs seven seconds later.
 */
public final class RecentClientPeaks {
    static final int SLOTS = 8;
    private final long[] input = new long[SLOTS];
    private final long[] output = new long[SLOTS];
    private int slot;

    /** Starts a cron pass at {@code nowMs} (unix milliseconds). */
    public void beginPass(long nowMs) {
        slot = (int) Math.floorMod(nowMs / 1000, (long) SLOTS);
        int next = (slot + 1) % SLOTS;
        input[next] = 0;
        output[next] = 0;
    }

    /** One client's input and output bytes, in the pass begun last. */
    public void record(long inputBytes, long outputBytes) {
        if (inputBytes > input[slot]) {
            input[slot] = inputBytes;
        }
        if (outputBytes > output[slot]) {
            output[slot] = outputBytes;
        }
    }

    public long maxInput() {
        return max(input);
    }

    public long maxOutput() {
        return max(output);
    }

    private static long max(long[] slots) {
        long m = 0;
        for (long v : slots) {
            m = Math.max(m, v);
        }
        return m;
    }
}
