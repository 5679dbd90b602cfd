package kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ClockTest {

    /**
     * The system clock reads the wall clock only when a millisecond may have ended; every sample
     * must still be what System.currentTimeMillis() says around it (a held millisecond that
     * outlived its end would come out below the reading before it).
     */
    @Test
    void systemClockSamplesAgreeWithCurrentTimeMillis() {
        Clock clock = new Clock();
        int crossed = 0;
        long last = clock.now();
        for (int i = 0; i < 2_000_000 && crossed < 50; i++) {
            long before = System.currentTimeMillis();
            long sample = (i & 1) == 0 ? clock.update() : clock.at(System.nanoTime());
            long after = System.currentTimeMillis();
            assertTrue(before <= sample && sample <= after, "sample " + sample + " outside [" + before + ", " + after + "]");
            assertEquals(sample, clock.now());
            if (sample != last) {
                crossed++;
                last = sample;
            }
        }
    }

    @Test
    void aGivenSourceIsReadAtEverySample() {
        AtomicLong t = new AtomicLong(1000);
        Clock clock = new Clock(t::get);
        assertEquals(1000, clock.at(System.nanoTime()));
        t.set(1001);
        assertEquals(1001, clock.at(System.nanoTime()));
        t.set(1002);
        assertEquals(1002, clock.update());
        assertEquals(1002, clock.now());
    }
}
