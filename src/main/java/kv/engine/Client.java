package kv.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import kv.protocol.Reply;

/**
 * The state of one client, independent of the transport: selected db, protocol version, name,
 * authentication, reply mode. Connections own one; scripting will create its own.
 */
public final class Client {
    public enum ReplyMode { ON, OFF, SKIP }

    /** What a client needs from its transport. */
    public interface Transport {
        /** Closes after pending replies are written. */
        void closeAfterReply();

        /**
         * Closes at once, dropping what is still unsent (a client over its output limit: waiting for
         * a consumer that does not read would keep the memory). Without a socket, as closeAfterReply.
         */
        default void closeDiscardingOutput() {
            closeAfterReply();
        }

        String remoteAddress();

        String localAddress();

        /** True for loopback and unix-socket connections. */
        boolean isLocal();

        /**
         * Reply bytes buffered and not yet written to the socket, wherever they wait: what
         * client-output-buffer-limit acts on and INFO's client_recent_max_output_buffer shows.
         */
        long pendingOutput();

        /** The same output split the way CLIENT LIST shows it; a transport without buffers has only the total. */
        default OutputUsage outputUsage() {
            return new OutputUsage(0, 0, 0, 0, pendingOutput());
        }

        /** {@link #outputUsage()}'s queuedBytes alone (what the output limits check after every push). */
        default long queuedOutput() {
            return outputUsage().queuedBytes();
        }

        /** Bytes held for input not yet run: the partial request and input held back (pause, blocking). */
        default long pendingInput() {
            return 0;
        }

        /**
         * The most input held since the previous call: the largest request parsed meanwhile (its
         * arguments' bytes), or {@link #pendingInput()} if more; the cron asks for it once per pass.
         */
        default long takeInputPeak() {
            return pendingInput();
        }

        /**
         * Queues an out-of-band message (MONITOR lines, later pub/sub pushes and invalidations)
         * after the replies already buffered; it is written with the client's other pushes once
         * per event-loop turn, or with its own replies if it is the client being served.
         */
        void push(Consumer<Reply> message);

        /**
         * Reads and runs whatever input is waiting on this client's socket now, from inside a
         * long-running command on the data thread (a script past busy-reply-threshold serves
         * SCRIPT KILL this way). No-op without a socket.
         */
        default void pollInput() {
        }
    }

    /**
     * A client's unwritten output as CLIENT LIST reports it: {@code bufferBytes} (obl) wait in the
     * reply chunk being filled, of {@code bufferCapacity} (rbs), whose peak use lately was
     * {@code bufferPeak} (rbp); {@code queuedBuffers} (oll)
     * further buffers hold {@code queuedBytes} (omem), either filled chunks or buffers handed
     * to the socket and not yet accepted by the kernel.
     */
    public record OutputUsage(long bufferBytes, long bufferCapacity, long bufferPeak, long queuedBuffers, long queuedBytes) {
        public long total() {
            return bufferBytes + queuedBytes;
        }
    }

    private final long id;
    private final Transport transport;
    private final long createdMs;
    private long lastInteractionMs;
    private int db;
    private int protocol = 2;
    private byte[] name;
    private String libName;
    private String libVersion;
    private boolean authenticated;
    private ReplyMode replyMode = ReplyMode.ON;
    private boolean skipNextReply;
    private boolean noEvict;
    private boolean noTouch;
    private boolean monitor;
    private String lastCommand = "NULL";
    /** Set between MULTI and EXEC/DISCARD. */
    private Transaction transaction;
    /** A watched key changed: the next EXEC fails (Redis' CLIENT_DIRTY_CAS). */
    private boolean transactionDoomed;
    /** Unix seconds since the output has been over the soft limit, 0 when it is not. */
    private long softLimitSince;
    /** Over its output limit: closed on the next turn of the loop, nothing more is queued for it. */
    private boolean closeScheduled;
    /** Waiting in a blocking command (CLIENT LIST flag b). */
    private boolean blocked;
    /** Holding a command back while CLIENT PAUSE lasts (flag b and blocked_clients, as in Redis). */
    private boolean postponed;
    /** Blocking commands answer at once (set by MULTI, scripts: Redis' CLIENT_DENY_BLOCKING). */
    private boolean denyBlocking;
    /** CLIENT TRACKING options, null while tracking is off. */
    private Tracking.Mode tracking;
    /** Set while the client's own command runs: messages for it wait in {@link #heldPushes}. */
    private boolean executing;
    private List<Consumer<Reply>> heldPushes;
    /** This connection is a replica of ours (it sent SYNC/PSYNC): CLIENT LIST flag S, type replica. */
    private boolean replica;
    /** master_repl_offset right after this client's last command that was streamed (Redis' woff; WAIT waits for it). */
    private long replOffset;
    /** The client applying this replica's master stream (Redis' CLIENT_MASTER): its commands are obeyed. */
    private boolean master;

    public Client(long id, Transport transport, long nowMs, boolean authenticated) {
        this.id = id;
        this.transport = transport;
        this.createdMs = nowMs;
        this.lastInteractionMs = nowMs;
        this.authenticated = authenticated;
    }

    public long id() { return id; }
    /** Whether this client is the link with our master: never refused READONLY, OOM or MISCONF, never idle-closed. */
    public boolean isMaster() { return master; }
    public void master(boolean value) { master = value; }

    /** True for loopback and unix-socket connections (what "local" means in enable-*-configs). */
    public boolean isLocal() {
        return transport.isLocal();
    }
    public Transport transport() { return transport; }
    public long createdMs() { return createdMs; }
    public long lastInteractionMs() { return lastInteractionMs; }
    public void lastInteractionMs(long ms) { lastInteractionMs = ms; }
    public int db() { return db; }
    public void db(int index) { db = index; }
    public int protocol() { return protocol; }
    public void protocol(int version) { protocol = version; }
    public byte[] name() { return name; }
    public void name(byte[] value) { name = value; }
    public String nameText() { return name == null ? "" : new String(name, StandardCharsets.UTF_8); }
    public String libName() { return libName; }
    public void libName(String value) { libName = value; }
    public String libVersion() { return libVersion; }
    public void libVersion(String value) { libVersion = value; }
    public boolean authenticated() { return authenticated; }
    public void authenticated(boolean value) { authenticated = value; }
    public ReplyMode replyMode() { return replyMode; }
    public void replyMode(ReplyMode mode) { replyMode = mode; }
    public boolean skipNextReply() { return skipNextReply; }
    public void skipNextReply(boolean value) { skipNextReply = value; }
    public boolean noEvict() { return noEvict; }
    public void noEvict(boolean value) { noEvict = value; }
    public boolean noTouch() { return noTouch; }
    public void noTouch(boolean value) { noTouch = value; }
    public boolean monitor() { return monitor; }
    public void monitor(boolean value) { monitor = value; }
    public String lastCommand() { return lastCommand; }
    public boolean closeScheduled() { return closeScheduled; }
    public void closeScheduled(boolean value) { closeScheduled = value; }
    public long softLimitSince() { return softLimitSince; }
    public void softLimitSince(long unixSeconds) { softLimitSince = unixSeconds; }
    public Transaction transaction() { return transaction; }
    public void transaction(Transaction t) { transaction = t; }
    public boolean transactionDoomed() { return transactionDoomed; }
    public void transactionDoomed(boolean value) { transactionDoomed = value; }
    public void lastCommand(String fullName) {
        if (lastCommand != fullName) { // skips G1's write barrier when the command repeats
            lastCommand = fullName;
        }
    }
    public boolean blocked() { return blocked; }
    void blocked(boolean value) { blocked = value; }
    public boolean postponed() { return postponed; }
    void postponed(boolean value) { postponed = value; }
    public boolean denyBlocking() { return denyBlocking; }
    /** Client-side caching options, null while tracking is off. */
    public Tracking.Mode tracking() { return tracking; }
    void tracking(Tracking.Mode mode) { tracking = mode; }

    /**
     * Queues a pub/sub message (keyspace notifications included) for this client. One raised by the
     * client's own command waits until that command (a whole EXEC) has replied, as Redis 7.2 does,
     * so a RESP3 client never finds a push in the middle of its reply.
     */
    public void push(Consumer<Reply> message) {
        if (executing) {
            if (heldPushes == null) {
                heldPushes = new ArrayList<>(2);
            }
            heldPushes.add(message);
            return;
        }
        transport.push(message);
    }

    /** The client's command starts (true) or has replied (false: held messages go out now). */
    void executing(boolean value) {
        executing = value;
        if (!value && heldPushes != null) {
            List<Consumer<Reply>> held = heldPushes;
            heldPushes = null;
            for (Consumer<Reply> m : held) {
                transport.push(m);
            }
        }
    }
    public void denyBlocking(boolean value) { denyBlocking = value; }
    public boolean replica() { return replica; }
    public void replica(boolean value) { replica = value; }
    public long replOffset() { return replOffset; }
    void replOffset(long offset) { replOffset = offset; }

    /** What this client holds in memory: pending input, unsent output and the MULTI queue (used_memory counts it). */
    public long memoryUsage() {
        Transaction t = transaction();
        return transport.pendingInput() + transport.pendingOutput() + (t == null ? 0 : t.bytes());
    }
}
