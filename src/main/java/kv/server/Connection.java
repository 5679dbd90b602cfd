package kv.server;

import kv.engine.Server;
import kv.engine.Client;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundBuffer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.NetSocketInternal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import kv.aof.AppendOnlyFile;
import kv.engine.Dispatcher;
import kv.protocol.ProtocolException;
import kv.protocol.Reply;
import kv.protocol.RespParser;
import kv.protocol.ReplyChunks;
import kv.protocol.RespWriter;
import kv.repl.ReplicaChannel;

/**
 * One client socket on the data thread: parses what arrives, runs each command, and writes all
 * replies of a read batch with one write (Vert.x flushes once at the end of the read), so a
 * pipeline costs one syscall rather than one per reply. Pushes from other clients' commands
 * (MONITOR) go into the same reply chunks, in order, and are written once per event-loop turn
 * by the {@link PushFlusher}.
 */
final class Connection implements Client.Transport, RespParser.Limits, PushFlusher.Target, ReplicaChannel {
    private static final Logger LOG = Logger.getLogger(Connection.class);
    private static final long REQUEST_HEAP_LIMIT = Runtime.getRuntime().maxMemory() / 8;

    private final Server server;
    private final NetSocketInternal socket;
    private final RespParser parser = new RespParser(this);
    private final RespWriter writer;
    private final PushFlusher pushFlusher;
    private final AppendOnlyFile aof;
    /** Replies are held until the AOF has written (always: forced) up to here; -1: nothing held. */
    private long heldUntil = -1;
    private final String remote;
    private final Context context;
    private final String local;
    private final boolean loopback;
    private Client client;
    /** Unprocessed input held while CLIENT PAUSE holds this client back. */
    private ByteBuf held;
    private byte[][] heldCommand;
    /** Blocked on keys (BLPOP...): input is held until the blocking machinery resumes us. */
    private boolean blocked;
    private boolean closing;
    /** The socket is gone and the writer released. */
    private boolean closed;
    private boolean outputBackpressure;
    /** Marked for this turn's push flush (so a client fed many pushes in one turn is flushed once). */
    private boolean pushesMarked;
    private boolean wroteSinceIdleCheck;
    /** Runs when the socket's queue drains: input paused for back-pressure, a replica's RDB producer. */
    private final java.util.List<Runnable> drainWaiters = new java.util.ArrayList<>(1);
    /** A replica's own commands (REPLCONF ACK) get no reply: the socket carries the stream. */
    private Reply replicaReplies;
    /** The channel's queue of unwritten buffers as it was when the connection opened (see {@link #queuedInSocket}). */
    private final ChannelOutboundBuffer socketQueueAtStart;

    Connection(Server server, NetSocketInternal socket, PushFlusher pushFlusher, AppendOnlyFile aof) {
        this.server = server;
        this.socket = socket;
        this.pushFlusher = pushFlusher;
        this.aof = aof;
        this.writer = new RespWriter(socket.channelHandlerContext().alloc(), () -> client == null ? 2 : client.protocol());
        this.remote = format(socket.remoteAddress());
        this.local = format(socket.localAddress());
        this.loopback = isLoopback(socket.remoteAddress());
        this.context = Vertx.currentContext();
        this.socketQueueAtStart = socketQueue();
    }

    private static boolean isLoopback(SocketAddress a) {
        if (a == null || a.hostAddress() == null) {
            return true; // unix socket
        }
        try {
            // an address literal: no name lookup happens
            return InetAddress.getByName(a.hostAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String format(SocketAddress a) {
        if (a == null) {
            return "?:0";
        }
        String host = a.hostAddress();
        if (host == null) {
            return "unix:" + a.path();
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.port();
    }

    void start(Client client) {
        this.client = client;
        socket.messageHandler(this::onMessage);
        socket.closeHandler(v -> onClosed());
        socket.exceptionHandler(e -> LOG.debugf("client %s: %s", remote, e.getMessage()));
        socket.drainHandler(v -> drained());
    }

    private void drained() {
        if (drainWaiters.isEmpty()) {
            return;
        }
        java.util.List<Runnable> waiting = new java.util.ArrayList<>(drainWaiters);
        drainWaiters.clear();
        waiting.forEach(Runnable::run);
    }

    /** Refuses the connection with an error reply (protected mode, maxclients). */
    void refuse(String error) {
        ByteBuf b = Unpooled.copiedBuffer(("-" + error + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.writeMessage(b).onComplete(ar -> socket.close());
    }

    private void onMessage(Object message) {
        if (!(message instanceof ByteBuf)) {
            return;
        }
        ByteBuf in = (ByteBuf) message;
        try {
            server.stats().netInputBytes += in.readableBytes();
            server.stats().readsProcessed++;
            if (closing) {
                return;
            }
            if (heldCommand != null || blocked) {
                // still paused or blocked: keep the bytes for later, in order
                hold(in);
                return;
            }
            process(in);
        } finally {
            in.release();
        }
    }

    private void process(ByteBuf in) {
        try {
            byte[][] argv;
            while (!closing && (argv = parser.next(in)) != null) {
                Dispatcher.Outcome outcome = server.dispatcher().execute(client, argv, replyTarget());
                if (outcome == Dispatcher.Outcome.PAUSED) {
                    heldCommand = argv;
                    hold(in);
                    server.clients().whenUnpaused(this::resumeAfterPause);
                    break;
                }
                if (outcome == Dispatcher.Outcome.BLOCKED) {
                    blocked = true;
                    hold(in);
                    server.blocking().whenUnblocked(client, this::resumeAfterBlock);
                    break;
                }
            }
        } catch (ProtocolException e) {
            if (!e.hasReply()) {
                LOG.infof("Closing client that reached max query buffer length: id=%d addr=%s",
                        client == null ? 0 : client.id(), remote);
            }
            if (e.hasReply()) {
                writer.error(e.getMessage());
                server.stats().error(e.getMessage());
            }
            closeAfterReply();
        }
        flush();
    }

    private Reply replyTarget() {
        if (!client.replica()) {
            return writer;
        }
        if (replicaReplies == null) {
            replicaReplies = new kv.protocol.DiscardingReply(2);
        }
        return replicaReplies;
    }

    private void hold(ByteBuf in) {
        if (!in.isReadable()) {
            return;
        }
        if (held == null) {
            // from Netty's pooled allocator, whose leak detection would report a copy never released
            held = ByteBufAllocator.DEFAULT.heapBuffer(in.readableBytes());
        }
        held.writeBytes(in);
    }

    private void resumeAfterPause() {
        if (closing || heldCommand == null) {
            return;
        }
        byte[][] argv = heldCommand;
        heldCommand = null;
        if (server.dispatcher().execute(client, argv, writer) == Dispatcher.Outcome.PAUSED) {
            heldCommand = argv;
            server.clients().whenUnpaused(this::resumeAfterPause);
            flush();
            return;
        }
        processHeld();
    }

    /** The blocked command has its reply: write it and go on with the input that waited. */
    private void resumeAfterBlock() {
        if (closing || !blocked) {
            return;
        }
        blocked = false;
        processHeld();
    }

    /** Goes on with the input kept while the client was paused or blocked; the copy is released here. */
    private void processHeld() {
        ByteBuf rest = held;
        held = null;
        if (rest == null) {
            flush();
            return;
        }
        try {
            process(rest);
        } finally {
            rest.release();
        }
    }

    /** Hands everything the writer holds to the socket: flushed at the end of the read, or at once outside one. */
    private void writeOut() {
        ByteBuf out = writer.take();
        if (out != null) {
            wroteSinceIdleCheck = true;
            countOutput(out.readableBytes());
            server.stats().writesProcessed++;
            // no completion handler: the void promise saves a future per write
            socket.writeMessage(out, null);
        }
    }

    /**
     * Called about once a second, unless DEBUG REPLYBUFFER RESIZING 0: the reply buffer is resized
     * to the peak use as Redis' client cron does, and a connection that wrote nothing since the
     * previous call gives its reply chunk back to the pool, so idle clients hold no output memory.
     */
    void resizeOutput(long nowMs) {
        if (!closing && server.replyBufferResizing()) {
            ReplyChunks chunks = writer.chunks();
            int change = chunks.resize(nowMs, server.replyBufferPeakResetMs());
            if (change < 0) {
                server.stats().replyBufferShrinks++;
            } else if (change > 0) {
                server.stats().replyBufferExpands++;
            }
            if (!wroteSinceIdleCheck) {
                chunks.releaseEmptyTail();
            }
        }
        wroteSinceIdleCheck = false;
    }

    private void flush() {
        if (holdForSync()) {
            return;
        }
        flushNow();
    }

    private void flushNow() {
        if (client != null && !closing && server.outputLimits().enforce(client)) {
            return;
        }
        writeOut();
        if (closing) {
            socket.close();
            return;
        }
        // a client that pipelines without reading its replies must not grow our memory unbounded
        if (!outputBackpressure && socket.writeQueueFull() && (client == null || !client.replica())) {
            outputBackpressure = true;
            socket.pause();
            drainWaiters.add(() -> {
                outputBackpressure = false;
                socket.resume();
            });
        }
    }

    /**
     * Replies wait for the AOF: while what ran before them is not yet written to the file (or,
     * with appendfsync always, not yet forced to disk: group commit, one fsync per event-loop turn
     * for all clients), they stay in the writer and go out when the AOF releases this connection.
     * Commands this connection runs while held raise the position, so a release writes out only
     * replies whose effects are covered.
     */
    private boolean holdForSync() {
        long position = aof == null ? -1 : aof.positionToSync();
        if (position < 0) {
            return heldUntil >= 0;
        }
        boolean waiting = heldUntil >= 0;
        heldUntil = Math.max(heldUntil, position);
        if (!waiting) {
            aof.awaitSync(position, this::syncReached);
        }
        return true;
    }

    /** Released by the AOF: out if it covers every held batch (later ones raised the position), else wait on. */
    private void syncReached() {
        long needed = heldUntil;
        if (closed) {
            return;
        }
        if (!aof.durable(needed)) {
            aof.awaitSync(needed, this::syncReached);
            return;
        }
        heldUntil = -1;
        flushNow();
    }

    private void onClosed() {
        closing = true;
        closed = true;
        parser.reset();
        writer.release();
        if (held != null) {
            held.release();
            held = null;
        }
        heldCommand = null;
        if (client != null) {
            server.blocking().disconnected(client);
            server.clients().disconnect(client);
        }
    }

    @Override
    public void closeAfterReply() {
        if (closing) {
            return;
        }
        closing = true;
        // From this connection's own command, process() flushes and closes at the end of the batch.
        // From elsewhere (CLIENT KILL, idle timeout), even while CLIENT PAUSE holds this client,
        // close on the next turn of the loop after writing whatever is buffered.
        context.runOnContext(v -> flushPendingAndClose());
    }

    @Override
    public void closeDiscardingOutput() {
        if (closing) {
            return;
        }
        closing = true;
        // Vert.x's close waits for queued writes to flush, which a client that does not read never
        // lets happen: the close starts from Vert.x's own handler context, so it does not pass
        // through it, and Netty drops what is queued
        context.runOnContext(v -> socket.channelHandlerContext().close());
    }

    private void flushPendingAndClose() {
        writeOut();
        socket.close();
    }

    @Override
    public String remoteAddress() {
        return remote;
    }

    @Override
    public String localAddress() {
        return local;
    }

    @Override
    public boolean isLocal() {
        return loopback;
    }

    @Override
    public long pendingOutput() {
        return writer.chunks().pending() + queuedInSocket();
    }

    @Override
    public long pendingInput() {
        return parser.pendingBytes() + (held == null ? 0 : held.capacity());
    }

    @Override
    public long takeInputPeak() {
        return Math.max(parser.takeLargestRequest(), pendingInput());
    }

    @Override
    public Client.OutputUsage outputUsage() {
        ReplyChunks chunks = writer.chunks();
        ChannelOutboundBuffer socketQueue = socketQueue();
        int inTail = chunks.pendingInTail();
        long queuedBytes = chunks.pending() - inTail + (socketQueue == null ? 0 : socketQueue.totalPendingWriteBytes());
        int queuedBuffers = chunks.filledChunks() + (socketQueue == null ? 0 : socketQueue.size());
        return new Client.OutputUsage(inTail, chunks.tailCapacity(), chunks.peak(), queuedBuffers, queuedBytes);
    }

    @Override
    public long queuedOutput() {
        ReplyChunks chunks = writer.chunks();
        long inFilled = chunks.filledChunks() == 0 ? 0 : chunks.pending() - chunks.pendingInTail();
        return inFilled + queuedInSocket();
    }

    /** Netty's queue of buffers written and not yet accepted by the kernel; null once closed. */
    private ChannelOutboundBuffer socketQueue() {
        return socket.channelHandlerContext().channel().unsafe().outboundBuffer();
    }

    /**
     * Bytes Netty holds unwritten, with its bookkeeping per buffer. Asked after every pub/sub message
     * a subscriber gets: the channel's own queue, kept from the start, answers the usual "nothing"
     * without the walk through context, channel and unsafe (a cache miss each, per subscriber); a
     * closed channel has no queue any more, which the walk then finds.
     */
    private long queuedInSocket() {
        if (socketQueueAtStart == null || socketQueueAtStart.totalPendingWriteBytes() == 0) {
            return 0;
        }
        ChannelOutboundBuffer q = socketQueue();
        return q == null ? 0 : q.totalPendingWriteBytes();
    }

    @Override
    public void push(Consumer<Reply> message) {
        if (closing) {
            return;
        }
        message.accept(writer);
        if (!pushesMarked) {
            pushesMarked = true;
            pushFlusher.mark(this);
        }
    }

    @Override
    public void pollInput() {
        // the event loop is this thread, stuck in a script: run Netty's own read for this channel, which
        // delivers the bytes to onMessage as a selector wake-up would
        if (!closing) {
            ImmediateRead.read(socket.channelHandlerContext().channel());
        }
    }

    @Override
    public void flushPushes() {
        pushesMarked = false;
        // after a close the writer is released; a push in our own read batch went out with its replies;
        // replies held for an fsync must not leave early with a push
        if (!closing && heldUntil < 0) {
            writeOut();
        }
    }

    // ReplicaChannel: the socket of a client that became a replica

    @Override
    public void send(ByteBuf bytes) {
        if (closing) {
            bytes.release();
            return;
        }
        writeOut(); // whatever was replied before comes first
        server.stats().replOutputBytes += bytes.readableBytes();
        socket.writeMessage(bytes, null);
    }

    /** As Redis counts it: what a replica is sent is replication output, not client output. */
    private void countOutput(long bytes) {
        if (client != null && client.replica()) {
            server.stats().replOutputBytes += bytes;
        } else {
            server.stats().netOutputBytes += bytes;
        }
    }

    @Override
    public void sendFile(java.nio.file.Path file, long length, Consumer<Boolean> done) {
        if (closing) {
            done.accept(false);
            return;
        }
        writeOut();
        server.stats().replOutputBytes += length;
        socket.writeMessage(new io.netty.channel.DefaultFileRegion(file.toFile(), 0, length))
                .onComplete(ar -> done.accept(ar.succeeded()));
    }

    @Override
    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    @Override
    public void whenWritable(Runnable action) {
        if (closing) {
            return;
        }
        if (!socket.writeQueueFull()) {
            context.runOnContext(v -> action.run());
            return;
        }
        drainWaiters.add(action);
    }

    @Override
    public String remoteIp() {
        SocketAddress a = socket.remoteAddress();
        return a == null || a.hostAddress() == null ? "?" : a.hostAddress();
    }

    @Override
    public void noDelay(boolean on) {
        socket.channelHandlerContext().channel().config().setOption(io.netty.channel.ChannelOption.TCP_NODELAY, on);
    }

    // RespParser.Limits

    @Override
    public long maxBulkLength() {
        return server.config().protoMaxBulkLen();
    }

    /**
     * client-query-buffer-limit, but never more than an eighth of the JVM's maximum heap: one request
     * must fit in memory next to the data, or the process would die of OutOfMemoryError instead of
     * closing one connection (Redis' 1 GB default assumes the machine's memory behind malloc).
     */
    @Override
    public long queryBufferLimit() {
        return Math.min(server.config().clientQueryBufferLimit(), REQUEST_HEAP_LIMIT);
    }

    @Override
    public boolean authenticated() {
        return client == null || client.authenticated() || !server.authRequired();
    }
}
