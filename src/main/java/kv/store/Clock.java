package kv.store;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The data thread's notion of "now" in unix milliseconds. It is sampled once per command, so a
 * key cannot expire half-way through a command that reads it several times (as in Redis).
 *
 * <p>The system clock is not read for every sample: a reading of the wall clock in nanoseconds
 * tells when its millisecond ends, and until then (by {@link System#nanoTime}, which the
 * dispatcher reads per command anyway to time it) a sample returns the same millisecond, which
 * is what {@link System#currentTimeMillis} would return. A step of the wall clock is seen at the
 * end of the millisecond it happens in.
 */
public final class Clock {
    /** Below a whole microsecond of margin: a wall clock with only microseconds still ends its millisecond in time. */
    private static final long MARGIN_NANOS = 1_000;

    /** Null for the system clock. */
    private final LongSupplier source;
    private long now;
    /** System clock: {@link #now} holds while {@code System.nanoTime()} is below this. */
    private long heldUntilNanos;

    /** The system's wall clock. */
    public Clock() {
        this.source = null;
        this.now = read(System.nanoTime());
    }

    /** A clock reading {@code source} at every sample (tests drive time by hand). */
    public Clock(LongSupplier source) {
        this.source = source;
        this.now = source.getAsLong();
    }

    public long now() {
        return now;
    }

    /** Samples the clock. */
    public long update() {
        return source == null ? at(System.nanoTime()) : (now = source.getAsLong());
    }

    /**
     * Samples the clock, {@code nanoTime} being a {@link System#nanoTime} reading the caller has
     * just taken: within the millisecond of the last reading, no clock is read.
     */
    public long at(long nanoTime) {
        if (source != null) {
            return now = source.getAsLong();
        }
        if (nanoTime - heldUntilNanos < 0) {
            return now;
        }
        return read(nanoTime);
    }

    private long read(long nanoTime) {
        Instant wall = Instant.now();
        // nanoTime was read before the wall clock: the millisecond ends no earlier than this
        long leftOfMillisecond = 1_000_000 - wall.getNano() % 1_000_000;
        heldUntilNanos = nanoTime + leftOfMillisecond - MARGIN_NANOS;
        now = wall.toEpochMilli();
        return now;
    }
}
