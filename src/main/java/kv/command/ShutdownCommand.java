package kv.command;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import kv.engine.Call;
import kv.engine.Client;
import kv.engine.Clients;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.Server;
import kv.repl.MasterSide;
import kv.script.ScriptEngine;

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], as redis-server 7.0.15: unless NOW (or
 * shutdown-timeout 0), a master whose replicas lag pauses writes and waits up to shutdown-timeout
 * seconds for every replica to acknowledge the whole stream, its caller blocked; then it saves
 * (SAVE, or save points unless NOSAVE; a failed save cancels unless FORCE) and exits. SHUTDOWN
 * ABORT during the wait cancels it: the waiting callers get an error, writes resume. One instance
 * per server (data thread only).
 */
final class ShutdownCommand {
    private static final Logger LOG = Logger.getLogger(ShutdownCommand.class);
    private static final String FAILED = "ERR Errors trying to SHUTDOWN. Check logs.";
    private static final long CHECK_MS = 100;

    private final Server server;
    /** While waiting for replicas: when the wait ends anyway (unix ms); 0 when no shutdown is in progress. */
    private long deadlineMs;
    private boolean save;
    private boolean nosave;
    private boolean force;
    private final List<Client> waiting = new ArrayList<>();

    private ShutdownCommand(Server server) {
        this.server = server;
    }

    static void register(CommandTable t) {
        t.register("shutdown", c -> of(c.server()).shutdown(c));
    }

    private static ShutdownCommand of(Server server) {
        ShutdownCommand s = server.component(ShutdownCommand.class);
        if (s == null) {
            s = new ShutdownCommand(server);
            server.attach(ShutdownCommand.class, s);
        }
        return s;
    }

    private void shutdown(Call c) {
        boolean saveArg = false;
        boolean nosaveArg = false;
        boolean abort = false;
        boolean now = false;
        boolean forceArg = false;
        for (int i = 1; i < c.argc(); i++) {
            if (c.is(i, "NOSAVE")) {
                nosaveArg = true;
            } else if (c.is(i, "SAVE")) {
                saveArg = true;
            } else if (c.is(i, "NOW")) {
                now = true;
            } else if (c.is(i, "FORCE")) {
                forceArg = true;
            } else if (c.is(i, "ABORT")) {
                abort = true;
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        if (saveArg && nosaveArg || abort && (saveArg || nosaveArg || now || forceArg)) {
            throw c.error(Errors.SYNTAX);
        }
        if (abort) {
            if (deadlineMs == 0) {
                throw c.error("ERR No shutdown in progress.");
            }
            cancel();
            LOG.info("Shutdown manually aborted.");
            c.reply().ok();
            return;
        }
        if (deadlineMs != 0) {
            // as Redis: a SHUTDOWN during the wait joins it, whatever its own flags
            block(c);
            return;
        }
        LOG.info("User requested shutdown...");
        save = saveArg;
        nosave = nosaveArg;
        force = forceArg;
        MasterSide master = server.component(MasterSide.class);
        long waitUntil = now || master == null ? 0 : master.beginShutdownWait(System.currentTimeMillis());
        if (waitUntil != 0) {
            deadlineMs = waitUntil;
            block(c);
            server.lifecycle().schedule(CHECK_MS, this::check);
            return;
        }
        if (!finish()) {
            throw c.error(FAILED);
        }
    }

    private void block(Call c) {
        Client client = c.client();
        waiting.add(client);
        c.blockUntilCompleted(0, r -> r.error(FAILED));
    }

    private void check() {
        if (deadlineMs == 0) {
            return;
        }
        MasterSide master = server.component(MasterSide.class);
        if (System.currentTimeMillis() < deadlineMs && !master.replicasCaughtUp()) {
            server.lifecycle().schedule(CHECK_MS, this::check);
            return;
        }
        if (!finish()) {
            cancel();
        }
    }

    /** The wait is over (or aborted): writes resume and every waiting SHUTDOWN gets the error. */
    private void cancel() {
        deadlineMs = 0;
        server.clients().unpause(Clients.PauseSource.SHUTDOWN);
        List<Client> callers = new ArrayList<>(waiting);
        waiting.clear();
        for (Client client : callers) {
            server.blocking().complete(client, r -> {
                r.error(FAILED);
                server.stats().error(FAILED);
            });
        }
    }

    /** Saves if asked to and exits; false (logged) when the save failed without FORCE. */
    private boolean finish() {
        MasterSide master = server.component(MasterSide.class);
        if (master != null) {
            master.logInSyncAtShutdown();
        }
        if (!nosave && (save || !server.config().saveParams().isEmpty())) {
            LOG.info("Saving the final RDB snapshot before exiting.");
            try {
                server.rdb().saveNow();
            } catch (IOException e) {
                LOG.warnf("Error trying to save the DB, can't exit: %s", e.getMessage());
                if (!force) {
                    LOG.warn("Errors trying to shut down the server. Check the logs for more information.");
                    return false;
                }
            }
        }
        server.rdb().shutdownHandled();
        for (Client client : server.clients().all()) {
            client.transport().closeAfterReply();
        }
        // a script running past its time limit (this SHUTDOWN came in through its hook) is stopped first
        ScriptEngine.of(server).killForShutdown();
        LOG.info("Redis is now ready to exit, bye bye...");
        server.lifecycle().shutdown(0);
        return true;
    }

    /** INFO server's shutdown_in_milliseconds, written only while a shutdown waits (as Redis). */
    static void info(Server server, StringBuilder sb) {
        ShutdownCommand s = server.component(ShutdownCommand.class);
        if (s != null && s.deadlineMs != 0) {
            sb.append("shutdown_in_milliseconds:").append(Math.max(0, s.deadlineMs - System.currentTimeMillis())).append("\r\n");
        }
    }
}
