package kv.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The percentage and time to go INFO shows while a file loads. */
class LoadingProgressTest {
    @Test
    void percentAndEtaFollowTheBytesRead() {
        LoadingProgress p = new LoadingProgress();
        p.start(1000, 4000);
        p.loaded(999);
        assertEquals(24.975, p.percent(), 1e-9);
        assertEquals(1, p.etaSeconds(1000), "no pace in the first second");
        assertEquals(3, p.etaSeconds(1001), "3001 bytes to go at 1000 a second");
        p.loaded(4000);
        assertEquals(100.0, p.percent(), 1e-9);
        assertEquals(0, p.etaSeconds(1005));
    }

    @Test
    void withoutATotalTheWritersUsedMemoryStandsInBelowAHundredPercent() {
        LoadingProgress p = new LoadingProgress();
        p.start(1000, 0);
        assertEquals(0, p.percent(), 1e-9);
        p.rdbUsedMem(2000);
        p.loaded(1000);
        assertEquals(50.0, p.percent(), 1e-9);
        p.loaded(5000);
        assertEquals(99.99, p.percent(), 1e-9);
        assertEquals(0, p.etaSeconds(1010), "1 byte to go");
    }

    @Test
    void aNewLoadStartsFromNothing() {
        LoadingProgress p = new LoadingProgress();
        p.start(1000, 10);
        p.loaded(10);
        p.rdbUsedMem(7);
        p.start(2000, 20);
        assertEquals(0, p.loadedBytes());
        assertEquals(0, p.rdbUsedMem());
        assertEquals(20, p.totalBytes());
        assertEquals(2000, p.startSeconds());
    }
}
