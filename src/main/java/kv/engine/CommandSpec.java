package kv.engine;

import io.vertx.core.json.JsonObject;

import kv.observe.LatencyHistogram;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One command or subcommand: the facts dumped from the reference servers (arity, flags, key
 * positions, documentation) plus KV's handler and its call statistics.
 */
public final class CommandSpec {
    public static final int WRITE = 1;
    public static final int READONLY = 1 << 1;
    public static final int DENYOOM = 1 << 2;
    public static final int ADMIN = 1 << 3;
    public static final int PUBSUB = 1 << 4;
    public static final int NOSCRIPT = 1 << 5;
    public static final int BLOCKING = 1 << 6;
    public static final int LOADING = 1 << 7;
    public static final int STALE = 1 << 8;
    public static final int SKIP_MONITOR = 1 << 9;
    public static final int SKIP_SLOWLOG = 1 << 10;
    public static final int FAST = 1 << 11;
    public static final int NO_AUTH = 1 << 12;
    public static final int NO_MULTI = 1 << 13;
    public static final int ALLOW_BUSY = 1 << 14;

    // KV's own bits, from the command's identity (its original name, so rename-command changes
    // nothing): the dispatcher tests these on every request, and a bit test costs less than a
    // string comparison
    /** EXEC: the checks that look into the queued commands. */
    public static final int EXEC = 1 << 20;
    /** PING: refused with MISCONF like a write. */
    public static final int PING = 1 << 21;
    /** TOUCH: touches keys even under CLIENT NO-TOUCH. */
    public static final int TOUCH = 1 << 22;
    /** Allowed in RESP2's subscribed mode. */
    public static final int SUBSCRIBED_OK = 1 << 23;
    /** Runs at once inside MULTI instead of being queued. */
    public static final int CONTROLS_TRANSACTION = 1 << 24;
    /** EVAL_RO, EVALSHA_RO, FCALL_RO: flagged readonly, but tracking follows the script's own reads. */
    public static final int READ_ONLY_SCRIPT = 1 << 25;
    /** A CLIENT subcommand: does not end CLIENT CACHING's one-command window. */
    public static final int CLIENT_SUBCOMMAND = 1 << 26;

    private final String fullName;
    /** The full JSON facts, looked up on first use (COMMAND INFO/DOCS): start-up never parses them. */
    private JsonObject facts;
    private final int arity;
    private final int flags;
    private final CommandSpec parent;
    private final Map<String, CommandSpec> subcommands = new LinkedHashMap<>();
    private CommandHandler handler;
    private final List<KeySpec> keySpecs;
    /** Commands whose key flags depend on their arguments (Redis' VARIABLE_FLAGS); null: as the specs say. */
    private KeyFlags keyFlags;
    /** Commands whose keys the specs cannot locate (Redis' getkeys_proc); null: the specs find them. */
    private KeyFinder keyFinder;
    /** Commands whose denyoom depends on what they run (scripts: Redis' getCommandFlags); null: the flag. */
    private OomRule oomRule;

    /** Decides denyoom for one call (see {@link #deniesOom}). */
    @FunctionalInterface
    public interface OomRule {
        boolean deniesOom(Server server, byte[][] argv);
    }

    /** Key flags decided by the arguments, as SET's depend on GET (registered by the command's family). */
    @FunctionalInterface
    public interface KeyFlags {
        List<String> of(byte[][] argv, KeySpec.KeyRef key);
    }

    /**
     * Finds the keys of a command whose specs say "unknown" (SORT's STORE may come anywhere),
     * returning refs to the command's own specs so their flags apply.
     */
    @FunctionalInterface
    public interface KeyFinder {
        List<KeySpec.KeyRef> find(byte[][] argv, List<KeySpec> specs);
    }

    /** How keyspace notifications name this command's changes (resolved on first use). */
    EventNames.Namer eventNamer;

    // statistics for INFO commandstats; written by the data thread only
    long calls;
    long micros;
    long rejectedCalls;
    long failedCalls;
    /** Created by the first call recorded while latency-tracking is on; null again after CONFIG RESETSTAT. */
    private LatencyHistogram latency;

    CommandSpec(CommandIndex.Entry entry, CommandSpec parent) {
        this.fullName = entry.name();
        this.arity = entry.arity();
        this.parent = parent;
        int f = 0;
        for (String flag : entry.flags()) {
            f |= flagBit(flag);
        }
        this.flags = f | identityBits(fullName);
        this.keySpecs = entry.keySpecs();
    }

    private static int identityBits(String name) {
        int bits = name.startsWith("client|") ? CLIENT_SUBCOMMAND : 0;
        switch (name) {
            case "exec": return bits | EXEC | CONTROLS_TRANSACTION;
            case "ping": return bits | PING | SUBSCRIBED_OK;
            case "touch": return bits | TOUCH;
            case "quit", "reset": return bits | SUBSCRIBED_OK | CONTROLS_TRANSACTION;
            case "discard", "multi", "watch": return bits | CONTROLS_TRANSACTION;
            case "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe":
                return bits | SUBSCRIBED_OK;
            case "eval_ro", "evalsha_ro", "fcall_ro": return bits | READ_ONLY_SCRIPT;
            default: return bits;
        }
    }

    private static int flagBit(String flag) {
        switch (flag) {
            case "write": return WRITE;
            case "readonly": return READONLY;
            case "denyoom": return DENYOOM;
            case "admin": return ADMIN;
            case "pubsub": return PUBSUB;
            case "noscript": return NOSCRIPT;
            case "blocking": return BLOCKING;
            case "loading": return LOADING;
            case "stale": return STALE;
            case "skip_monitor": return SKIP_MONITOR;
            case "skip_slowlog": return SKIP_SLOWLOG;
            case "fast": return FAST;
            case "no_auth": return NO_AUTH;
            case "no_multi": return NO_MULTI;
            case "allow_busy": return ALLOW_BUSY;
            default: return 0;
        }
    }

    /** "get", or "config|get" for a subcommand. */
    public String fullName() {
        return fullName;
    }

    /** The name the subcommand is called by (after the container name). */
    public String subName() {
        int bar = fullName.indexOf('|');
        return bar < 0 ? fullName : fullName.substring(bar + 1);
    }

    public int arity() {
        return arity;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Everything the reference servers report about the command (parsed on the first call in the process). */
    public JsonObject facts() {
        JsonObject f = facts;
        if (f == null) {
            f = CommandFacts.of(fullName);
            facts = f;
        }
        return f;
    }

    public CommandSpec parent() {
        return parent;
    }

    public boolean isContainer() {
        return !subcommands.isEmpty();
    }

    public CommandSpec subcommand(String name) {
        return subcommands.get(name.toLowerCase(Locale.ROOT));
    }

    public Collection<CommandSpec> subcommands() {
        return Collections.unmodifiableCollection(subcommands.values());
    }

    void addSubcommand(CommandSpec sub) {
        subcommands.put(sub.subName(), sub);
    }

    public CommandHandler handler() {
        return handler;
    }

    void handler(CommandHandler handler) {
        this.handler = handler;
    }

    public List<KeySpec> keySpecs() {
        return keySpecs;
    }

    void keyFlags(KeyFlags rule) {
        keyFlags = rule;
    }

    void keyFinder(KeyFinder finder) {
        keyFinder = finder;
    }

    void oomRule(OomRule rule) {
        oomRule = rule;
    }

    /**
     * Whether this call may grow memory, so it is refused when maxmemory cannot be honoured: the
     * denyoom flag, or for EVAL/FCALL what the script's flags say.
     */
    public boolean deniesOom(Server server, byte[][] argv) {
        return oomRule == null ? has(DENYOOM) : oomRule.deniesOom(server, argv);
    }

    /** The keys in {@code argv} (command name at 0); null if the arguments do not fit the key specs. */
    public List<KeySpec.KeyRef> keys(byte[][] argv) {
        List<KeySpec.KeyRef> found = KeySpec.find(keySpecs, argv, arity);
        return found == null && keyFinder != null ? keyFinder.find(argv, keySpecs) : found;
    }

    /** The flags of one key found by {@link #keys}, argument-dependent where the command says so. */
    public List<String> keyFlags(byte[][] argv, KeySpec.KeyRef key) {
        return keyFlags == null ? key.spec().flags() : keyFlags.of(argv, key);
    }

    /** True if {@code argc} (command name included) satisfies the arity. */
    public boolean arityAccepts(int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }

    public long calls() {
        return calls;
    }

    public long micros() {
        return micros;
    }

    public long rejectedCalls() {
        return rejectedCalls;
    }

    public long failedCalls() {
        return failedCalls;
    }

    /** The latency distribution of the calls recorded since start or CONFIG RESETSTAT; null if none. */
    public LatencyHistogram latency() {
        return latency;
    }

    void recordLatency(long nanos) {
        LatencyHistogram h = latency;
        if (h == null) {
            h = new LatencyHistogram();
            latency = h;
        }
        h.record(nanos);
    }

    void resetStats() {
        latency = null;
        calls = 0;
        micros = 0;
        rejectedCalls = 0;
        failedCalls = 0;
    }
}
