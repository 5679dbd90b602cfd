package kv.store;

import java.util.Arrays;

import kv.util.BulkSink;

/**
 * Records of a key and, optionally, a small string value, packed into a few large {@code byte[]}
 * pages instead of one heap object each, so that the number of heap objects (and the collector's
 * work) does not grow with the key count. A record is addressed by a {@code long} reference: the
 * offset in bits 0-19 (a page is under 1 MiB), the page index in bits 32-55; 0 is never a reference
 * (page 0 is unused). The other 20 bits are free for the key tables' tag ({@link #TAG_MASK}): every method here
 * ignores them, and a reference given back by {@link #free} loses them before it is reused.
 *
 * <p>Layout of a record: key length (4 bytes, little-endian), value length (1 byte; {@link #NO_VALUE}
 * when the value lives elsewhere), the key bytes, the value bytes. A new value is a new record, or
 * overwrites the old one where it lies when it needs the same space ({@link #rewriteValue}). Space is handed out in size classes of 8 bytes up to {@link #MAX_CLASS_BYTES},
 * with a free list (a stack of references) per class; a bigger record gets a page of its own,
 * dropped when it is freed.
 *
 * <p>A shared page whose last record is freed is given back at once (its free-list entries go
 * stale and are swept out later, see {@link #retire}), except the page being filled; a slab with no
 * record at all drops that one too when the cron calls {@link #trimIfEmpty}. So a big DEL, expiry
 * wave or a database emptied key by key returns its pages, not just its bytes.
 *
 * <p>While a snapshot reads records through copies of a table's reference arrays, freed space must
 * not be reused: between {@link #hold} and the matching {@link #unhold}, frees are deferred (so no
 * page is given back meanwhile either). Data thread only.
 */
final class KeySlab {
    /**
     * A page and its 16-byte array header make exactly 1 MiB. At 1 << 20 bytes of data a page was a
     * humongous object one header over a G1 region (1 MiB up to 4 GiB heaps: two regions taken) or
     * two Shenandoah regions (512 KiB at a 1.2 GiB heap: three taken), so the heap held up to twice
     * the pages' size and a 2 GiB pod ran out of heap with its data under the limit.
     */
    static final int PAGE_BYTES = (1 << 20) - 16;
    /** The largest record kept in shared pages. */
    static final int MAX_CLASS_BYTES = 1024;
    /** The longest value stored in a record: Redis' embstr limit. */
    static final int MAX_VALUE_BYTES = StringValues.EMBSTR_LIMIT;
    static final int NO_VALUE = 0xff;
    private static final int HEADER = 5;
    /** The bits of a reference the slab leaves to its users (see {@link SlabKeyTable}'s probe). */
    static final long TAG_MASK = 0xFF000000_FFF00000L;
    private static final int OFFSET_MASK = (1 << 20) - 1;
    /** Page indexes fit in 24 bits: 16M pages, 16 TiB of shared pages. */
    private static final int MAX_PAGES = 1 << 24;

    private byte[][] pages = new byte[4][];
    private int pageCount = 1;
    /** Indexes of dropped dedicated pages, for reuse. */
    private int[] freePages = new int[0];
    private int freePageCount;
    private int bumpPage;
    private int bumpOffset;
    private final long[][] freeLists = new long[MAX_CLASS_BYTES / 8 + 1][];
    private final int[] freeCounts = new int[MAX_CLASS_BYTES / 8 + 1];
    private int holds;
    private long[] deferred = new long[0];
    private int deferredCount;
    /** Records in each shared page, and free-list entries pointing into it (by page index). */
    private int[] pageRecords = new int[4];
    private int[] pageFreeEntries = new int[4];
    /**
     * Free-list entries pointing into given-back pages: skipped when popped, swept out when they
     * outnumber the valid ones. Until then the pages' indexes stay {@link #retired}, not reused, so
     * a stale entry can never point into a new page.
     */
    private long staleEntries;
    private long freeEntries;
    private int[] retired = new int[0];
    private int retiredCount;
    /** Bytes of all pages held. */
    private long pageBytes;
    /** Bytes of the records in use (size-class rounded). */
    private long liveBytes;

    /** A new record of {@code key} and {@code value} (null: none); returns its reference. */
    long add(byte[] key, int keyOff, int keyLen, byte[] value) {
        return add(key, keyOff, keyLen, value, value == null ? 0 : value.length);
    }

    /** A new record of {@code key} and the first {@code valueLen} bytes of {@code value} (null: none). */
    long add(byte[] key, int keyOff, int keyLen, byte[] value, int valueLen) {
        int size = HEADER + keyLen + valueLen;
        long ref = allocate(size);
        byte[] page = pages[page(ref)];
        int at = offset(ref);
        page[at] = (byte) keyLen;
        page[at + 1] = (byte) (keyLen >>> 8);
        page[at + 2] = (byte) (keyLen >>> 16);
        page[at + 3] = (byte) (keyLen >>> 24);
        page[at + 4] = (byte) (value == null ? NO_VALUE : valueLen);
        System.arraycopy(key, keyOff, page, at + HEADER, keyLen);
        if (value != null) {
            System.arraycopy(value, 0, page, at + HEADER + keyLen, valueLen);
        }
        return ref;
    }

    /** True if {@code value} may be stored in a record. */
    static boolean fits(Object value) {
        return value instanceof byte[] b && b.length <= MAX_VALUE_BYTES;
    }

    private static int page(long ref) {
        return (int) (ref >>> 32) & (MAX_PAGES - 1);
    }

    private static int offset(long ref) {
        return (int) ref & OFFSET_MASK;
    }

    /** The page holding {@code ref}: read key bytes at {@link #keyOffset} for {@link #keyLength}. */
    byte[] pageOf(long ref) {
        return pages[page(ref)];
    }

    static int keyOffset(long ref) {
        return offset(ref) + HEADER;
    }

    int keyLength(long ref) {
        byte[] p = pages[page(ref)];
        int at = offset(ref);
        return (p[at] & 0xff) | (p[at + 1] & 0xff) << 8 | (p[at + 2] & 0xff) << 16 | (p[at + 3] & 0xff) << 24;
    }

    boolean keyEquals(long ref, byte[] key, int off, int len) {
        return keyLength(ref) == len
                && Arrays.equals(pages[page(ref)], keyOffset(ref), keyOffset(ref) + len, key, off, off + len);
    }

    /** A copy of the key of {@code ref}. */
    byte[] key(long ref) {
        int at = keyOffset(ref);
        return Arrays.copyOfRange(pages[page(ref)], at, at + keyLength(ref));
    }

    boolean hasValue(long ref) {
        return (pages[page(ref)][offset(ref) + 4] & 0xff) != NO_VALUE;
    }

    /** A copy of the value of {@code ref}, which {@link #hasValue has one}. */
    byte[] value(long ref) {
        int at = keyOffset(ref) + keyLength(ref);
        int len = pages[page(ref)][offset(ref) + 4] & 0xff;
        return Arrays.copyOfRange(pages[page(ref)], at, at + len);
    }

    /** Writes the value of {@code ref}, which {@link #hasValue has one}, straight from its page. */
    void writeValue(long ref, BulkSink out) {
        byte[] p = pages[page(ref)];
        out.bulk(p, keyOffset(ref) + keyLength(ref), p[offset(ref) + 4] & 0xff);
    }

    /**
     * Overwrites the value of {@code ref} in place when the new one needs the same size class and
     * no snapshot holds the slab (it may be reading this record); false, with nothing changed,
     * when a new record is needed instead.
     */
    boolean rewriteValue(long ref, byte[] value) {
        byte[] p = pages[page(ref)];
        int at = offset(ref);
        int old = p[at + 4] & 0xff;
        if (holds > 0 || old == NO_VALUE || value.length > MAX_VALUE_BYTES) {
            return false;
        }
        int keyLen = keyLength(ref);
        int size = HEADER + keyLen + old;
        if (size > MAX_CLASS_BYTES || spaceOf(HEADER + keyLen + value.length) != spaceOf(size)) {
            return false;
        }
        p[at + 4] = (byte) value.length;
        System.arraycopy(value, 0, p, at + HEADER + keyLen, value.length);
        return true;
    }

    private int recordLength(long ref) {
        int v = pages[page(ref)][offset(ref) + 4] & 0xff;
        return HEADER + keyLength(ref) + (v == NO_VALUE ? 0 : v);
    }

    /** Bytes the record of {@code ref} occupies (its size class). */
    long recordBytes(long ref) {
        return spaceOf(recordLength(ref));
    }

    /** Bytes a record of {@code keyLen} and {@code value} would occupy. */
    static long recordBytes(int keyLen, Object value) {
        return recordBytes(keyLen, fits(value) ? ((byte[]) value).length : 0);
    }

    /** Bytes a record of {@code keyLen} and a value of {@code valueLen} bytes held in it would occupy. */
    static long recordBytes(int keyLen, int valueLen) {
        return spaceOf(HEADER + keyLen + valueLen);
    }

    private static int spaceOf(int size) {
        return size > MAX_CLASS_BYTES ? size : (size + 7) & ~7;
    }

    /** Gives the record's space back (later, if a snapshot holds the slab). */
    void free(long tagged) {
        long ref = tagged & ~TAG_MASK;
        int size = recordLength(ref);
        liveBytes -= spaceOf(size);
        if (holds > 0) {
            if (deferredCount == deferred.length) {
                deferred = Arrays.copyOf(deferred, Math.max(16, deferredCount * 2));
            }
            deferred[deferredCount++] = ref;
            return;
        }
        release(ref, size);
    }

    private void release(long ref, int size) {
        int p = page(ref);
        if (size > MAX_CLASS_BYTES) {
            pageBytes -= pages[p].length;
            pages[p] = null;
            reusePageIndex(p);
        } else {
            push(spaceOf(size) >>> 3, ref);
            if (--pageRecords[p] == 0 && p != bumpPage) {
                retire(p);
            }
        }
    }

    private void reusePageIndex(int p) {
        if (freePageCount == freePages.length) {
            freePages = Arrays.copyOf(freePages, Math.max(8, freePageCount * 2));
        }
        freePages[freePageCount++] = p;
    }

    /** Gives back shared page {@code p}, which holds no record: all its space is in free-list entries, now stale. */
    private void retire(int p) {
        pageBytes -= PAGE_BYTES;
        pages[p] = null;
        staleEntries += pageFreeEntries[p];
        freeEntries -= pageFreeEntries[p];
        pageFreeEntries[p] = 0;
        if (retiredCount == retired.length) {
            retired = Arrays.copyOf(retired, Math.max(8, retiredCount * 2));
        }
        retired[retiredCount++] = p;
        // amortised: a sweep costs the entries it reads, at most three per stale entry it drops
        if (staleEntries > 1024 && staleEntries > freeEntries / 2) {
            sweepStaleEntries();
        }
    }

    /** Drops the free-list entries of given-back pages; their indexes can then serve new pages. */
    private void sweepStaleEntries() {
        for (int c = 0; c < freeLists.length; c++) {
            long[] list = freeLists[c];
            int n = freeCounts[c];
            int kept = 0;
            for (int i = 0; i < n; i++) {
                if (pages[page(list[i])] != null) {
                    list[kept++] = list[i];
                }
            }
            freeCounts[c] = kept;
            if (list != null && kept < list.length / 4) {
                freeLists[c] = kept == 0 ? null : Arrays.copyOf(list, Math.max(16, kept * 2));
            }
        }
        staleEntries = 0;
        for (int i = 0; i < retiredCount; i++) {
            reusePageIndex(retired[i]);
        }
        retiredCount = 0;
    }

    private void push(int sizeClass, long ref) {
        long[] list = freeLists[sizeClass];
        int n = freeCounts[sizeClass];
        if (list == null || n == list.length) {
            list = freeLists[sizeClass] = Arrays.copyOf(list == null ? new long[0] : list, Math.max(16, n * 2));
        }
        list[n] = ref;
        freeCounts[sizeClass] = n + 1;
        pageFreeEntries[page(ref)]++;
        freeEntries++;
    }

    private long allocate(int size) {
        int space = spaceOf(size);
        liveBytes += space;
        if (size > MAX_CLASS_BYTES) {
            return (long) newPage(size) << 32;
        }
        int sizeClass = space >>> 3;
        int n = freeCounts[sizeClass];
        while (n > 0) {
            long ref = freeLists[sizeClass][--n];
            freeCounts[sizeClass] = n;
            int p = page(ref);
            if (pages[p] == null) {
                staleEntries--;
                continue;
            }
            pageFreeEntries[p]--;
            freeEntries--;
            pageRecords[p]++;
            return ref;
        }
        if (bumpPage == 0 || bumpOffset + space > PAGE_BYTES) {
            int rest = PAGE_BYTES - bumpOffset;
            int full = bumpPage;
            if (full != 0 && rest >= 8) {
                // the tail of the full page serves later records of exactly its size
                push(rest >>> 3, (long) full << 32 | bumpOffset);
            }
            bumpPage = newPage(PAGE_BYTES);
            bumpOffset = 0;
            if (full != 0 && pageRecords[full] == 0) {
                retire(full);
            }
        }
        long ref = (long) bumpPage << 32 | bumpOffset;
        bumpOffset += space;
        pageRecords[bumpPage]++;
        return ref;
    }

    private int newPage(int bytes) {
        int index;
        if (freePageCount > 0) {
            index = freePages[--freePageCount];
        } else {
            if (pageCount == MAX_PAGES) {
                throw new IllegalStateException("key slab: more than " + MAX_PAGES + " pages");
            }
            if (pageCount == pages.length) {
                pages = Arrays.copyOf(pages, pageCount * 2);
                pageRecords = Arrays.copyOf(pageRecords, pageCount * 2);
                pageFreeEntries = Arrays.copyOf(pageFreeEntries, pageCount * 2);
            }
            index = pageCount++;
        }
        pages[index] = new byte[bytes];
        pageBytes += bytes;
        return index;
    }

    /** A snapshot starts reading records: keep freed space unused until {@link #unhold}. */
    void hold() {
        holds++;
    }

    void unhold() {
        if (--holds == 0) {
            for (int i = 0; i < deferredCount; i++) {
                release(deferred[i], recordLength(deferred[i]));
            }
            deferred = new long[0];
            deferredCount = 0;
        }
    }

    /**
     * Gives back the page being filled when no record is left (a database emptied key by key) and
     * no snapshot holds the slab. Called by the cron, not on the last free, so that a key added and
     * deleted over and over does not allocate a page each time.
     */
    void trimIfEmpty() {
        if (liveBytes == 0 && holds == 0 && pageBytes > 0) {
            Arrays.fill(pages, null);
            pageCount = 1;
            freePageCount = 0;
            retiredCount = 0;
            Arrays.fill(pageRecords, 0);
            Arrays.fill(pageFreeEntries, 0);
            Arrays.fill(freeLists, null);
            Arrays.fill(freeCounts, 0);
            staleEntries = 0;
            freeEntries = 0;
            bumpPage = 0;
            bumpOffset = 0;
            pageBytes = 0;
        }
    }

    /** Bytes of the pages (what the slab costs, used or not). */
    long pageBytes() {
        return pageBytes;
    }

    /** Bytes of the records in use. */
    long liveBytes() {
        return liveBytes;
    }
}
