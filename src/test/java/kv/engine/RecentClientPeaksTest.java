package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The recent peaks follow Redis' per-second ring: a figure recorded in second t is reported by every
 * pass up to second t + 6 and gone from the first pass in second t + 7; a larger figure wins within
 * a second, and later smaller ones do not hide it.
 */
class RecentClientPeaksTest {
    private static final long T = 1_700_000_003_250L;

    @Test
    void aPeakStaysForSevenSecondsThenGoes() {
        RecentClientPeaks peaks = new RecentClientPeaks();
        peaks.beginPass(T);
        peaks.record(100_004, 50);
        peaks.record(14, 0);
        for (long ms = T; ms < (T / 1000 + 7) * 1000; ms += 100) {
            peaks.beginPass(ms);
            peaks.record(14, 0); // an idle client's small figures each pass
            assertEquals(100_004, peaks.maxInput(), "at +" + (ms - T) + " ms");
            assertEquals(50, peaks.maxOutput());
        }
        peaks.beginPass((T / 1000 + 7) * 1000);
        assertEquals(14, peaks.maxInput());
        assertEquals(0, peaks.maxOutput());
    }

    @Test
    void eachSecondKeepsItsLargest() {
        RecentClientPeaks peaks = new RecentClientPeaks();
        peaks.beginPass(T);
        peaks.record(10, 10);
        peaks.beginPass(T + 1000);
        peaks.record(30, 5);
        peaks.beginPass(T + 2000);
        peaks.record(20, 1);
        assertEquals(30, peaks.maxInput());
        assertEquals(10, peaks.maxOutput());
        peaks.beginPass(T + 7000); // second t's slot is cleared
        assertEquals(30, peaks.maxInput());
        assertEquals(5, peaks.maxOutput());
        peaks.beginPass(T + 8000);
        assertEquals(20, peaks.maxInput());
        assertEquals(1, peaks.maxOutput());
    }

    @Test
    void nothingRecordedReadsZero() {
        RecentClientPeaks peaks = new RecentClientPeaks();
        assertEquals(0, peaks.maxInput());
        assertEquals(0, peaks.maxOutput());
    }
}
