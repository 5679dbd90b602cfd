package kv.command;

import kv.engine.Call;
import kv.engine.Errors;
import java.util.Arrays;

import kv.store.StringValues;
import kv.store.ValueType;
import kv.store.Values;

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest common subsequence of
 * two strings, by Redis' dynamic programming table and its backtracking order, so that the
 * subsequence and the match ranges are the ones Redis reports.
 */
final class LcsCommand {
    private LcsCommand() {
    }

    static void lcs(Call c) {
        Object va = c.db().read(c.arg(1));
        Object vb = c.db().read(c.arg(2));
        if ((va != null && Values.type(va) != ValueType.STRING) || (vb != null && Values.type(vb) != ValueType.STRING)) {
            throw c.error("ERR The specified keys must contain string values");
        }
        byte[] a = va == null ? new byte[0] : StringValues.bytes(va);
        byte[] b = vb == null ? new byte[0] : StringValues.bytes(vb);

        boolean getLen = false;
        boolean getIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < c.argc(); j++) {
            boolean moreArgs = j < c.argc() - 1;
            if (c.is(j, "IDX")) {
                getIdx = true;
            } else if (c.is(j, "LEN")) {
                getLen = true;
            } else if (c.is(j, "WITHMATCHLEN")) {
                withMatchLen = true;
            } else if (c.is(j, "MINMATCHLEN") && moreArgs) {
                minMatchLen = Math.max(0, c.longArg(j + 1));
                j++;
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        if (getIdx && getLen) {
            throw c.error("ERR If you want both the length and indexes, please just use IDX.");
        }

        int alen = a.length;
        int blen = b.length;
        long cells = (long) (alen + 1) * (blen + 1);
        if (cells * 4 > c.server().config().protoMaxBulkLen()) {
            throw c.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        }
        if (getLen) {
            c.reply().integer(lengthOnly(a, b));
            return;
        }
        int[] table = allocate(c, cells);
        int w = blen + 1;
        for (int i = 1; i <= alen; i++) {
            int row = i * w;
            int prev = row - w;
            byte ai = a[i - 1];
            for (int j = 1; j <= blen; j++) {
                if (ai == b[j - 1]) {
                    table[row + j] = table[prev + j - 1] + 1;
                } else {
                    int up = table[prev + j];
                    int left = table[row + j - 1];
                    table[row + j] = up > left ? up : left;
                }
            }
        }
        int total = table[alen * w + blen];
        int idx = total;
        byte[] result = getIdx ? null : new byte[total];
        int[] ranges = new int[getIdx ? 16 : 0];
        int rangeCount = 0;

        int arangeStart = alen; // alen: no range is being tracked
        int arangeEnd = 0;
        int brangeStart = 0;
        int brangeEnd = 0;
        int i = alen;
        int j = blen;
        while (i > 0 && j > 0) {
            boolean emitRange = false;
            if (a[i - 1] == b[j - 1]) {
                if (result != null) {
                    result[idx - 1] = a[i - 1];
                }
                if (arangeStart == alen) {
                    arangeStart = i - 1;
                    arangeEnd = i - 1;
                    brangeStart = j - 1;
                    brangeEnd = j - 1;
                } else if (arangeStart == i && brangeStart == j) {
                    // contiguous with the current range: extend it backward
                    arangeStart--;
                    brangeStart--;
                } else {
                    emitRange = true;
                }
                if (arangeStart == 0 || brangeStart == 0) {
                    emitRange = true;
                }
                idx--;
                i--;
                j--;
            } else {
                int up = table[(i - 1) * w + j];
                int left = table[i * w + j - 1];
                if (up > left) {
                    i--;
                } else {
                    j--;
                }
                if (arangeStart != alen) {
                    emitRange = true;
                }
            }
            if (emitRange) {
                int matchLen = arangeEnd - arangeStart + 1;
                if (getIdx && (minMatchLen == 0 || matchLen >= minMatchLen)) {
                    if (rangeCount * 4 == ranges.length) {
                        ranges = Arrays.copyOf(ranges, ranges.length * 2);
                    }
                    int k = rangeCount * 4;
                    ranges[k] = arangeStart;
                    ranges[k + 1] = arangeEnd;
                    ranges[k + 2] = brangeStart;
                    ranges[k + 3] = brangeEnd;
                    rangeCount++;
                }
                arangeStart = alen;
            }
        }

        if (!getIdx) {
            c.reply().bulk(result);
            return;
        }
        c.reply().map(2);
        c.reply().bulkText("matches");
        c.reply().array(rangeCount);
        for (int r = 0; r < rangeCount; r++) {
            int k = r * 4;
            c.reply().array(withMatchLen ? 3 : 2);
            c.reply().array(2);
            c.reply().integer(ranges[k]);
            c.reply().integer(ranges[k + 1]);
            c.reply().array(2);
            c.reply().integer(ranges[k + 2]);
            c.reply().integer(ranges[k + 3]);
            if (withMatchLen) {
                c.reply().integer(ranges[k + 1] - ranges[k] + 1);
            }
        }
        c.reply().bulkText("len");
        c.reply().integer(total);
    }

    private static int[] allocate(Call c, long cells) {
        if (cells > Integer.MAX_VALUE - 16) {
            throw c.error("ERR Insufficient memory, failed allocating transient memory for LCS");
        }
        try {
            return new int[(int) cells];
        } catch (OutOfMemoryError e) {
            throw c.error("ERR Insufficient memory, failed allocating transient memory for LCS");
        }
    }

    /** The LCS length with two rows of the table: same value, O(min) memory. */
    private static int lengthOnly(byte[] a, byte[] b) {
        if (b.length > a.length) {
            byte[] t = a;
            a = b;
            b = t;
        }
        int[] prev = new int[b.length + 1];
        int[] cur = new int[b.length + 1];
        for (int i = 1; i <= a.length; i++) {
            byte ai = a[i - 1];
            for (int j = 1; j <= b.length; j++) {
                if (ai == b[j - 1]) {
                    cur[j] = prev[j - 1] + 1;
                } else {
                    cur[j] = Math.max(prev[j], cur[j - 1]);
                }
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length];
    }
}
