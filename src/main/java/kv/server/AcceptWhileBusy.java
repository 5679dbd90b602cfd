package kv.server;

import io.netty.util.concurrent.SingleThreadEventExecutor;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

/**
 * Lets a script that holds the data thread past busy-reply-threshold accept new connections, as
 * Redis accepts them from its event processing while blocked: the new client gets BUSY and may
 * send SCRIPT KILL.
 * <p>
 * Netty registers an accepted channel with the data event loop through a task in that loop's
 * queue, among tasks that must not run inside a script (other threads' requests, work deferred to
 * the end of the turn). So the queue is emptied: registrations run at once (they only concern
 * their new channel), every other task is held. The held tasks run, in their order, from a marker
 * task queued before the first poll and left at the head of the queue, so they still come before
 * whatever is queued after them. The loop's queue is reached reflectively (peekTask, pollTask:
 * META-INF/native-image/kv/kv/reflect-config.json keeps them in the native image).
 */
final class AcceptWhileBusy {
    private static final Logger LOG = Logger.getLogger(AcceptWhileBusy.class);
    /** The task {@code AbstractChannel.AbstractUnsafe.register} queues: it calls {@code register0}. */
    static final String REGISTRATION = "io.netty.channel.AbstractChannel$AbstractUnsafe$1";
    private static final Method PEEK;
    private static final Method POLL;

    static {
        Method peek = null;
        Method poll = null;
        try {
            peek = SingleThreadEventExecutor.class.getDeclaredMethod("peekTask");
            poll = SingleThreadEventExecutor.class.getDeclaredMethod("pollTask");
            peek.setAccessible(true);
            poll.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("connections opened while a script is busy will wait for its end: %s", e.toString());
            peek = null;
            poll = null;
        }
        PEEK = peek;
        POLL = poll;
    }

    private final SingleThreadEventExecutor loop;
    private final List<Runnable> held = new ArrayList<>();

    AcceptWhileBusy(SingleThreadEventExecutor loop) {
        this.loop = loop;
    }

    /** On the data thread, inside a busy script: registers the connections waiting for the loop. */
    void admitNewConnections() {
        if (PEEK == null || !loop.inEventLoop()) {
            return;
        }
        // a fresh marker behind everything queued so far; the one of the previous call is dropped
        // on the way, so one marker is queued, at the head once the queue ahead of it is drained
        Marker marker = new Marker();
        loop.execute(marker);
        while (invoke(PEEK) != marker) {
            Runnable task = invoke(POLL);
            if (task == marker) {
                // a skipped wake-up task hid it: a new one behind what followed it
                marker = new Marker();
                loop.execute(marker);
            } else if (task instanceof Marker || task == null) {
                continue;
            } else if (REGISTRATION.equals(task.getClass().getName())) {
                task.run();
            } else {
                held.add(task);
            }
        }
    }

    /** Runs the held tasks, in their order, once the loop is free again. */
    private final class Marker implements Runnable {
        @Override
        public void run() {
            List<Runnable> tasks = new ArrayList<>(held);
            held.clear();
            for (Runnable task : tasks) {
                try {
                    task.run();
                } catch (Throwable t) {
                    // as the loop itself does with a failing task
                    LOG.warn("a task held during a busy script failed", t);
                }
            }
        }
    }

    private Runnable invoke(Method method) {
        try {
            return (Runnable) method.invoke(loop);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
