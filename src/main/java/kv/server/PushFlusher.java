package kv.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;

/**
 * Writes pushes (MONITOR lines, later pub/sub messages and invalidations) once per event-loop
 * turn: a push only appends to the receiving connection's reply chunks and marks it; the first
 * mark of a turn schedules one task on the loop, which then writes and flushes every marked
 * connection. A command fanned out to N clients costs N appends and, per turn, one flush per
 * client instead of one per message. Data thread only.
 */
final class PushFlusher implements Runnable {
    private static final Logger LOG = Logger.getLogger(PushFlusher.class);

    /** What the flusher needs from a connection. */
    interface Target {
        /** Writes and flushes whatever the connection has buffered. */
        void flushPushes();
    }

    private final Executor loop;
    private List<Target> marked = new ArrayList<>();
    private List<Target> flushing = new ArrayList<>();
    private boolean scheduled;

    /** {@code loop} runs tasks on the data thread after the current one (the event loop's task queue). */
    PushFlusher(Executor loop) {
        this.loop = loop;
    }

    /** Queues {@code target} for this turn's flush; the caller marks each target at most once per turn. */
    void mark(Target target) {
        marked.add(target);
        if (!scheduled) {
            scheduled = true;
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        // swap first: a target marked while this turn's flush runs goes to the next turn
        List<Target> batch = marked;
        marked = flushing;
        flushing = batch;
        for (int i = 0; i < batch.size(); i++) {
            try {
                batch.get(i).flushPushes();
            } catch (RuntimeException e) {
                LOG.errorf(e, "flushing pushes failed");
            }
        }
        batch.clear();
    }
}
