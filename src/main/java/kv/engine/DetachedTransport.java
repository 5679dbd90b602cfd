package kv.engine;

import java.util.function.Consumer;

import kv.protocol.Reply;

/**
 * The transport of a client without a socket: what runs commands through the engine on the
 * server's own behalf (the AOF loader, EXEC's queue, Lua's redis.call, a replica applying its
 * master's stream, tests). Its replies go wherever the caller's {@link Reply} sends them.
 */
public final class DetachedTransport implements Client.Transport {
    private final String name;

    public DetachedTransport(String name) {
        this.name = name;
    }

    /** A client of {@code server} with no connection, authenticated, in db 0. */
    public static Client client(Server server, String name) {
        return server.clients().detached(new DetachedTransport(name), System.currentTimeMillis());
    }

    @Override
    public void closeAfterReply() {
        // nothing to close
    }

    @Override
    public String remoteAddress() {
        return name;
    }

    @Override
    public String localAddress() {
        return name;
    }

    @Override
    public boolean isLocal() {
        return true;
    }

    @Override
    public long pendingOutput() {
        return 0;
    }

    @Override
    public void push(Consumer<Reply> message) {
        // no one to push to
    }
}
