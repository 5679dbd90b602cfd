package kv.store;

import java.util.Arrays;

/**
 * A small set of byte strings in one array, the role Redis 7.2's listpack plays for sets: each
 * member is its length (unsigned LEB128) followed by its bytes, in insertion order. Lookups are
 * linear scans, which is what the small size limit (set-max-listpack-entries) makes cheap.
 */
final class PackedMembers {
    private byte[] buf;
    private int used;
    private int count;

    PackedMembers(int expectedBytes) {
        buf = new byte[expectedBytes];
    }

    private PackedMembers(byte[] buf, int used, int count) {
        this.buf = buf;
        this.used = used;
        this.count = count;
    }

    int size() {
        return count;
    }

    /**
     * Offset of the entry holding {@code m}, or -1. One decode per entry (one-byte lengths
     * inline), and a member's last byte compared before the whole (members often share a prefix).
     */
    int find(byte[] m) {
        int n = m.length;
        byte last = n == 0 ? 0 : m[n - 1];
        byte[] b = buf;
        int p = 0;
        while (p < used) {
            int len = b[p];
            int start;
            if (len >= 0) {
                start = p + 1;
            } else {
                len = length(p);
                start = dataStart(p);
            }
            if (len == n && (n == 0 || b[start + n - 1] == last) && Arrays.equals(b, start, start + n, m, 0, n)) {
                return p;
            }
            p = start + len;
        }
        return -1;
    }

    boolean contains(byte[] m) {
        return find(m) >= 0;
    }

    /** Appends {@code m}, which the caller knows is absent. */
    void append(byte[] m) {
        int need = used + varintSize(m.length) + m.length;
        if (need > buf.length) {
            // small sets are sized exactly (memory per small set), bigger ones get room to grow
            buf = Arrays.copyOf(buf, need < 128 ? need : need + need / 4);
        }
        int v = m.length;
        while (v >= 0x80) {
            buf[used++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        buf[used++] = (byte) v;
        System.arraycopy(m, 0, buf, used, m.length);
        used += m.length;
        count++;
    }

    boolean remove(byte[] m) {
        int p = find(m);
        if (p < 0) {
            return false;
        }
        removeAt(p);
        return true;
    }

    void removeAt(int p) {
        int n = next(p);
        System.arraycopy(buf, n, buf, p, used - n);
        used -= n - p;
        count--;
    }

    /** First entry's offset; entries end at {@link #end()}. */
    int first() {
        return 0;
    }

    int end() {
        return used;
    }

    int next(int p) {
        return dataStart(p) + length(p);
    }

    /** Offset of the {@code i}-th entry. */
    int offsetOf(int i) {
        int p = 0;
        while (i-- > 0) {
            p = next(p);
        }
        return p;
    }

    int length(int p) {
        int v = 0;
        int shift = 0;
        byte b;
        do {
            b = buf[p++];
            v |= (b & 0x7f) << shift;
            shift += 7;
        } while (b < 0);
        return v;
    }

    int dataStart(int p) {
        while (buf[p] < 0) {
            p++;
        }
        return p + 1;
    }

    byte[] memberAt(int p) {
        int start = dataStart(p);
        return Arrays.copyOfRange(buf, start, start + length(p));
    }

    private static int varintSize(int v) {
        int n = 1;
        while (v >= 0x80) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    long heapBytes() {
        return 24 + Memory.arrayBytes(buf.length);
    }

    PackedMembers copy() {
        return new PackedMembers(Arrays.copyOf(buf, Math.max(used, 8)), used, count);
    }
}
