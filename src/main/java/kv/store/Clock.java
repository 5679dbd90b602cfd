package kv.store;

/**
 * The data thread's notion of "now" in unix milliseconds. It is sampled once per command, so a
 * key cannot expire half-way through a command that reads it several times (as in Redis).
 */
public final class Clock {
    private long now = System.currentTimeMillis();

    public long now() {
        return now;
    }

    public long update() {
        now = System.currentTimeMillis();
        return now;
    }
}
