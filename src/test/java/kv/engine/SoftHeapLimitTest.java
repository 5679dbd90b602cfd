package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The soft heap limit follows the data with room for the collector, never above the heap. */
class SoftHeapLimitTest {
    private static final long GIB = 1L << 30;

    @Test
    void halfAsMuchAgainAsTheDataPlusTheServersOwnHeap() {
        assertEquals(SoftHeapLimit.FIXED_BYTES, SoftHeapLimit.target(0, 4 * GIB));
        assertEquals(GIB + GIB / 2 + SoftHeapLimit.FIXED_BYTES, SoftHeapLimit.target(GIB, 4 * GIB));
    }

    @Test
    void neverAboveTheMaximumHeap() {
        assertEquals(2 * GIB, SoftHeapLimit.target(3 * GIB, 2 * GIB));
    }
}
