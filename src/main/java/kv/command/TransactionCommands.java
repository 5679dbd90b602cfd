package kv.command;

import kv.engine.Call;
import kv.engine.Client;
import kv.engine.CommandTable;
import kv.engine.EffectBlock;
import kv.engine.Propagator;
import kv.engine.Server;
import kv.engine.Transaction;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH, as Redis 7: commands are queued by the dispatcher
 * (errors while queueing doom the EXEC), EXEC runs them through the same engine as a socket does,
 * a run-time error of one does not stop the others, and a watched key changed by anybody since
 * WATCH (or expired since) makes EXEC answer a null array.
 */
final class TransactionCommands {
    private TransactionCommands() {
    }

    static void register(CommandTable t) {
        t.register("multi", TransactionCommands::multi);
        t.register("exec", TransactionCommands::exec);
        t.register("discard", TransactionCommands::discard);
        t.register("watch", TransactionCommands::watch);
        t.register("unwatch", TransactionCommands::unwatch);
    }

    private static void multi(Call c) {
        if (c.client().transaction() != null) {
            throw c.error("ERR MULTI calls can not be nested");
        }
        c.client().transaction(new Transaction());
        c.reply().ok();
    }

    private static void discard(Call c) {
        Client client = c.client();
        if (client.transaction() == null) {
            throw c.error("ERR DISCARD without MULTI");
        }
        end(c.server(), client);
        c.reply().ok();
    }

    /** Leaves MULTI and forgets the watches (EXEC, DISCARD, RESET). */
    static void end(Server server, Client client) {
        client.transaction(null);
        client.transactionDoomed(false);
        server.watches().unwatchAll(client);
    }

    private static void exec(Call c) {
        Client client = c.client();
        Transaction t = client.transaction();
        if (t == null) {
            throw c.error("ERR EXEC without MULTI");
        }
        Server server = c.server();
        boolean doomed = client.transactionDoomed() || server.watches().watchedKeyExpired(client);
        end(server, client);
        if (t.hasQueueingErrors()) {
            throw c.error("EXECABORT Transaction discarded because of previous errors.");
        }
        if (doomed) {
            c.reply().nullArray();
            return;
        }
        // what the commands propagate is held, then handed on as one block (MULTI/EXEC around more
        // than one effect), so that a replay applies the transaction atomically too
        // (a fresh block, not one kept for reuse: stores into a young object cost no G1 barrier)
        int n = t.size();
        Propagator outer = server.propagator();
        EffectBlock effects = new EffectBlock(n);
        server.propagateTo(effects);
        try {
            c.reply().array(n);
            for (int i = 0; i < n; i++) {
                server.dispatcher().runQueued(client, t.spec(i), t.argv(i), c.reply());
            }
        } finally {
            server.propagateTo(outer);
        }
        effects.flushTo(outer);
    }

    private static void watch(Call c) {
        if (c.client().transaction() != null) {
            throw c.error("ERR WATCH inside MULTI is not allowed");
        }
        for (int i = 1; i < c.argc(); i++) {
            c.server().watches().watch(c.client(), c.arg(i));
        }
        c.reply().ok();
    }

    private static void unwatch(Call c) {
        c.server().watches().unwatchAll(c.client());
        c.client().transactionDoomed(false);
        c.reply().ok();
    }
}
