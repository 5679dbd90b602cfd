package kv;

/**
 * Waiting on the clock the server uses instead of guessing with sleeps. The server under
 * {@code @QuarkusTest} runs in this JVM and samples {@link System#currentTimeMillis()} once per
 * command, so once this JVM's wall clock is past a key's deadline the next command sees the key
 * expired, however slow the machine is.
 */
public final class WallClock {
    private WallClock() {
    }

    /** Returns once {@code System.currentTimeMillis() > unixMs}. */
    public static void awaitPast(long unixMs) throws InterruptedException {
        long left;
        while ((left = unixMs - System.currentTimeMillis()) >= 0) {
            Thread.sleep(left + 1);
        }
    }

    /**
     * A deadline no relative TTL set before this call can exceed: call it after the reply to the
     * command that set a TTL of {@code ttlMs} (the server sampled its clock before replying).
     */
    public static long latestDeadline(long ttlMs) {
        return System.currentTimeMillis() + ttlMs;
    }
}
