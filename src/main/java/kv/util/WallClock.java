package kv.util;

import java.time.Instant;

/** Wall-clock time with microseconds, as TIME and INFO's server_time_usec report it. */
public final class WallClock {
    private WallClock() {
    }

    /**
     * Microseconds since the Unix epoch, from one reading of the system clock (Instant.now has
     * microsecond precision on Linux). Never milliseconds plus a nanoTime fraction: nanoTime has an
     * arbitrary origin, so that sum is not a time at all.
     */
    public static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
