package kv.server;

import io.netty.channel.Channel;
import io.netty.channel.nio.AbstractNioChannel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.jboss.logging.Logger;

/**
 * Netty's read of one channel, run now from inside a task of its event loop (a script holding the
 * data thread), as the loop's own wake-up would run it: the waiting bytes go through the pipeline.
 * NIO's unsafe offers that read publicly; epoll's ({@code epollInReady}) is package-private and is
 * reached reflectively (META-INF/native-image/kv/kv/reflect-config.json keeps it in the native image).
 */
final class ImmediateRead {
    private static final Logger LOG = Logger.getLogger(ImmediateRead.class);
    private static final String EPOLL_UNSAFE = "io.netty.channel.epoll.AbstractEpollChannel$AbstractEpollUnsafe";
    private static final Class<?> EPOLL_UNSAFE_CLASS;
    private static final Method EPOLL_IN_READY;

    static {
        Class<?> unsafeClass = null;
        Method inReady = null;
        try {
            unsafeClass = Class.forName(EPOLL_UNSAFE, false, Channel.class.getClassLoader());
            inReady = unsafeClass.getDeclaredMethod("epollInReady");
            inReady.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debugf("input of connections on the epoll transport waits for a busy script's end: %s", e.toString());
            unsafeClass = null;
            inReady = null;
        }
        EPOLL_UNSAFE_CLASS = unsafeClass;
        EPOLL_IN_READY = inReady;
    }

    private ImmediateRead() {
    }

    /** Reads what {@code channel} has waiting; only on the channel's event loop. */
    static void read(Channel channel) {
        Channel.Unsafe unsafe = channel.unsafe();
        if (unsafe instanceof AbstractNioChannel.NioUnsafe nio) {
            nio.read();
        } else if (EPOLL_UNSAFE_CLASS != null && EPOLL_UNSAFE_CLASS.isInstance(unsafe)) {
            try {
                EPOLL_IN_READY.invoke(unsafe);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }
}
