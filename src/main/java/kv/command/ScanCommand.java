package kv.command;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import java.util.ArrayList;
import java.util.List;

import kv.store.Db;
import kv.store.Values;
import kv.util.Glob;

/**
 * SCAN over the selected db, as Redis' scanGenericCommand: steps through home buckets with the
 * reverse-binary cursor until COUNT keys were collected, 10*COUNT steps were taken or the
 * iteration ended, then filters by MATCH and TYPE.
 */
final class ScanCommand {
    static final String INVALID_CURSOR = "ERR invalid cursor";

    private ScanCommand() {
    }

    static void register(CommandTable t) {
        t.register("scan", ScanCommand::scan);
    }

    /**
     * A cursor the way Redis reads it with strtoul(…, 10): optional sign (a minus negates modulo
     * 2^64), decimal digits, reading stops at a NUL byte; no leading space, nothing after the
     * digits, no overflow. An empty argument is cursor 0, as in Redis.
     */
    static long parseCursor(Call c, byte[] a) {
        int end = 0;
        while (end < a.length && a[end] != 0) {
            end++;
        }
        if (end == 0) {
            return 0;
        }
        int first = a[0];
        if (first == ' ' || (first >= '\t' && first <= '\r')) {
            throw c.error(INVALID_CURSOR);
        }
        int i = 0;
        boolean negative = false;
        if (a[0] == '+' || a[0] == '-') {
            negative = a[0] == '-';
            i++;
        }
        if (i == end) {
            throw c.error(INVALID_CURSOR); // a lone sign: strtoul consumes nothing
        }
        long v = 0;
        for (; i < end; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                throw c.error(INVALID_CURSOR);
            }
            // v * 10 + d must stay below 2^64
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                throw c.error(INVALID_CURSOR);
            }
            long next = v * 10 + d;
            if (Long.compareUnsigned(next, v * 10) < 0) {
                throw c.error(INVALID_CURSOR);
            }
            v = next;
        }
        return negative ? -v : v;
    }

    private static void scan(Call c) {
        long cursor = parseCursor(c, c.arg(1));
        ScanOptions options = ScanOptions.parse(c, 2, true);
        long count = options.count();
        byte[] pattern = options.pattern();
        byte[] typeName = options.typeName();
        Db db = c.db();
        List<byte[]> keys = new ArrayList<>();
        long maxSteps = options.maxSteps();
        do {
            cursor = db.scanStep(cursor, (k, v) -> keys.add(k));
        } while (cursor != 0 && maxSteps-- != 0 && keys.size() < count);

        List<byte[]> out = new ArrayList<>(keys.size());
        for (byte[] k : keys) {
            if (pattern != null && !Glob.match(pattern, k, false)) {
                continue;
            }
            if (typeName != null) {
                // Redis looks the key up (counting a hit or miss) to learn its type
                Object v = db.read(k, Db.NO_TOUCH);
                String type = v == null ? "none" : Values.type(v).typeName();
                if (!sameTypeName(typeName, type)) {
                    continue;
                }
            }
            if (!db.exists(k)) {
                continue;
            }
            out.add(k);
        }
        c.reply().array(2);
        c.reply().bulkText(Long.toUnsignedString(cursor));
        c.reply().array(out.size());
        for (byte[] k : out) {
            c.reply().bulk(k);
        }
    }

    /** strcasecmp of the TYPE argument (up to a NUL byte) with a type name. */
    private static boolean sameTypeName(byte[] arg, String type) {
        int n = 0;
        while (n < arg.length && arg[n] != 0) {
            n++;
        }
        if (n != type.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int a = arg[i];
            if (a >= 'A' && a <= 'Z') {
                a += 32;
            }
            if (a != type.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
