package kv.command;

import java.nio.charset.StandardCharsets;
import java.util.List;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.ReplicationLog;
import kv.engine.Server;
import kv.protocol.Reply;
import kv.repl.Failover;
import kv.repl.MasterSide;
import kv.repl.ReplicaSide;
import kv.util.ClientText;
import kv.util.Numbers;

/**
 * Replication commands: which master this server follows (REPLICAOF/SLAVEOF, {@link ReplicaSide}),
 * what replicas of this server send (REPLCONF, SYNC, PSYNC, {@link MasterSide}), WAIT and ROLE.
 */
final class ReplicationCommands {
    private static final String WAIT_ON_REPLICA = "ERR WAIT cannot be used with replica instances. Please also note that "
            + "since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas "
            + "are just local and are not propagated.";
    /** Redis' NET_HOST_STR_LEN: an announced address must fit in it. */
    private static final int MAX_IP_LENGTH = 256;

    private ReplicationCommands() {
    }

    static void register(CommandTable t) {
        t.register("failover", ReplicationCommands::failover);
        t.register("replicaof", ReplicationCommands::replicaOf);
        t.register("slaveof", ReplicationCommands::replicaOf);
        t.register("replconf", ReplicationCommands::replconf);
        t.register("sync", ReplicationCommands::sync);
        t.register("psync", ReplicationCommands::psync);
        t.register("wait", ReplicationCommands::waitCommand);
        t.register("role", ReplicationCommands::role);
    }

    private static MasterSide master(Server s) {
        return s.component(MasterSide.class);
    }

    /** REPLCONF option value [option value ...]; ACK and GETACK get no reply. */
    private static void replconf(Call c) {
        if (c.argc() % 2 == 0) {
            throw c.error(Errors.SYNTAX);
        }
        MasterSide m = master(c.server());
        for (int i = 1; i < c.argc(); i += 2) {
            if (c.is(i, "listening-port")) {
                long port = c.longArg(i + 1);
                if (m != null) {
                    m.listeningPort(c.client(), (int) port);
                }
            } else if (c.is(i, "ip-address")) {
                byte[] ip = c.arg(i + 1);
                if (ip.length >= MAX_IP_LENGTH) {
                    throw c.error("ERR REPLCONF ip-address provided by replica instance is too long: " + ip.length + " bytes");
                }
                if (m != null) {
                    m.announcedIp(c.client(), new String(ip, StandardCharsets.ISO_8859_1));
                }
            } else if (c.is(i, "capa")) {
                if (m != null) {
                    m.capability(c.client(), c.text(i + 1));
                }
            } else if (c.is(i, "ack")) {
                // a replica's processed offset; never replied to (the link carries the stream)
                byte[] v = c.arg(i + 1);
                if (m != null && c.client().replica() && Numbers.isLong(v, 0, v.length)) {
                    m.ack(c.client(), Numbers.parseLong(v, 0, v.length));
                }
                return;
            } else if (c.is(i, "getack")) {
                // addressed to a replica by its master; a master has nothing to answer
                return;
            } else if (c.is(i, "rdb-only")) {
                long v = c.longArg(i + 1);
                if (v < 0 || v > 1) {
                    throw c.error("ERR value is out of range, value must between 0 and 1");
                }
                if (m != null) {
                    m.rdbOnly(c.client(), v == 1);
                }
            } else {
                throw c.error("ERR Unrecognized REPLCONF option: " + ClientText.of(c.arg(i)));
            }
        }
        c.reply().ok();
    }

    private static void sync(Call c) {
        startSync(c, "?", -1, true);
    }

    /** PSYNC replid offset: +CONTINUE from the backlog, or +FULLRESYNC and an RDB. */
    private static void psync(Call c) {
        if (c.argc() > 3 && c.is(3, "failover")) {
            // our master fails over to us: take over if it is the master we follow
            if (!c.text(1).equalsIgnoreCase(c.server().replication().replid())) {
                throw c.error("ERR PSYNC FAILOVER replid must match my replid.");
            }
            ReplicaSide side = ReplicaSide.of(c.server());
            if (side != null) {
                side.promoteForFailover(c.text(1), requester(c));
            }
        }
        Failover failover = c.server().component(Failover.class);
        if (failover != null && failover.running()) {
            throw c.error("NOMASTERLINK Can't SYNC while failing over");
        }
        byte[] off = c.arg(2);
        long offset = Numbers.isLong(off, 0, off.length) ? Numbers.parseLong(off, 0, off.length) : -1;
        startSync(c, c.text(1), offset, false);
    }

    private static void startSync(Call c, String replid, long offset, boolean prePsync) {
        MasterSide m = master(c.server());
        if (m == null || !m.sync(c.client(), replid, offset, prePsync)) {
            throw c.error("ERR replication needs a client connection");
        }
        // no reply here: MasterSide writes +FULLRESYNC / +CONTINUE on the link itself
    }

    /** WAIT numreplicas timeout(ms): the replicas that acknowledged this client's last write. */
    private static void waitCommand(Call c) {
        ReplicationLog log = c.server().replication();
        if (log.proxying()) {
            throw c.error(WAIT_ON_REPLICA);
        }
        long replicas = c.longArg(1);
        long timeout = c.longArg(2, "ERR timeout is not an integer or out of range");
        if (timeout < 0) {
            throw c.error("ERR timeout is negative");
        }
        MasterSide m = master(c.server());
        long target = c.client().replOffset();
        int acked = m == null ? 0 : m.acknowledged(target);
        if (acked >= replicas || !c.mayBlock() || m == null) {
            c.reply().integer(acked);
            return;
        }
        kv.engine.Client client = c.client();
        m.await(client, target, replicas);
        long deadline = timeout == 0 ? 0 : System.currentTimeMillis() + timeout;
        c.blockUntilCompleted(deadline, r -> {
            m.forgetWait(client);
            r.integer(m.acknowledged(target));
        });
    }

    private static void replicaOf(Call c) {
        ReplicaSide side = ReplicaSide.of(c.server());
        if (side == null) {
            throw c.error("ERR replication is not available in this server");
        }
        Failover failover = c.server().component(Failover.class);
        if (failover != null && failover.running()) {
            throw c.error("ERR REPLICAOF not allowed while failing over.");
        }
        String requester = requester(c);
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

    private static String requester(Call c) {
        return "id=" + c.client().id() + " addr=" + c.client().transport().remoteAddress();
    }

    /** FAILOVER [TO host port [FORCE]] [TIMEOUT ms] | FAILOVER ABORT, checked in Redis' order. */
    private static void failover(Call c) {
        Failover failover = c.server().component(Failover.class);
        if (failover == null) {
            throw c.error("ERR replication is not available in this server");
        }
        if (c.argc() == 2 && c.is(1, "abort")) {
            if (!failover.running()) {
                throw c.error("ERR No failover in progress.");
            }
            failover.abort("Failover manually aborted");
            c.reply().ok();
            return;
        }
        long timeout = 0;
        boolean force = false;
        String host = null;
        long port = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (c.is(i, "timeout") && i + 1 < c.argc() && timeout == 0) {
                timeout = c.longArg(i + 1);
                if (timeout <= 0) {
                    throw c.error("ERR FAILOVER timeout must be greater than 0");
                }
                i++;
            } else if (c.is(i, "to") && i + 2 < c.argc() && host == null) {
                port = c.longArg(i + 2);
                host = new String(c.arg(i + 1), StandardCharsets.ISO_8859_1);
                i += 2;
            } else if (c.is(i, "force") && !force) {
                force = true;
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        if (failover.running()) {
            throw c.error("ERR FAILOVER already in progress.");
        }
        if (c.server().replication().proxying()) {
            throw c.error("ERR FAILOVER is not valid when server is a replica.");
        }
        MasterSide master = master(c.server());
        if (master == null || master.replicaCount() == 0) {
            throw c.error("ERR FAILOVER requires connected replicas.");
        }
        if (force && (timeout == 0 || host == null)) {
            throw c.error("ERR FAILOVER with force option requires both a timeout and target HOST and IP.");
        }
        if (host != null) {
            MasterSide.ReplicaView target = master.replica(host, (int) port);
            if (target == null) {
                throw c.error("ERR FAILOVER target HOST and PORT is not a replica.");
            }
            if (!"online".equals(target.state())) {
                throw c.error("ERR FAILOVER target replica is not online.");
            }
        }
        failover.start(host, (int) port, timeout, force);
        c.reply().ok();
    }

    /**
     * ROLE: ["slave", host, port, state, offset] on a replica; on a master its offset and the online
     * replicas as [ip, port, acknowledged offset].
     */
    private static void role(Call c) {
        ReplicaSide side = ReplicaSide.of(c.server());
        if (side != null && side.isReplica()) {
            side.role(c.reply());
            return;
        }
        MasterSide m = master(c.server());
        List<MasterSide.ReplicaView> online = m == null ? List.of() : m.replicas(true);
        Reply r = c.reply();
        r.array(3);
        r.bulkText("master");
        r.integer(c.server().replication().offset());
        r.array(online.size());
        for (MasterSide.ReplicaView v : online) {
            r.array(3);
            r.bulkText(v.ip());
            r.bulkText(Integer.toString(v.port()));
            r.bulkText(Long.toString(v.ackOffset()));
        }
    }
}
