package kv.engine;

import org.jboss.logging.Logger;

/**
 * client-output-buffer-limit: a client whose unsent output passes its class's hard limit, or
 * stays past the soft limit for longer than the soft seconds, is disconnected (Redis'
 * checkClientOutputBufferLimits), so a consumer that does not read cannot grow the server's
 * memory without bound. The class is pubsub while the client listens to anything, else normal.
 */
public final class OutputLimits {
    private static final Logger LOG = Logger.getLogger(OutputLimits.class);
    private static final int NORMAL = 0;
    private static final int REPLICA = 1;
    private static final int PUBSUB = 2;

    private final Server server;

    OutputLimits(Server server) {
        this.server = server;
    }

    /** Checks {@code client} now; true if it was over its limit and is being closed. */
    public boolean enforce(Client client) {
        return enforce(client, 0);
    }

    /**
     * Checks {@code client} now, counting {@code heldBytes} it is owed beyond its transport's queue
     * too (a replica's stream held during its full sync); true if it is being closed.
     */
    public boolean enforce(Client client, long heldBytes) {
        if (client.closeScheduled()) {
            return true;
        }
        return enforce(client, heldBytes, client.replica() ? REPLICA : server.pubSub().subscribed(client) ? PUBSUB : NORMAL);
    }

    /** {@link #enforce(Client)} for a client that just got a pub/sub message (so it is subscribed). */
    boolean enforceSubscriber(Client client) {
        if (client.closeScheduled()) {
            return true;
        }
        // what a subscriber that reads sees after nearly every message: nothing queued beyond its reply
        // buffer reaches no limit and, with no soft-limit clock running, changes nothing (the check
        // below would come to the same; this skips its configuration lookup, once per receiver)
        if (client.softLimitSince() == 0 && client.transport().queuedOutput() == 0) {
            return false;
        }
        return enforce(client, 0, client.replica() ? REPLICA : PUBSUB);
    }

    private boolean enforce(Client client, long heldBytes, int cls) {
        long[] limit = server.config().outputBufferLimit(cls);
        if (limit[0] == 0 && limit[1] == 0) {
            return false;
        }
        // like Redis, the reply buffer being filled (its 16 KiB static buffer; here the current chunk)
        // does not count: only output queued beyond it, which a client that reads keeps near zero
        long used = client.transport().queuedOutput() + heldBytes;
        boolean hard = limit[0] > 0 && used >= limit[0];
        boolean soft = false;
        if (limit[1] > 0 && used >= limit[1]) {
            long nowSeconds = System.currentTimeMillis() / 1000;
            if (client.softLimitSince() == 0) {
                client.softLimitSince(nowSeconds); // first seen over the soft limit: the clock starts
            } else {
                soft = nowSeconds - client.softLimitSince() > limit[2];
            }
        } else {
            client.softLimitSince(0);
        }
        if (!hard && !soft) {
            return false;
        }
        LOG.warnf("Client id=%d addr=%s scheduled to be closed ASAP for overcoming of output buffer limits.",
                client.id(), client.transport().remoteAddress());
        client.closeScheduled(true);
        // it leaves its channels now, not when the socket has gone: later messages skip it
        server.pubSub().forget(client);
        client.transport().closeDiscardingOutput();
        return true;
    }
}
