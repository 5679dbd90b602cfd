package kv.engine;

import java.nio.charset.StandardCharsets;
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

        String remoteAddress();

        String localAddress();

        /** True for loopback and unix-socket connections. */
        boolean isLocal();

        /** Bytes of replies buffered and not yet written to the socket. */
        long pendingOutput();

        /** Writes an out-of-band message (MONITOR lines, later pub/sub pushes) and flushes it. */
        void push(Consumer<Reply> message);
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
    /** Waiting in a blocking command (CLIENT LIST flag b). */
    private boolean blocked;
    /** Blocking commands answer at once (set by MULTI, scripts: Redis' CLIENT_DENY_BLOCKING). */
    private boolean denyBlocking;

    public Client(long id, Transport transport, long nowMs, boolean authenticated) {
        this.id = id;
        this.transport = transport;
        this.createdMs = nowMs;
        this.lastInteractionMs = nowMs;
        this.authenticated = authenticated;
    }

    public long id() { return id; }

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
    public Transaction transaction() { return transaction; }
    public void transaction(Transaction t) { transaction = t; }
    public boolean transactionDoomed() { return transactionDoomed; }
    public void transactionDoomed(boolean value) { transactionDoomed = value; }
    public void lastCommand(String fullName) { lastCommand = fullName; }
    public boolean blocked() { return blocked; }
    void blocked(boolean value) { blocked = value; }
    public boolean denyBlocking() { return denyBlocking; }
    public void denyBlocking(boolean value) { denyBlocking = value; }
}
