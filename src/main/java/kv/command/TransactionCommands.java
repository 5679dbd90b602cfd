package kv.command;

import java.util.ArrayList;
import java.util.List;

import kv.engine.Call;
import kv.engine.Client;
import kv.engine.CommandTable;
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
        List<Transaction.Queued> queued = t.queued();
        // what the commands propagate is collected, then wrapped in MULTI/EXEC when more than one
        // thing was propagated, so that a replay applies the transaction atomically too
        Propagator outer = server.propagator();
        List<Effect> effects = new ArrayList<>();
        server.propagateTo((db, argv) -> effects.add(new Effect(db, argv)));
        try {
            c.reply().array(queued.size());
            for (Transaction.Queued q : queued) {
                server.dispatcher().runQueued(client, q, c.reply());
            }
        } finally {
            server.propagateTo(outer);
        }
        boolean wrap = effects.size() > 1;
        if (wrap) {
            outer.propagate(effects.get(0).db(), new byte[][] {bytes("MULTI")});
        }
        for (Effect e : effects) {
            outer.propagate(e.db(), e.argv());
        }
        if (wrap) {
            outer.propagate(effects.get(effects.size() - 1).db(), new byte[][] {bytes("EXEC")});
        }
    }

    /** One propagated command of EXEC's queue, held until the block is complete. */
    private record Effect(int db, byte[][] argv) {
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
