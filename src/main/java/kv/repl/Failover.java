package kv.repl;

import org.jboss.logging.Logger;

import kv.engine.Clients;
import kv.engine.Server;

/**
 * FAILOVER (Redis 6.2): a master hands its role to one of its replicas without losing a write.
 * Writes are paused; once the target (or, without TO, any replica) has acknowledged the whole
 * stream, this server becomes the target's replica and asks it with {@code PSYNC … FAILOVER} to
 * take over; the target promotes itself and lets us continue partially. A rejected PSYNC (or a
 * link that fails before it) makes us master again; TIMEOUT aborts the wait, or with FORCE fails
 * over anyway. Data thread only.
 */
public final class Failover {
    private static final Logger LOG = Logger.getLogger(Failover.class);
    private static final long CHECK_MS = 100;

    /** master_failover_state's values. */
    public enum State {
        NONE("no-failover"), WAITING_FOR_SYNC("waiting-for-sync"), IN_PROGRESS("failover-in-progress");

        final String infoName;

        State(String infoName) {
            this.infoName = infoName;
        }
    }

    private final Server server;
    private final MasterSide master;
    private final ReplicaSide replicaSide;
    private State state = State.NONE;
    private String targetHost;
    private int targetPort;
    private long endMs;
    private boolean force;

    public Failover(Server server, MasterSide master, ReplicaSide replicaSide) {
        this.server = server;
        this.master = master;
        this.replicaSide = replicaSide;
    }

    public State state() {
        return state;
    }

    /** INFO replication's master_failover_state. */
    public String infoState() {
        return state.infoName;
    }

    public boolean running() {
        return state != State.NONE;
    }

    /**
     * Starts waiting for a replica to catch up; the command has checked the arguments.
     * {@code host} null = any replica; {@code timeoutMs} 0 = none.
     */
    public void start(String host, int port, long timeoutMs, boolean forced) {
        targetHost = host;
        targetPort = port;
        force = forced;
        long now = System.currentTimeMillis();
        endMs = timeoutMs == 0 ? 0 : now + timeoutMs;
        if (host != null) {
            LOG.infof("FAILOVER requested to %s:%d.", host, port);
        } else {
            LOG.info("FAILOVER requested to any replica.");
        }
        state = State.WAITING_FOR_SYNC;
        server.clients().pause(Clients.PauseSource.FAILOVER, Long.MAX_VALUE, false, now);
        check();
    }

    /** FAILOVER ABORT, or a failure on the way: back to a master that accepts writes. */
    public void abort(String reason) {
        LOG.infof("FAILOVER aborted: %s", reason);
        if (state == State.IN_PROGRESS) {
            replicaSide.noOne("failover abort");
        }
        end();
    }

    private void end() {
        state = State.NONE;
        targetHost = null;
        server.clients().unpause(Clients.PauseSource.FAILOVER);
    }

    private void check() {
        if (state != State.WAITING_FOR_SYNC) {
            return;
        }
        long now = System.currentTimeMillis();
        if (endMs != 0 && endMs <= now) {
            if (force) {
                LOG.infof("FAILOVER to %s:%d time out exceeded, failing over.", targetHost, targetPort);
                failOver();
            } else {
                abort("Replica never caught up before timeout");
            }
            return;
        }
        long offset = server.replication().offset();
        MasterSide.ReplicaView caughtUp = null;
        if (targetHost != null) {
            MasterSide.ReplicaView target = master.replica(targetHost, targetPort);
            caughtUp = target != null && "online".equals(target.state()) && target.ackOffset() == offset ? target : null;
        } else {
            for (MasterSide.ReplicaView r : master.replicas(true)) {
                if (r.ackOffset() == offset) {
                    caughtUp = r;
                    break;
                }
            }
        }
        if (caughtUp != null) {
            targetHost = caughtUp.ip();
            targetPort = caughtUp.port();
            LOG.infof("Failover target %s:%d is synced, failing over.", targetHost, targetPort);
            failOver();
            return;
        }
        master.requestAcks();
        server.lifecycle().schedule(CHECK_MS, this::check);
    }

    private void failOver() {
        state = State.IN_PROGRESS;
        replicaSide.replicaOf(targetHost, targetPort, null);
    }

    /** Whether the link's PSYNC carries FAILOVER (asking the target to take over). */
    boolean asksTargetToTakeOver() {
        return state == State.IN_PROGRESS;
    }

    /** The target answered PSYNC with +CONTINUE or +FULLRESYNC: we are its replica, done. */
    void psyncAccepted() {
        if (state == State.IN_PROGRESS) {
            end();
        }
    }

    /** The target refused the PSYNC or could not be reached while failing over. */
    void psyncFailed() {
        if (state == State.IN_PROGRESS) {
            abort("Failover target rejected psync request");
        }
    }
}
