package kv.engine;

import kv.store.WrongTypeException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jboss.logging.Logger;

import kv.config.ServerConfig;
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
    private final Call outermost;
    /** How many commands are running, one inside the other (0 between commands). */
    private int depth;

    public Dispatcher(Server server) {
        this.server = server;
        this.outermost = new Call(server, null, null, null, null);
    }

    /** Outcome for the connection: the command ran (or was refused), or it must wait. */
    public enum Outcome { DONE, PAUSED }

    public Outcome execute(Client client, byte[][] argv, Reply network) {
        long now = server.keyspace().clock().update();
        client.lastInteractionMs(now);
        boolean muted = client.replyMode() == Client.ReplyMode.OFF || client.replyMode() == Client.ReplyMode.SKIP;
        Reply reply = muted ? new DiscardingReply(network.protocol()) : network;
        try {
            CommandSpec spec = resolve(argv, reply);
            if (spec == null) {
                return Outcome.DONE;
            }
            if (server.authRequired() && !client.authenticated() && !spec.has(CommandSpec.NO_AUTH)) {
                reject(spec, reply, Errors.NOAUTH);
                return Outcome.DONE;
            }
            if (server.clients().mustWait(client, spec, now)) {
                return Outcome.PAUSED;
            }
            run(spec, client, argv, reply);
            return Outcome.DONE;
        } finally {
            if (client.replyMode() == Client.ReplyMode.SKIP && muted) {
                client.replyMode(Client.ReplyMode.ON);
            }
            if (client.skipNextReply()) {
                client.skipNextReply(false);
                client.replyMode(Client.ReplyMode.SKIP);
            }
        }
    }

    /** Finds the command or subcommand and checks arity; replies with the error and returns null if unusable. */
    private CommandSpec resolve(byte[][] argv, Reply reply) {
        CommandSpec spec = server.commands().lookup(argv[0]);
        if (spec == null) {
            refuse(reply, Errors.unknownCommand(argv));
            return null;
        }
        if (spec.isContainer()) {
            if (argv.length == 1) {
                // a container with its own handler (COMMAND) runs it when called alone
                if (spec.handler() != null && spec.arityAccepts(1)) {
                    return spec;
                }
                reject(spec, reply, Errors.wrongArity(spec.fullName()));
                return null;
            }
            CommandSpec sub = spec.subcommand(new String(argv[1], StandardCharsets.UTF_8));
            if (sub == null || sub.handler() == null) {
                refuse(reply, Errors.unknownSubcommand(argv[1], spec.fullName()));
                return null;
            }
            spec = sub;
        }
        if (!spec.arityAccepts(argv.length)) {
            reject(spec, reply, Errors.wrongArity(spec.fullName()));
            return null;
        }
        return spec;
    }

    private void run(CommandSpec spec, Client client, byte[][] argv, Reply reply) {
        // a command run from inside another one (EXEC, scripts) gets its own Call
        Call call = depth == 0 ? outermost.reset(client, argv, reply, spec) : new Call(server, client, argv, reply, spec);
        depth++;
        ServerConfig config = server.config();
        Keyspace keyspace = server.keyspace();
        // TOUCH always touches: recognised by its spec (its original name), so renaming it changes nothing
        keyspace.noTouch(client.noTouch() && !"touch".equals(spec.fullName()));
        long changesBefore = keyspace.changes();
        // set before running, as Redis does: CLIENT LIST shows the caller's own command
        client.lastCommand(spec.fullName());
        long start = System.nanoTime();
        boolean failed = false;
        try {
            spec.handler().execute(call);
        } catch (CommandError e) {
            failed = true;
            reply.error(e.getMessage());
            server.stats().error(e.getMessage());
        } catch (WrongTypeException e) {
            failed = true;
            reply.error(Errors.WRONGTYPE);
            server.stats().error(Errors.WRONGTYPE);
        } catch (RuntimeException e) {
            failed = true;
            LOG.errorf(e, "command %s failed", spec.fullName());
            String message = "ERR internal error: " + e.getClass().getSimpleName();
            reply.error(message);
            server.stats().error(message);
        } finally {
            keyspace.noTouch(false);
            depth--;
        }
        propagate(call, client, spec, keyspace.changes() != changesBefore);
        long micros = (System.nanoTime() - start) / 1000;
        spec.calls++;
        spec.micros += micros;
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
        if (!spec.has(CommandSpec.SKIP_MONITOR) && !spec.has(CommandSpec.ADMIN)) {
            server.clients().feedMonitors(client, argv);
        }
    }

    /**
     * Redis' propagation rule: what the handler asked for, else the command itself if it is a write
     * that changed keys (a read, or a write that changed nothing, propagates nothing).
     */
    private void propagate(Call call, Client client, CommandSpec spec, boolean changed) {
        List<byte[][]> instead = call.propagated();
        Propagator propagator = server.propagator();
        if (instead != null) {
            for (byte[][] argv : instead) {
                propagator.propagate(client.db(), argv);
            }
        } else if (changed && spec.has(CommandSpec.WRITE)) {
            propagator.propagate(client.db(), call.args());
        }
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
