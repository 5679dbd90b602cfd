package kv.command;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.repl.ReplicaSide;
import kv.util.Numbers;

/** REPLICAOF / SLAVEOF and ROLE: which master this server follows, and what it is. */
final class ReplicationCommands {
    private ReplicationCommands() {
    }

    static void register(CommandTable t) {
        t.register("replicaof", ReplicationCommands::replicaOf);
        t.register("slaveof", ReplicationCommands::replicaOf);
        t.register("role", ReplicationCommands::role);
    }

    private static void replicaOf(Call c) {
        ReplicaSide side = ReplicaSide.of(c.server());
        if (side == null) {
            throw c.error("ERR replication is not available in this server");
        }
        String requester = "id=" + c.client().id() + " addr=" + c.client().transport().remoteAddress();
        if (c.is(1, "no") && c.is(2, "one")) {
            side.noOne(requester);
            c.reply().ok();
            return;
        }
        long port = Numbers.isLong(c.arg(2)) ? Numbers.parseLong(c.arg(2)) : -1;
        if (port < 0 || port > 65535) {
            throw c.error("ERR Invalid master port");
        }
        String host = new String(c.arg(1), java.nio.charset.StandardCharsets.ISO_8859_1);
        c.reply().simple(side.replicaOf(host, (int) port, requester));
    }

    /** ROLE: ["master", offset, replicas] or ["slave", host, port, state, offset]. */
    private static void role(Call c) {
        ReplicaSide side = ReplicaSide.of(c.server());
        if (side != null && side.isReplica()) {
            side.role(c.reply());
            return;
        }
        c.reply().array(3);
        c.reply().bulkText("master");
        c.reply().integer(c.server().replication().offset());
        c.reply().array(0);
    }
}
