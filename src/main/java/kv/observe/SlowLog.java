package kv.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/** SLOWLOG: the most recent commands that ran longer than slowlog-log-slower-than. */
public final class SlowLog {
    private static final int MAX_ARGS = 32;
    private static final int MAX_ARG_BYTES = 128;

    /** One logged command; args are already trimmed as Redis trims them. */
    public record Entry(long id, long unixSeconds, long micros, byte[][] args, String clientAddress, String clientName) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    public void add(byte[][] argv, long micros, long nowMs, String clientAddress, String clientName, int maxLength) {
        int shown = Math.min(argv.length, MAX_ARGS);
        byte[][] args = new byte[shown][];
        for (int i = 0; i < shown; i++) {
            if (shown < argv.length && i == shown - 1) {
                args[i] = ("... (" + (argv.length - shown + 1) + " more arguments)").getBytes();
            } else if (argv[i].length > MAX_ARG_BYTES) {
                byte[] head = Arrays.copyOf(argv[i], MAX_ARG_BYTES);
                byte[] tail = ("... (" + (argv[i].length - MAX_ARG_BYTES) + " more bytes)").getBytes();
                byte[] joined = Arrays.copyOf(head, head.length + tail.length);
                System.arraycopy(tail, 0, joined, head.length, tail.length);
                args[i] = joined;
            } else {
                args[i] = argv[i];
            }
        }
        entries.addFirst(new Entry(nextId++, nowMs / 1000, micros, args, clientAddress, clientName));
        trim(maxLength);
    }

    public void trim(int maxLength) {
        while (entries.size() > Math.max(0, maxLength)) {
            entries.removeLast();
        }
    }

    /** The newest {@code count} entries, newest first. */
    public List<Entry> newest(long count) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (out.size() >= count) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    public int size() {
        return entries.size();
    }

    public void reset() {
        entries.clear();
    }
}
