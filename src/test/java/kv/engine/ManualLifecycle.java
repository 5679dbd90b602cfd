package kv.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host of a socket-less test server: timers wait until the test runs them (so timeouts and
 * background passes are deterministic), a shutdown does nothing, a halt fails the test.
 */
public class ManualLifecycle implements Server.Lifecycle {
    private final Map<Long, Runnable> timers = new LinkedHashMap<>();
    private long nextTimer = 1;

    @Override
    public long schedule(long delayMs, Runnable action) {
        long id = nextTimer++;
        timers.put(id, action);
        return id;
    }

    @Override
    public void cancel(long timerId) {
        timers.remove(timerId);
    }

    @Override
    public void shutdown(int exitCode) {
    }

    @Override
    public void halt(int exitCode) {
        throw new AssertionError("halted with " + exitCode);
    }

    /** Timers scheduled and not yet run or cancelled. */
    public int pendingTimers() {
        return timers.size();
    }

    /** Runs every timer scheduled so far; those they schedule wait for the next call. */
    public void fireTimers() {
        List<Runnable> due = new ArrayList<>(timers.values());
        timers.clear();
        due.forEach(Runnable::run);
    }

    /** Runs the oldest timer; false if there is none. */
    public boolean runOldestTimer() {
        var it = timers.values().iterator();
        if (!it.hasNext()) {
            return false;
        }
        Runnable action = it.next();
        it.remove();
        action.run();
        return true;
    }
}
