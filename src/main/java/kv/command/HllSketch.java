package kv.command;

import java.util.Arrays;

/**
 * Redis' HyperLogLog string format, byte for byte, so a value copied between Redis and KV keeps
 * counting identically: a 16-byte header ("HYLL", encoding, 3 unused bytes, the cached cardinality
 * as 8 little-endian bytes whose top bit marks it stale), then 16384 registers, either dense (6 bits
 * each, least significant bits first) or sparse (run-length opcodes: ZERO 00xxxxxx, XZERO 01xxxxxx
 * yyyyyyyy, VAL 1vvvvvxx). Elements are hashed with MurmurHash64A (seed 0xadc83b19); the low 14
 * bits pick the register, the run of zeros above them (plus one) is its candidate value. The sparse
 * form is updated exactly as Redis updates it (split the covering opcode, merge equal neighbours),
 * and promoted to dense when a value exceeds 32 or the string would exceed hll-sparse-max-bytes.
 *
 * <p>An instance holds the string bytes being worked on; a dense sketch may work in place on the
 * array of a stored value.
 */
final class HllSketch {
    static final int HEADER = 16;
    static final int P = 14;
    static final int REGISTERS = 1 << P;
    /** Bits of the hash above the register index, so counts are at most Q + 1. */
    static final int Q = 64 - P;
    static final int DENSE_SIZE = HEADER + (REGISTERS * 6 + 7) / 8;
    static final byte DENSE = 0;
    static final byte SPARSE = 1;
    private static final int SPARSE_VAL_MAX_VALUE = 32;
    private static final int SPARSE_VAL_MAX_LEN = 4;
    private static final int SPARSE_ZERO_MAX_LEN = 64;
    private static final int SPARSE_XZERO_MAX_LEN = 16384;
    private static final long SEED = 0xadc83b19L;
    private static final double ALPHA_INF = 0.721347520444481703680;

    private byte[] buf;
    private int len;

    private HllSketch(byte[] buf, int len) {
        this.buf = buf;
        this.len = len;
    }

    /** A new sparse sketch with every register zero (Redis' createHLLObject): cache valid, 0. */
    static HllSketch empty() {
        byte[] b = new byte[HEADER + 2 + 8];
        b[0] = 'H';
        b[1] = 'Y';
        b[2] = 'L';
        b[3] = 'L';
        b[4] = SPARSE;
        setXzero(b, HEADER, REGISTERS);
        return new HllSketch(b, HEADER + 2);
    }

    /** Works on a copy of {@code len} bytes of {@code src} (room left to grow). */
    static HllSketch copyOf(byte[] src, int len) {
        return new HllSketch(Arrays.copyOf(src, len + 8), len);
    }

    /** Works in place on {@code array}, which must hold a dense sketch. */
    static HllSketch inPlace(byte[] array, int len) {
        return new HllSketch(array, len);
    }

    /**
     * Redis' isHLLObjectOrReply test: at least a header, the magic, a known encoding, and the exact
     * size if dense. The sparse opcodes are only checked when they are used.
     */
    static boolean isValid(byte[] b, int len) {
        if (len < HEADER || b[0] != 'H' || b[1] != 'Y' || b[2] != 'L' || b[3] != 'L') {
            return false;
        }
        int encoding = b[4] & 0xff;
        if (encoding > SPARSE) {
            return false;
        }
        return encoding != DENSE || len == DENSE_SIZE;
    }

    static boolean isDense(byte[] b) {
        return b[4] == DENSE;
    }

    boolean isDense() {
        return buf[4] == DENSE;
    }

    /** The sketch's bytes, exactly. */
    byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    // ---- header ----

    boolean cacheValid() {
        return (buf[15] & 0x80) == 0;
    }

    long cachedCount() {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[8 + i] & 0xff);
        }
        return v;
    }

    void setCachedCount(long card) {
        for (int i = 0; i < 8; i++) {
            buf[8 + i] = (byte) (card >>> (8 * i));
        }
    }

    /** Marks the cached cardinality stale; the other cache bytes keep their old value, as in Redis. */
    void invalidateCache() {
        buf[15] |= (byte) 0x80;
    }

    // ---- hashing ----

    /** Redis' MurmurHash64A of {@code data} (little-endian words). */
    static long murmur64a(byte[] data, long seed) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        int length = data.length;
        long h = seed ^ (length * m);
        int i = 0;
        int blocks = length - (length & 7);
        for (; i < blocks; i += 8) {
            long k = (data[i] & 0xffL) | (data[i + 1] & 0xffL) << 8 | (data[i + 2] & 0xffL) << 16 | (data[i + 3] & 0xffL) << 24
                    | (data[i + 4] & 0xffL) << 32 | (data[i + 5] & 0xffL) << 40 | (data[i + 6] & 0xffL) << 48 | (data[i + 7] & 0xffL) << 56;
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        int tail = length & 7;
        if (tail > 0) {
            for (int j = tail - 1; j >= 0; j--) {
                h ^= (data[i + j] & 0xffL) << (8 * j);
            }
            h *= m;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
    }

    /** The register an element updates (low bits) and its candidate value (high bits), packed. */
    static long registerAndCount(byte[] element) {
        long hash = murmur64a(element, SEED);
        int index = (int) (hash & (REGISTERS - 1));
        hash >>>= P;
        hash |= 1L << Q; // bounds the count at Q + 1
        int count = Long.numberOfTrailingZeros(hash) + 1;
        return ((long) index << 8) | count;
    }

    // ---- dense registers ----

    static int denseGet(byte[] b, int index) {
        int bit = index * 6;
        int at = HEADER + (bit >> 3);
        int shift = bit & 7;
        int lo = (b[at] & 0xff) >>> shift;
        int hi = at + 1 < DENSE_SIZE ? (b[at + 1] & 0xff) << (8 - shift) : 0;
        return (lo | hi) & 63;
    }

    static void denseSet(byte[] b, int index, int value) {
        int bit = index * 6;
        int at = HEADER + (bit >> 3);
        int shift = bit & 7;
        b[at] = (byte) ((b[at] & ~(63 << shift)) | (value << shift));
        if (at + 1 < DENSE_SIZE) {
            b[at + 1] = (byte) ((b[at + 1] & ~(63 >>> (8 - shift))) | (value >>> (8 - shift)));
        }
    }

    /** True if adding {@code element} would raise a register of this dense sketch. */
    boolean denseWouldChange(byte[] element) {
        long rc = registerAndCount(element);
        return denseGet(buf, (int) (rc >>> 8)) < (int) (rc & 0xff);
    }

    // ---- updates ----

    /** Adds an element: 1 if a register changed, 0 if not, -1 for a corrupt sparse sketch. */
    int add(byte[] element, long sparseMaxBytes) {
        long rc = registerAndCount(element);
        return set((int) (rc >>> 8), (int) (rc & 0xff), sparseMaxBytes);
    }

    /** Raises register {@code index} to {@code count}: 1 if it changed, 0 if not, -1 if corrupt. */
    int set(int index, int count, long sparseMaxBytes) {
        if (isDense()) {
            if (denseGet(buf, index) >= count) {
                return 0;
            }
            denseSet(buf, index, count);
            return 1;
        }
        return sparseSet(index, count, sparseMaxBytes);
    }

    private static boolean isZero(int op) {
        return (op & 0xc0) == 0;
    }

    private static boolean isXzero(int op) {
        return (op & 0xc0) == 0x40;
    }

    private static int zeroLen(int op) {
        return (op & 0x3f) + 1;
    }

    private static int xzeroLen(byte[] b, int p) {
        return (((b[p] & 0x3f) << 8) | (b[p + 1] & 0xff)) + 1;
    }

    private static int valValue(int op) {
        return ((op >> 2) & 0x1f) + 1;
    }

    private static int valLen(int op) {
        return (op & 0x3) + 1;
    }

    private static byte val(int value, int runLength) {
        return (byte) (((value - 1) << 2) | (runLength - 1) | 0x80);
    }

    private static void setXzero(byte[] b, int p, int runLength) {
        int l = runLength - 1;
        b[p] = (byte) ((l >> 8) | 0x40);
        b[p + 1] = (byte) (l & 0xff);
    }

    /** Writes a zero run as ZERO or XZERO at {@code p}; returns the bytes written. */
    private static int putZeros(byte[] b, int p, int runLength) {
        if (runLength > SPARSE_ZERO_MAX_LEN) {
            setXzero(b, p, runLength);
            return 2;
        }
        b[p] = (byte) (runLength - 1);
        return 1;
    }

    private int sparseSet(int index, int count, long sparseMaxBytes) {
        if (count > SPARSE_VAL_MAX_VALUE) {
            return promoteAndSet(index, count);
        }
        int end = len;
        int p = HEADER;
        int first = 0;
        int prev = -1;
        int span = 0;
        // find the opcode covering the register
        while (p < end) {
            int op = buf[p] & 0xff;
            int opLen = 1;
            if (isZero(op)) {
                span = zeroLen(op);
            } else if (op >= 0x80) {
                span = valLen(op);
            } else {
                span = xzeroLen(buf, p);
                opLen = 2;
            }
            if (index <= first + span - 1) {
                break;
            }
            prev = p;
            p += opLen;
            first += span;
        }
        if (span == 0 || p >= end) {
            return -1;
        }
        int op = buf[p] & 0xff;
        boolean zero = isZero(op);
        boolean xzero = isXzero(op);
        boolean isVal = op >= 0x80;
        int runLength = zero ? zeroLen(op) : xzero ? xzeroLen(buf, p) : valLen(op);
        int next = p + (xzero ? 2 : 1);
        boolean done = false;
        if (isVal) {
            if (valValue(op) >= count) {
                return 0;
            }
            if (runLength == 1) {
                buf[p] = val(count, 1);
                done = true;
            }
        }
        if (!done && zero && runLength == 1) {
            buf[p] = val(count, 1);
            done = true;
        }
        if (!done) {
            // split the opcode into (up to) before / the register / after
            byte[] seq = new byte[5];
            int n = 0;
            int last = first + span - 1;
            if (zero || xzero) {
                if (index != first) {
                    n += putZeros(seq, n, index - first);
                }
                seq[n++] = val(count, 1);
                if (index != last) {
                    n += putZeros(seq, n, last - index);
                }
            } else {
                int current = valValue(op);
                if (index != first) {
                    seq[n++] = val(current, index - first);
                }
                seq[n++] = val(count, 1);
                if (index != last) {
                    seq[n++] = val(current, last - index);
                }
            }
            int oldLen = xzero ? 2 : 1;
            int delta = n - oldLen;
            if (delta > 0 && (long) len + delta > sparseMaxBytes) {
                return promoteAndSet(index, count);
            }
            if (len + delta > buf.length) {
                buf = Arrays.copyOf(buf, len + delta + 64);
            }
            if (delta != 0 && next < end) {
                System.arraycopy(buf, next, buf, next + delta, end - next);
            }
            System.arraycopy(seq, 0, buf, p, n);
            len += delta;
            end += delta;
        }
        mergeAdjacentValues(prev >= 0 ? prev : HEADER, end);
        invalidateCache();
        return 1;
    }

    /** Merges equal neighbouring VAL opcodes among the five opcodes from {@code p} (Redis' step 4). */
    private void mergeAdjacentValues(int p, int end) {
        int scan = 5;
        while (p < end && scan-- > 0) {
            int op = buf[p] & 0xff;
            if (isXzero(op)) {
                p += 2;
                continue;
            }
            if (isZero(op)) {
                p++;
                continue;
            }
            if (p + 1 < end && (buf[p + 1] & 0x80) != 0) {
                int nextOp = buf[p + 1] & 0xff;
                if (valValue(op) == valValue(nextOp)) {
                    int merged = valLen(op) + valLen(nextOp);
                    if (merged <= SPARSE_VAL_MAX_LEN) {
                        buf[p + 1] = val(valValue(op), merged);
                        System.arraycopy(buf, p + 1, buf, p, end - p - 1);
                        len--;
                        end--;
                        continue; // the merged opcode may merge with its right neighbour too
                    }
                }
            }
            p++;
        }
    }

    private int promoteAndSet(int index, int count) {
        if (!toDense()) {
            return -1;
        }
        denseSet(buf, index, count);
        return 1;
    }

    /** Converts a sparse sketch to dense (header, cache bytes included, kept); false if corrupt. */
    boolean toDense() {
        if (isDense()) {
            return true;
        }
        byte[] d = new byte[DENSE_SIZE];
        System.arraycopy(buf, 0, d, 0, HEADER);
        d[4] = DENSE;
        boolean whole = walkSparse(buf, len, (first, run, value) -> {
            if (value != 0) {
                for (int k = first; k < first + run; k++) {
                    denseSet(d, k, value);
                }
            }
        });
        if (!whole) {
            return false;
        }
        buf = d;
        len = DENSE_SIZE;
        return true;
    }

    // ---- reading registers ----

    /** Raises {@code max[i]} to each register of the sketch in {@code b}; false if corrupt. */
    static boolean mergeInto(byte[] b, int len, byte[] max) {
        if (isDense(b)) {
            for (int i = 0; i < REGISTERS; i++) {
                int v = denseGet(b, i);
                if (v > max[i]) {
                    max[i] = (byte) v;
                }
            }
            return true;
        }
        return walkSparse(b, len, (first, run, value) -> {
            for (int i = first; i < first + run; i++) {
                if (value > max[i]) {
                    max[i] = (byte) value;
                }
            }
        });
    }

    /** One run of equal registers in a sparse sketch: {@code length} registers from {@code first} hold {@code value}. */
    private interface SparseRun {
        void visit(int first, int length, int value);
    }

    /**
     * Visits the runs of the sparse sketch in {@code b} (zero runs included) in register order; true if they
     * cover exactly the {@link #REGISTERS}, false (corrupt) as soon as a run would pass the last one or the
     * opcodes end short of it.
     */
    private static boolean walkSparse(byte[] b, int len, SparseRun visitor) {
        int idx = 0;
        int p = HEADER;
        while (p < len) {
            int op = b[p] & 0xff;
            int run;
            int value = 0;
            if (isZero(op)) {
                run = zeroLen(op);
                p++;
            } else if (isXzero(op)) {
                run = xzeroLen(b, p);
                p += 2;
            } else {
                run = valLen(op);
                value = valValue(op);
                p++;
            }
            if (idx + run > REGISTERS) {
                return false;
            }
            visitor.visit(idx, run, value);
            idx += run;
        }
        return idx == REGISTERS;
    }

    /** The estimate of this sketch, or -1 if its sparse form is corrupt. */
    long count() {
        int[] histogram = new int[64];
        if (isDense()) {
            for (int i = 0; i < REGISTERS; i++) {
                histogram[denseGet(buf, i)]++;
            }
        } else {
            if (!walkSparse(buf, len, (first, run, value) -> histogram[value] += run)) {
                return -1;
            }
        }
        return estimate(histogram);
    }

    /** The estimate of plain registers, one byte each (PFCOUNT of several keys). */
    static long countRaw(byte[] registers) {
        int[] histogram = new int[64];
        for (int i = 0; i < REGISTERS; i++) {
            histogram[registers[i]]++;
        }
        return estimate(histogram);
    }

    /** Ertl's improved estimator over the register histogram, as Redis computes it. */
    private static long estimate(int[] histogram) {
        double m = REGISTERS;
        double z = m * tau((m - histogram[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * sigma(histogram[0] / m);
        return Math.round(ALPHA_INF * m * m / z);
    }

    private static double sigma(double x) {
        if (x == 1.0) {
            return Double.POSITIVE_INFINITY;
        }
        double previous;
        double y = 1;
        double z = x;
        do {
            x *= x;
            previous = z;
            z += x * y;
            y += y;
        } while (previous != z);
        return z;
    }

    private static double tau(double x) {
        if (x == 0.0 || x == 1.0) {
            return 0.0;
        }
        double previous;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            previous = z;
            y *= 0.5;
            z -= (1 - x) * (1 - x) * y;
        } while (previous != z);
        return z / 3;
    }
}
