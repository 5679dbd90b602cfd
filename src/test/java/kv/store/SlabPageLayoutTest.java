package kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * A slab page must fill whole collector regions: G1 and Shenandoah place a large array in regions
 * of their own, so a page one header over a power of two wastes a region's worth of heap.
 */
class SlabPageLayoutTest {

    @Test
    void aPageWithItsHeaderIsExactlyOneMebibyte() {
        assertEquals(1L << 20, GraphLayout.parseInstance(new byte[KeySlab.PAGE_BYTES]).totalSize());
    }
}
