package kv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.local.LocalChannel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A task that holds the event loop (a busy script) registers the channels queued meanwhile at
 * once; every other queued task still runs after it, in its order, before later ones.
 */
class AcceptWhileBusyTest {

    @Test
    void registrationsRunInsideTheBusyTaskAndTheRestKeepsItsOrder() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            AcceptWhileBusy admission = new AcceptWhileBusy(loop);
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            LocalChannel channel = new LocalChannel();
            CountDownLatch queued = new CountDownLatch(1);
            var busy = loop.submit(() -> {
                await(queued);
                order.add("registered before: " + channel.isRegistered());
                admission.admitNewConnections();
                order.add("registered after: " + channel.isRegistered());
                loop.execute(() -> order.add("queued by the busy task"));
                admission.admitNewConnections();
                order.add("busy task ends");
            });
            loop.execute(() -> order.add("first"));
            loop.register(channel);
            loop.execute(() -> order.add("second"));
            queued.countDown();
            busy.get(10, TimeUnit.SECONDS);
            loop.submit(() -> order.add("later")).get(10, TimeUnit.SECONDS);
            assertEquals(List.of("registered before: false", "registered after: true", "busy task ends", "first", "second",
                    "queued by the busy task", "later"), order);
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void outsideTheLoopNothingHappens() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            new AcceptWhileBusy(loop).admitNewConnections();
            assertEquals(0, loop.pendingTasks());
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
