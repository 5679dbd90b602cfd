package kv.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LATENCY: per event, the samples at or above latency-monitor-threshold, at most one per second
 * (the maximum wins) and the newest 160 of them, plus the all-time maximum.
 */
public final class LatencyMonitor {
    private static final int HISTORY = 160;

    public record Sample(long unixSeconds, long millis) {
    }

    public static final class Event {
        private final Deque<Sample> samples = new ArrayDeque<>();
        private long max;

        public Sample latest() {
            return samples.peekLast();
        }

        public long max() {
            return max;
        }

        public List<Sample> history() {
            return new ArrayList<>(samples);
        }
    }

    private final Map<String, Event> events = new LinkedHashMap<>();

    public void record(String event, long millis, long nowMs) {
        Event e = events.computeIfAbsent(event, k -> new Event());
        long second = nowMs / 1000;
        Sample last = e.samples.peekLast();
        if (last != null && last.unixSeconds() == second) {
            if (millis > last.millis()) {
                e.samples.removeLast();
                e.samples.addLast(new Sample(second, millis));
            }
        } else {
            e.samples.addLast(new Sample(second, millis));
            if (e.samples.size() > HISTORY) {
                e.samples.removeFirst();
            }
        }
        e.max = Math.max(e.max, millis);
    }

    public Map<String, Event> events() {
        return events;
    }

    /** Resets the named events, or all when none are named; returns how many were reset. */
    public int reset(List<String> names) {
        if (names.isEmpty()) {
            int n = events.size();
            events.clear();
            return n;
        }
        int n = 0;
        for (String name : names) {
            if (events.remove(name) != null) {
                n++;
            }
        }
        return n;
    }
}
