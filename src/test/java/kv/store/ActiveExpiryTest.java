package kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The active cycle's INFO figures: the expired share it samples (a slow average), runs cut by the time limit, time spent. */
class ActiveExpiryTest {
    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final Keyspace keyspace = new Keyspace(1, new Clock(nowMs::get));
    private final ActiveExpiry cycle = new ActiveExpiry(keyspace);

    private void keys(int count, String prefix, long expireAtMs) {
        Db db = keyspace.db(0);
        for (int i = 0; i < count; i++) {
            db.put((prefix + i).getBytes(StandardCharsets.US_ASCII), "v".getBytes(StandardCharsets.US_ASCII), expireAtMs);
        }
    }

    @Test
    void staleShareMovesTowardsWhatTheCycleSamples() {
        keys(1000, "due:", nowMs.get() + 10);
        keys(1000, "later:", nowMs.get() + 3_600_000);
        nowMs.addAndGet(20);
        cycle.run(1_000_000_000L, 1);
        KeyspaceStats stats = keyspace.stats();
        double first = stats.expiredStaleShare;
        assertTrue(first > 0 && first <= 0.05, "one run moves the average 5% of the way: " + first);
        assertTrue(stats.expiredByCycle > 0);
        assertTrue(stats.expireCycleNanos > 0);
        assertEquals(0, stats.expireCycleTimeCapReached);
        for (int i = 0; i < 200; i++) {
            cycle.run(1_000_000_000L, 1);
        }
        assertEquals(1000, keyspace.db(0).size(), "the due keys are gone, the others stay");
        assertTrue(stats.expiredStaleShare < first / 10, "with nothing left to expire the average decays: " + stats.expiredStaleShare);
    }

    @Test
    void aRunStoppedByItsTimeLimitIsCounted() {
        keys(50_000, "due:", nowMs.get() + 10);
        nowMs.addAndGet(20);
        cycle.run(0, 1); // no time at all: stops at the first clock check
        assertEquals(1, keyspace.stats().expireCycleTimeCapReached);
        keyspace.stats().reset();
        assertEquals(0, keyspace.stats().expireCycleTimeCapReached);
        assertEquals(0.0, keyspace.stats().expiredStaleShare);
    }
}
