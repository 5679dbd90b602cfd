package kv.store;

import java.util.function.LongSupplier;

/**
 * The data thread's notion of "now" in unix milliseconds. It is sampled once per command, so a
 * key cannot expire half-way through a command that reads it several times (as in Redis).
 */
public final class Clock {
    private final LongSupplier source;
    private long now;

    public Clock() {
        this(System::currentTimeMillis);
    }

    /** A clock reading {@code source} (tests drive time by hand). */
    public Clock(LongSupplier source) {
        this.source = source;
        this.now = source.getAsLong();
    }

    public long now() {
        return now;
    }

    public long update() {
        now = source.getAsLong();
        return now;
    }
}
