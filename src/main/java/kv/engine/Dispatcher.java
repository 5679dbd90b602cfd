package kv.engine;

import kv.store.WrongTypeException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jboss.logging.Logger;

import kv.config.ServerConfig;
import kv.observe.ReadinessState;
import kv.protocol.DiscardingReply;
import kv.protocol.Reply;
import kv.store.Keyspace;

/**
 * Runs one request: looks the command up, applies the checks Redis applies before a command
 * runs (existence, arity, authentication, pause), calls the handler, then does the bookkeeping
 * that follows every command (statistics, slow log, latency monitor, MONITOR feed, reply modes).
 */
public final class Dispatcher {
    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private final Server server;
    /**
     * One reusable Call per nesting level (0: the outermost command; EXEC's and scripts' commands
     * run one level down), so running a command allocates none.
     */
    private Call[] calls;
    /** How many commands are running, one inside the other (0 between commands). */
    private int depth;
    /** A command read from the AOF runs (see {@link #replay}): what EXEC runs then counts no statistics. */
    private boolean replaying;

    public Dispatcher(Server server) {
        this.server = server;
        this.calls = new Call[] {new Call(server, null, null, null, null), new Call(server, null, null, null, null)};
    }

    /**
     * Outcome for the connection: the command ran (or was refused); it must wait for CLIENT PAUSE
     * to end (run it again then); or it blocked on keys (its reply comes later: hold further input
     * until {@link Blocking#whenUnblocked}).
     */
    public enum Outcome { DONE, PAUSED, BLOCKED }

    public Outcome execute(Client client, byte[][] argv, Reply network) {
        // one nanoTime per command both samples the clock (see Clock.at) and starts its duration
        long startNanos = System.nanoTime();
        long now = server.keyspace().clock().at(startNanos);
        client.lastInteractionMs(now);
        boolean muted = client.replyMode() == Client.ReplyMode.OFF || client.replyMode() == Client.ReplyMode.SKIP;
        Reply reply = muted ? new DiscardingReply(network.protocol()) : network;
        Transaction multi = client.transaction();
        boolean outermost = depth == 0;
        if (outermost) {
            client.executing(true);
            server.tracking().begin(client);
        }
        CommandSpec spec = null;
        try {
            spec = resolve(argv, reply, outermost ? client : null);
            if (spec == null) {
                if (multi != null) {
                    multi.failedToQueue();
                }
                return Outcome.DONE;
            }
            if (server.authRequired() && !client.authenticated() && !spec.has(CommandSpec.NO_AUTH)) {
                return refuse(spec, reply, client, Errors.NOAUTH);
            }
            boolean obeyed = client.isMaster();
            if (!obeyed && refusedForMemory(spec, argv, multi)) {
                return refuse(spec, reply, client, Errors.OOM);
            }
            String refusal = obeyed ? null : persistenceRefusal(spec, multi);
            if (refusal == null && !obeyed) {
                refusal = replicationRefusal(spec, multi);
            }
            if (refusal != null) {
                return refuse(spec, reply, client, refusal);
            }
            ReadinessState readiness = server.readiness();
            boolean replica = readiness.replica();
            if (replica && !obeyed && server.config().replicaReadOnly() && writes(spec, multi)) {
                return refuse(spec, reply, client, Errors.READONLY);
            }
            if (client.protocol() == 2 && !spec.has(CommandSpec.SUBSCRIBED_OK) && server.pubSub().subscribed(client)) {
                return refuse(spec, reply, client, "ERR Can't execute '" + spec.fullName() + "': only (P|S)SUBSCRIBE / "
                        + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            }
            if (replica && !readiness.masterLinkUp() && !server.config().replicaServeStaleData()
                    && deniedWhileStale(spec, multi)) {
                return refuse(spec, reply, client, Errors.MASTERDOWN);
            }
            // while a data file loads only commands flagged "loading" run (the loader has no socket);
            // checked where Redis' processCommand checks it: after the subscribed-mode check
            if (server.readiness().loading() && !spec.has(CommandSpec.LOADING)
                    && !(client.transport() instanceof DetachedTransport)) {
                return refuse(spec, reply, client, Errors.LOADING);
            }
            String busy = server.busyError();
            if (busy != null && !spec.has(CommandSpec.ALLOW_BUSY)) {
                return refuse(spec, reply, client, busy);
            }
            if (multi != null && !spec.has(CommandSpec.CONTROLS_TRANSACTION)) {
                if (spec.has(CommandSpec.NO_MULTI)) {
                    reject(spec, reply, "ERR Command not allowed inside a transaction");
                    multi.failedToQueue();
                    return Outcome.DONE;
                }
                multi.add(spec, argv, spec.deniesOom(server, argv));
                reply.queued();
                return Outcome.DONE;
            }
            if (server.clients().mustWait(client, spec, now)) {
                return Outcome.PAUSED;
            }
            return run(spec, client, argv, reply, false, startNanos) ? Outcome.BLOCKED : Outcome.DONE;
        } finally {
            if (client.replyMode() == Client.ReplyMode.SKIP && muted) {
                client.replyMode(Client.ReplyMode.ON);
            }
            if (client.skipNextReply()) {
                client.skipNextReply(false);
                client.replyMode(Client.ReplyMode.SKIP);
            }
            // what this command pushed goes to the clients blocked on those keys (after the outermost
            // command only: EXEC and scripts run theirs inside)
            if (outermost) {
                server.tracking().endOfRequest(client, spec);
                client.executing(false);
            }
            if (depth == 0) {
                server.blocking().drain();
            }
        }
    }

    /**
     * Runs a command read from the AOF as Redis' loader does, by calling its handler: none of a
     * request's checks (auth, memory, persistence, replication, LOADING, pause), no statistics, slow
     * log, latency or MONITOR feed (errors still count in errorstats), and nothing propagated (Redis
     * propagates nothing while loading). Inside MULTI a command is queued as a request's would be;
     * the commands EXEC then runs count only in total_commands_processed, as in Redis. A subcommand
     * or arity that does not fit gets its error. {@code command} is what {@code argv[0]} names (the
     * loader looks it up itself, to stop at an unknown name).
     */
    public void replay(Client client, CommandSpec command, byte[][] argv, Reply reply) {
        server.keyspace().clock().at(System.nanoTime());
        CommandSpec spec = resolve(command, argv, reply, null);
        Transaction multi = client.transaction();
        if (spec == null) {
            if (multi != null) {
                multi.failedToQueue();
            }
            return;
        }
        if (multi != null && !spec.has(CommandSpec.CONTROLS_TRANSACTION)) {
            if (spec.has(CommandSpec.NO_MULTI)) {
                refuse(reply, "ERR Command not allowed inside a transaction");
                multi.failedToQueue();
            } else {
                multi.add(spec, argv, spec.deniesOom(server, argv));
            }
            return;
        }
        replaying = true;
        client.executing(true);
        server.tracking().begin(client);
        try {
            invoke(callOfThisLevel().reset(client, argv, reply, spec), spec, client, reply);
        } finally {
            replaying = false;
            server.tracking().endOfRequest(client, spec);
            client.executing(false);
            server.blocking().drain();
        }
    }

    /**
     * Redis' maxmemory check before a command: evict as needed; if memory cannot be freed, refuse a
     * command that may grow it (denyoom), any command queued into MULTI, and an EXEC whose queue
     * holds one. Reads and everything else still run.
     */
    private boolean refusedForMemory(CommandSpec spec, byte[][] argv, Transaction multi) {
        if (depth > 0) {
            return false;
        }
        if (!server.eviction().beforeCommand()) {
            return false;
        }
        if (multi != null) {
            return !spec.has(CommandSpec.CONTROLS_TRANSACTION) || (spec.has(CommandSpec.EXEC) && multi.denyOom());
        }
        return spec.deniesOom(server, argv);
    }

    /**
     * Rejects the command; inside MULTI that also dooms the transaction (EXECABORT later), and a
     * refused EXEC discards it with the reason (Redis' rejectCommand → execCommandAbort).
     */
    private Outcome refuse(CommandSpec spec, Reply reply, Client client, String error) {
        Transaction multi = client.transaction();
        if (multi != null && spec.has(CommandSpec.EXEC)) {
            client.transaction(null);
            client.transactionDoomed(false);
            server.watches().unwatchAll(client);
            reject(spec, reply, "EXECABORT Transaction discarded because of: " + error);
            return Outcome.DONE;
        }
        reject(spec, reply, error);
        if (multi != null) {
            multi.failedToQueue();
        }
        return Outcome.DONE;
    }

    /** A write command, or an EXEC whose queue holds one (Redis' is_write_command for READONLY). */
    private static boolean writes(CommandSpec spec, Transaction multi) {
        if (spec.has(CommandSpec.WRITE)) {
            return true;
        }
        return multi != null && spec.has(CommandSpec.EXEC) && multi.anyQueued(CommandSpec.WRITE, true);
    }

    /** Without the stale flag, or an EXEC whose queue holds a command without it (Redis' is_denystale_command). */
    private static boolean deniedWhileStale(CommandSpec spec, Transaction multi) {
        if (!spec.has(CommandSpec.STALE)) {
            return true;
        }
        return multi != null && spec.has(CommandSpec.EXEC) && multi.anyQueued(CommandSpec.STALE, false);
    }

    /**
     * MISCONF for writes, an EXEC whose queue holds one, and PING (as Redis) after a failed BGSAVE (stop-writes-on-bgsave-error), or
     * while writing or forcing the AOF fails (the AOF reports it through the readiness state).
     */
    private String persistenceRefusal(CommandSpec spec, Transaction multi) {
        boolean queuedWrite = multi != null && spec.has(CommandSpec.EXEC) && multi.hasWrite();
        if (!spec.has(CommandSpec.WRITE) && !spec.has(CommandSpec.PING) && !queuedWrite) {
            return null;
        }
        if (server.rdb().refusesWrites()) {
            return Errors.MISCONF;
        }
        String aofError = server.readiness().persistenceError();
        return aofError == null ? null : "MISCONF " + aofError;
    }

    /**
     * NOREPLICAS for writes (and an EXEC that queued one) while min-replicas-to-write is not met by
     * replicas that acknowledged within min-replicas-max-lag, as Redis' processCommand checks it.
     */
    private String replicationRefusal(CommandSpec spec, Transaction multi) {
        ServerConfig c = server.config();
        if (c.minReplicasToWrite() == 0 || c.minReplicasMaxLag() == 0 || server.replication().proxying()) {
            return null;
        }
        boolean write = spec.has(CommandSpec.WRITE)
                || multi != null && spec.has(CommandSpec.EXEC) && multi.hasWrite();
        return write && server.replication().goodReplicas() < c.minReplicasToWrite() ? Errors.NOREPLICAS : null;
    }

    /**
     * Redis' scriptVerifyWriteCommandAllow: a write command a script runs is refused on a read-only
     * replica (unless the master sent the script), while persistence fails (MISCONF), or without
     * enough good replicas (NOREPLICAS); null when it may run.
     */
    public String scriptWriteRefusal(Client caller, CommandSpec write) {
        if (!caller.isMaster() && server.readiness().replica() && server.config().replicaReadOnly()) {
            return Errors.READONLY;
        }
        String refusal = persistenceRefusal(write, null);
        return refusal != null ? refusal : replicationRefusal(write, null);
    }

    /**
     * Runs a command queued by MULTI, from EXEC: the checks were made when it was queued, so only
     * the handler and its bookkeeping run (its reply goes into EXEC's array). Clients blocked on
     * keys the transaction changes are served when EXEC as a whole has completed.
     */
    public void runQueued(Client client, CommandSpec spec, byte[][] argv, Reply reply) {
        // inside EXEC a blocking command answers at once, as if its timeout had passed
        boolean denied = client.denyBlocking();
        client.denyBlocking(true);
        try {
            run(spec, client, argv, reply, false, System.nanoTime());
        } finally {
            client.denyBlocking(denied);
        }
    }

    /**
     * Runs a blocked client's command again because a key it waits for is ready (Redis 7.2
     * re-executes the command). True if it blocked again (it keeps its place in the queue).
     */
    boolean reexecute(Client client, CommandSpec spec, byte[][] argv, Reply reply) {
        long startNanos = System.nanoTime();
        server.keyspace().clock().at(startNanos);
        return run(spec, client, argv, reply, true, startNanos);
    }

    /** A blocked command ended by timeout or CLIENT UNBLOCK: it counts as one call, as in Redis. */
    void countUnblocked(CommandSpec spec, boolean failed) {
        spec.calls++;
        if (server.config().latencyTracking()) {
            spec.recordLatency(0); // Redis records its few µs of unblocking here; KV does not time them
        }
        if (failed) {
            spec.failedCalls++;
        }
        server.stats().commandsProcessed++;
    }

    /** Finds the command or subcommand and checks arity; replies with the error and returns null if unusable. */
    /**
     * Looks the command up and checks its arity. The {@code caller} of a request (null for a command
     * run from inside another) gets the command found as its last one, whatever is refused after,
     * as Redis records it at lookup: CLIENT LIST shows a queued, paused or refused command, and
     * NULL after an unknown one.
     */
    private CommandSpec resolve(byte[][] argv, Reply reply, Client caller) {
        return resolve(server.commands().lookup(argv[0]), argv, reply, caller);
    }

    /** {@link #resolve(byte[][], Reply, Client)} with the lookup of {@code argv[0]} done: {@code spec}. */
    private CommandSpec resolve(CommandSpec spec, byte[][] argv, Reply reply, Client caller) {
        if (spec == null) {
            named(caller, null);
            refuse(reply, Errors.unknownCommand(argv));
            return null;
        }
        if (spec.isContainer()) {
            if (argv.length == 1) {
                named(caller, spec);
                // a container with its own handler (COMMAND) runs it when called alone
                if (spec.handler() != null && spec.arityAccepts(1)) {
                    return spec;
                }
                reject(spec, reply, Errors.wrongArity(spec.fullName()));
                return null;
            }
            CommandSpec sub = spec.subcommand(new String(argv[1], StandardCharsets.UTF_8));
            if (sub == null || sub.handler() == null) {
                named(caller, null);
                refuse(reply, Errors.unknownSubcommand(argv[1], spec.fullName()));
                return null;
            }
            spec = sub;
        }
        named(caller, spec);
        if (!spec.arityAccepts(argv.length)) {
            reject(spec, reply, Errors.wrongArity(spec.fullName()));
            return null;
        }
        return spec;
    }

    private static void named(Client caller, CommandSpec spec) {
        if (caller != null) {
            caller.lastCommand(spec == null ? "NULL" : spec.fullName());
        }
    }

    /**
     * Runs the handler and its bookkeeping; true if the command blocked (then counted when it ends).
     * Its duration counts from {@code startNanos} (a request's: from before the dispatcher's checks).
     */
    private boolean run(CommandSpec spec, Client client, byte[][] argv, Reply reply, boolean reprocessing, long startNanos) {
        Call call = callOfThisLevel().reset(client, argv, reply, spec);
        ServerConfig config = server.config();
        Keyspace keyspace = server.keyspace();
        long changesBefore = keyspace.changes();
        long streamedBefore = server.replication().offset();
        boolean failed = invoke(call, spec, client, reply);
        if (replaying) {
            // a command EXEC runs in the AOF: counted as processed, no statistics (Redis' isAOFLoadingContext)
            server.stats().commandsProcessed++;
            return false;
        }
        Call.BlockRequest block = call.blockRequest();
        if (block != null && !failed) {
            if (!reprocessing) {
                server.blocking().park(client, spec, argv, reply, block);
                feedMonitors(spec, client, argv);
            }
            return true;
        }
        propagate(call, client, spec, keyspace.changes() != changesBefore);
        if (server.replication().offset() != streamedBefore) {
            client.replOffset(server.replication().offset());
        }
        server.tracking().afterCommand(client, spec, argv);
        long micros = (System.nanoTime() - startNanos) / 1000;
        spec.calls++;
        spec.micros += micros;
        if (config.latencyTracking()) {
            // Redis records whole microseconds, in nanoseconds
            spec.recordLatency(micros * 1000);
        }
        if (failed) {
            spec.failedCalls++;
        }
        server.stats().commandsProcessed++;
        long now = server.keyspace().clock().now();
        long slowerThan = config.slowlogLogSlowerThan();
        if (slowerThan >= 0 && micros >= slowerThan && !spec.has(CommandSpec.SKIP_SLOWLOG)) {
            server.slowLog().add(argv, micros, now, client.transport().remoteAddress(), client.nameText(), config.slowlogMaxLen());
        }
        long threshold = config.latencyMonitorThreshold();
        if (threshold > 0 && micros / 1000 >= threshold) {
            server.latency().record(spec.has(CommandSpec.FAST) ? "fast-command" : "command", micros / 1000, now);
        }
        if (!reprocessing) {
            feedMonitors(spec, client, argv);
        }
        return false;
    }

    /** The reusable Call of the current nesting level (a command run from inside another, by EXEC or a script, gets its own). */
    private Call callOfThisLevel() {
        if (depth == calls.length) {
            calls = Arrays.copyOf(calls, depth + 1);
            calls[depth] = new Call(server, null, null, null, null);
        }
        return calls[depth];
    }

    /** Runs the handler one nesting level down; true if it failed (its error is then the reply). */
    private boolean invoke(Call call, CommandSpec spec, Client client, Reply reply) {
        Keyspace keyspace = server.keyspace();
        // TOUCH always touches: recognised by its spec (its original name), so renaming it changes nothing
        keyspace.noTouch(client.noTouch() && !spec.has(CommandSpec.TOUCH));
        depth++;
        try {
            spec.handler().execute(call);
            return false;
        } catch (CommandError e) {
            reply.error(e.getMessage());
            server.stats().error(e.getMessage());
        } catch (WrongTypeException e) {
            reply.error(Errors.WRONGTYPE);
            server.stats().error(Errors.WRONGTYPE);
        } catch (RuntimeException e) {
            LOG.errorf(e, "command %s failed", spec.fullName());
            String message = "ERR internal error: " + e.getClass().getSimpleName();
            reply.error(message);
            server.stats().error(message);
        } finally {
            server.keyspaceEvents().commandEnded();
            keyspace.noTouch(false);
            depth--;
        }
        return true;
    }

    private void feedMonitors(CommandSpec spec, Client client, byte[][] argv) {
        if (!spec.has(CommandSpec.SKIP_MONITOR) && !spec.has(CommandSpec.ADMIN)) {
            server.clients().feedMonitors(client, argv);
        }
    }

    /**
     * Redis' propagation rule: what the handler asked for, else the command itself if it is a write
     * that changed keys (a read, or a write that changed nothing, propagates nothing).
     */
    private void propagate(Call call, Client client, CommandSpec spec, boolean changed) {
        Propagator propagator = server.propagator();
        if (!call.propagateReplacements(propagator, client.db()) && changed && spec.has(CommandSpec.WRITE)) {
            propagator.propagate(client.db(), call.args());
        }
    }

    /** The innermost command running (its Call), null between commands. */
    Call running() {
        return depth == 0 ? null : calls[depth - 1];
    }

    /** An error before the command could run, counted as a rejected call of that command. */
    private void reject(CommandSpec spec, Reply reply, String message) {
        spec.rejectedCalls++;
        refuse(reply, message);
    }

    private void refuse(Reply reply, String message) {
        reply.error(message);
        server.stats().error(message);
    }
}
