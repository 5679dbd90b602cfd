package kv.store;

/**
 * Redis 7.2's list encoding rules, on list-max-listpack-size ({@code fill}): a negative fill caps
 * a listpack (and a quicklist node) at 4, 8, 16, 32 or 64 KiB; a positive one caps the element
 * count, with an 8 KiB safety limit on size. A listpack becomes a quicklist before an addition
 * would pass the limit; a quicklist of one node shrinks back to a listpack once that node is
 * under half the limit (the hysteresis keeps a list at the edge from converting back and forth).
 */
public final class ListEncoding {
    static final int SIZE_SAFETY_LIMIT = 8192;
    /** Redis' estimate of a new entry's overhead when deciding whether a node takes it. */
    private static final int ENTRY_OVERHEAD_ESTIMATE = 8;
    private static final int[] SIZE_LEVELS = {4096, 8192, 16384, 32768, 65536};

    private ListEncoding() {
    }

    private static long sizeLimit(int fill) {
        return fill >= 0 ? Long.MAX_VALUE : SIZE_LEVELS[Math.min(-fill - 1, SIZE_LEVELS.length - 1)];
    }

    private static long countLimit(int fill) {
        return fill > 0 ? fill : fill == 0 ? 1 : 0xffffffffL;
    }

    static boolean exceedsLimit(int fill, long bytes, long count) {
        long size = sizeLimit(fill);
        if (size != Long.MAX_VALUE) {
            return bytes > size;
        }
        return bytes > SIZE_SAFETY_LIMIT || count > countLimit(fill);
    }

    /** True if a quicklist node may take one more element of {@code len} bytes. */
    static boolean nodeTakes(PackedList node, int len, int fill) {
        return !exceedsLimit(fill, node.redisBytes() + len + ENTRY_OVERHEAD_ESTIMATE, node.size() + 1);
    }

    /**
     * Before adding elements: the value to add them to, converted to a quicklist if the listpack
     * would pass the limit. {@code addedBytes} counts the raw lengths of the new elements (an
     * element that came from another list as an integer counts 0, as in Redis).
     */
    public static ListValue growing(ListValue list, long addedBytes, long addedCount, int fill) {
        if (list instanceof PackedList) {
            PackedList p = (PackedList) list;
            if (exceedsLimit(fill, p.redisBytes() + addedBytes, p.size() + addedCount)) {
                return new QuickList(p);
            }
        }
        return list;
    }

    /** {@link #growing} for command arguments {@code from..to} (inclusive). */
    public static ListValue growing(ListValue list, byte[][] argv, int from, int to, int fill) {
        if (!(list instanceof PackedList)) {
            return list;
        }
        long bytes = 0;
        for (int i = from; i <= to; i++) {
            bytes += argv[i].length;
        }
        return growing(list, bytes, to - from + 1, fill);
    }

    /** After removing elements: a one-node quicklist well under the limit becomes a listpack again. */
    public static ListValue shrinking(ListValue list, int fill) {
        if (list instanceof QuickList) {
            PackedList only = ((QuickList) list).onlyNode();
            if (only != null && only.redisBytes() <= sizeLimit(fill) / 2 && only.size() <= countLimit(fill) / 2) {
                return only;
            }
        }
        return list;
    }

    /** Bytes an element moved from another list adds: 0 if Redis holds it as an integer. */
    public static long movedBytes(byte[] v) {
        return v.length < 21 && kv.util.Numbers.isLong(v) ? 0 : v.length;
    }
}
