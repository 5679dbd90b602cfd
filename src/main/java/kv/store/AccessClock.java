package kv.store;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The per-key access field, as Redis keeps it in 24 bits: either the last access time in seconds
 * (LRU policies and OBJECT IDLETIME) or, under an LFU policy, the last decrement time in minutes
 * (16 bits) with a logarithmic access counter (8 bits).
 */
public final class AccessClock {
    private static final int LFU_INIT = 5;
    private static final int LRU_BITS = 24;
    private static final int LRU_MAX = (1 << LRU_BITS) - 1;

    private volatile boolean lfu;
    private volatile int logFactor = 10;
    private volatile int decayMinutes = 1;

    public void configure(boolean lfu, int logFactor, int decayMinutes) {
        this.lfu = lfu;
        this.logFactor = logFactor;
        this.decayMinutes = decayMinutes;
    }

    public boolean lfu() {
        return lfu;
    }

    /** The field for a newly created key. */
    public int initial(long nowMs) {
        return lfu ? (minutes(nowMs) << 8) | LFU_INIT : seconds(nowMs);
    }

    /** The field after an access. */
    public int touched(int field, long nowMs) {
        if (!lfu) {
            return seconds(nowMs);
        }
        int counter = decayedCounter(field, nowMs);
        if (counter < 255) {
            int base = Math.max(0, counter - LFU_INIT);
            double p = 1.0 / (base * (double) logFactor + 1);
            if (ThreadLocalRandom.current().nextDouble() < p) {
                counter++;
            }
        }
        return (minutes(nowMs) << 8) | counter;
    }

    /**
     * The field a restored key gets (RESTORE IDLETIME/FREQ, RDB IDLE/FREQ): under LFU the given
     * counter, else an access {@code idleSeconds} ago; -1 when the mode's figure is not given.
     */
    public int restored(long idleSeconds, int frequency, long nowMs) {
        if (lfu) {
            return frequency < 0 ? -1 : (minutes(nowMs) << 8) | Math.min(255, frequency);
        }
        if (idleSeconds < 0) {
            return -1;
        }
        long at = (nowMs / 1000 - idleSeconds) % (LRU_MAX + 1);
        return (int) (at < 0 ? at + LRU_MAX + 1 : at);
    }

    /** Seconds since the last access (LRU mode). */
    public long idleSeconds(int field, long nowMs) {
        int now = seconds(nowMs);
        int idle = now >= field ? now - field : (LRU_MAX - field) + now;
        return idle;
    }

    /** The LFU counter after decay (LFU mode). */
    public int frequency(int field, long nowMs) {
        return decayedCounter(field, nowMs);
    }

    private int decayedCounter(int field, long nowMs) {
        int last = field >>> 8;
        int counter = field & 0xff;
        int now = minutes(nowMs);
        int elapsed = now >= last ? now - last : 65535 - last + now;
        int periods = decayMinutes > 0 ? elapsed / decayMinutes : 0;
        return periods > counter ? 0 : counter - periods;
    }

    private static int seconds(long nowMs) {
        return (int) ((nowMs / 1000) & LRU_MAX);
    }

    private static int minutes(long nowMs) {
        return (int) ((nowMs / 60000) & 65535);
    }
}
