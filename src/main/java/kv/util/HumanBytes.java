package kv.util;

import java.util.Locale;

/** A byte count as Redis shows it to people: {@code 512B}, {@code 1.33M} (INFO *_human, redis-cli --stat). */
public final class HumanBytes {
    private static final String[] UNITS = {"K", "M", "G", "T", "P"};

    private HumanBytes() {
    }

    public static String format(long n) {
        if (n < 1024) {
            return n + "B";
        }
        double d = n;
        int u = -1;
        while (d >= 1024 && u < UNITS.length - 1) {
            d /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f%s", d, UNITS[u]);
    }
}
