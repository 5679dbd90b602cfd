package kv.engine;

import kv.util.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.Reply;
import kv.store.Db;
import kv.store.ValueType;
import kv.util.Numbers;

/**
 * One invocation of a command: its arguments, the calling client, where the reply goes, and the
 * server it runs against. This is the API every command family (and later the scripting engine)
 * is written against.
 */
public final class Call {
    private final Server server;
    private Client client;
    private byte[][] argv;
    private Reply reply;
    private CommandSpec spec;
    /**
     * Whether the handler decided what to propagate instead of its own argv (else the default
     * rule): the first replacement, then any further ones (most handlers give one or none).
     */
    private boolean replaced;
    private byte[][] firstReplacement;
    private List<byte[][]> moreReplacements;
    /** Set by {@link #block}: the client waits for these keys. */
    private BlockRequest blockRequest;
    /** What {@link KeyspaceEvents#reportAs} names this command's further changes as (null: its own names). */
    KeyspaceEvents.Notice[] eventOverride;

    /**
     * Reuses this object for the next command (the dispatcher keeps one per nesting level, so the
     * common path allocates none). A Call is only valid while its handler runs.
     */
    Call reset(Client client, byte[][] argv, Reply reply, CommandSpec spec) {
        // a reference stored into this long-lived object costs G1's write barrier (a StoreLoad fence
        // when it crosses regions): skipped when the value is the one already held (the same client,
        // reply and command all through EXEC's queue or a pipeline of one command)
        if (this.client != client) {
            this.client = client;
        }
        this.argv = argv;
        if (this.reply != reply) {
            this.reply = reply;
        }
        if (this.spec != spec) {
            this.spec = spec;
        }
        this.eventOverride = null;
        this.replaced = false;
        this.firstReplacement = null;
        this.moreReplacements = null;
        this.blockRequest = null;
        return this;
    }

    public Call(Server server, Client client, byte[][] argv, Reply reply, CommandSpec spec) {
        this.server = server;
        this.client = client;
        this.argv = argv;
        this.reply = reply;
        this.spec = spec;
    }

    public Server server() {
        return server;
    }

    public Client client() {
        return client;
    }

    public Reply reply() {
        return reply;
    }

    public CommandSpec spec() {
        return spec;
    }

    /** The client's selected database. */
    public Db db() {
        return server.keyspace().db(client.db());
    }

    public long now() {
        return server.keyspace().clock().now();
    }

    /** Number of arguments, the command name included. */
    public int argc() {
        return argv.length;
    }

    public byte[] arg(int i) {
        return argv[i];
    }

    public byte[][] args() {
        return argv;
    }

    /**
     * Argument {@code i} as text, one char per byte (ISO-8859-1), for names and keywords (never for
     * data). Error messages quote arguments through {@link kv.util.ClientText}.
     */
    public String text(int i) {
        return new String(argv[i], StandardCharsets.ISO_8859_1);
    }

    /** True if argument {@code i} equals the ASCII {@code token}, ignoring case. */
    public boolean is(int i, String token) {
        return Tokens.equalsIgnoreCase(argv[i], token);
    }

    /** Argument {@code i} as a 64-bit integer, or the "not an integer" error. */
    public long longArg(int i) {
        return longArg(i, Errors.NOT_INTEGER);
    }

    public long longArg(int i, String error) {
        byte[] a = argv[i];
        if (!Numbers.isLong(a)) {
            throw new CommandError(error);
        }
        return Numbers.parseLong(a);
    }

    /** Argument {@code i} as an integer of at least 0, else Redis' "must be positive" error. */
    public long positiveLongArg(int i) {
        long v = longArg(i, Errors.NOT_POSITIVE);
        if (v < 0) {
            throw new CommandError(Errors.NOT_POSITIVE);
        }
        return v;
    }

    /** Argument {@code i} as an int within [min, max], else {@code error}. */
    public int intArg(int i, long min, long max, String error) {
        long v = longArg(i, error);
        if (v < min || v > max) {
            throw new CommandError(error);
        }
        return (int) v;
    }

    /**
     * Propagates {@code argv} instead of this command (in the caller's database, after anything
     * propagated before); may be called several times. Without it a write command that changed
     * keys propagates itself as it was called, and anything else propagates nothing.
     */
    public void propagate(byte[]... argv) {
        if (firstReplacement == null) {
            firstReplacement = argv;
        } else {
            if (moreReplacements == null) {
                moreReplacements = new ArrayList<>(2);
            }
            moreReplacements.add(argv);
        }
        replaced = true;
    }

    /**
     * Propagates nothing for this command even though it changed keys (XREADGROUP re-reading a
     * consumer's history updates delivery counts that Redis does not replicate). A later
     * {@link #propagate} still adds its command.
     */
    public void propagateNothing() {
        replaced = true;
    }

    /**
     * Hands what the handler gave with {@link #propagate} to {@code target} in database {@code db};
     * false if the handler gave nothing and called no {@link #propagateNothing} (the default rule applies).
     */
    boolean propagateReplacements(Propagator target, int db) {
        if (!replaced) {
            return false;
        }
        if (firstReplacement != null) {
            target.propagate(db, firstReplacement);
            if (moreReplacements != null) {
                for (byte[][] argv : moreReplacements) {
                    target.propagate(db, argv);
                }
            }
        }
        return true;
    }

    /**
     * Publishes a keyspace notification for {@code key} that is not one of the mutation funnel's
     * changes (LTRIM that kept everything, XADD's trim, a consumer a read created): most commands
     * need none, their changes are named by {@link EventNames}.
     */
    public void keyspaceEvent(int type, String event, byte[] key) {
        server.keyspaceEvents().emit(db(), key, KeyspaceEvents.Notice.of(type, event));
    }

    /**
     * The rest of this command's changes publish nothing by themselves (BITFIELD, which names its
     * change only if a write happened, with {@link #keyspaceEvent}).
     */
    public void silentChanges() {
        server.keyspaceEvents().reportAs();
    }

    /** Ends the command with an error reply. */
    public CommandError error(String message) {
        return new CommandError(message);
    }

    // ---- blocking commands ----

    /** What a blocking command waits for: keys of one type, until a deadline (unix ms, 0 = none). */
    public record BlockRequest(byte[][] keys, ValueType type, long deadlineMs, boolean unblockOnNoKey,
            java.util.function.Consumer<Reply> timeoutReply) {
        BlockRequest(byte[][] keys, ValueType type, long deadlineMs, boolean unblockOnNoKey) {
            this(keys, type, deadlineMs, unblockOnNoKey, null);
        }
    }

    /**
     * False where a command may not block (inside MULTI, scripts): a blocking command then answers
     * at once as if it had timed out.
     */
    public boolean mayBlock() {
        return !client.denyBlocking();
    }

    /**
     * Ends this command without a reply: the client waits until one of {@code keys} holds a value
     * of {@code type} (the command then runs again, from the start) or {@code deadlineMs} passes
     * (it then gets a null array). Only when {@link #mayBlock()}.
     */
    public void block(ValueType type, long deadlineMs, byte[]... keys) {
        blockRequest = new BlockRequest(keys, type, deadlineMs, false);
    }

    /** Like {@link #block}, but a deletion of a key also wakes the client (XREADGROUP). */
    public void blockUntilChangedOrDeleted(ValueType type, long deadlineMs, byte[]... keys) {
        blockRequest = new BlockRequest(keys, type, deadlineMs, true);
    }

    /**
     * Ends this command without a reply and waits for no key: whoever the command registered with
     * ends the wait by {@link Blocking#complete} (WAIT: the replicas' acknowledgements), or the
     * deadline (unix ms, 0 = none) passes and {@code timeoutReply} answers. Only when {@link #mayBlock()}.
     */
    public void blockUntilCompleted(long deadlineMs, java.util.function.Consumer<Reply> timeoutReply) {
        blockRequest = new BlockRequest(new byte[0][], null, deadlineMs, false, timeoutReply);
    }

    BlockRequest blockRequest() {
        return blockRequest;
    }

    /**
     * A blocking command's timeout argument in seconds (sub-second allowed, as a long double like
     * Redis parses it) as an absolute deadline in unix ms, 0 for none; Redis' errors otherwise.
     */
    public long timeoutArg(int i) {
        return BlockTimeouts.deadline(argv[i], System.currentTimeMillis());
    }
}
