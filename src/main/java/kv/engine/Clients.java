package kv.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import kv.protocol.Reply;
import kv.util.Repr;

/** The connected clients, MONITOR subscribers and CLIENT PAUSE state. Data thread only. */
public final class Clients {
    private final Map<Long, Client> byId = new LinkedHashMap<>();
    private int postponedClients;
    private final List<Client> monitors = new ArrayList<>();
    private final List<Runnable> waitingForUnpause = new ArrayList<>();
    private final Scheduler scheduler;
    private long nextId = 1;
    private final List<Consumer<Client>> disconnectActions = new ArrayList<>();
    /** The pause each source holds; clients wait while any of them is in force. */
    private final Map<PauseSource, Pause> pauses = new EnumMap<>(PauseSource.class);

    /**
     * Who paused clients. Each source's pause ends by its own time or its own unpause, as Redis
     * keeps a pause per purpose: CLIENT UNPAUSE must not lift FAILOVER's or SHUTDOWN's.
     */
    public enum PauseSource { CLIENT_COMMAND, DEBUG_SLEEP, FAILOVER, SHUTDOWN }

    /** {@code untilMs} Long.MAX_VALUE: until unpaused. */
    private record Pause(long untilMs, boolean all, long timer) {
    }

    /** Timers on the data thread. */
    public interface Scheduler {
        long schedule(long delayMs, Runnable action);

        void cancel(long timerId);
    }

    public Clients(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    public Client connect(Client.Transport transport, long nowMs, boolean authenticated) {
        Client c = new Client(nextId++, transport, nowMs, authenticated);
        byId.put(c.id(), c);
        return c;
    }

    /**
     * A client that is not a connection (not listed, not counted): it takes an id from the same
     * sequence, as Redis' fake clients do.
     */
    public Client detached(Client.Transport transport, long nowMs) {
        return new Client(nextId++, transport, nowMs, true);
    }

    /** Called for every client that goes away (transactions forget its watches). */
    public void onDisconnect(Consumer<Client> action) {
        disconnectActions.add(action);
    }

    public void disconnect(Client c) {
        for (Consumer<Client> action : disconnectActions) {
            action.accept(c);
        }
        byId.remove(c.id());
        if (c.postponed()) {
            postponedClients--;
        }
        if (c.monitor()) {
            monitors.remove(c);
        }
    }

    public int count() {
        return byId.size();
    }

    public Collection<Client> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    public Client byId(long id) {
        return byId.get(id);
    }

    public void addMonitor(Client c) {
        if (!c.monitor()) {
            c.monitor(true);
            monitors.add(c);
        }
    }

    public int monitorCount() {
        return monitors.size();
    }

    /** Sends the command line to every MONITOR client, e.g. {@code +1700000000.123456 [0 127.0.0.1:5000] "get" "k"}. */
    public void feedMonitors(Client source, byte[][] argv) {
        if (monitors.isEmpty()) {
            return;
        }
        // wall-clock time with microseconds, as Redis prints it
        Instant at = Instant.now();
        StringBuilder sb = new StringBuilder();
        sb.append(at.getEpochSecond()).append('.');
        String frac = Integer.toString(at.getNano() / 1000);
        sb.append("000000", 0, 6 - frac.length()).append(frac);
        sb.append(" [").append(source.db()).append(' ').append(source.transport().remoteAddress()).append(']');
        for (byte[] a : argv) {
            sb.append(' ').append(Repr.quote(a));
        }
        String line = sb.toString();
        Consumer<Reply> message = r -> r.simple(line);
        // each push only queues the line: the transport writes it with this turn's other pushes
        for (Client m : monitors) {
            if (m != source) {
                m.transport().push(message);
            }
        }
    }

    /**
     * Pauses clients on behalf of {@code source} until {@code untilMs} (Long.MAX_VALUE: until
     * {@link #unpause}); {@code all} pauses every command, else only writes. A source's pause can
     * be extended or widened, never shortened or narrowed by a new one of the same source.
     */
    public void pause(PauseSource source, long untilMs, boolean all, long nowMs) {
        Pause old = pauses.get(source);
        boolean stillOn = old != null && old.untilMs > nowMs;
        long until = stillOn ? Math.max(old.untilMs, untilMs) : untilMs;
        boolean widened = stillOn && old.all || all;
        if (old != null && old.timer >= 0) {
            scheduler.cancel(old.timer);
        }
        long timer = until == Long.MAX_VALUE ? -1 : scheduler.schedule(Math.max(1, until - nowMs), () -> unpause(source));
        pauses.put(source, new Pause(until, widened, timer));
    }

    /** Ends {@code source}'s pause; clients resume once no other source pauses them. */
    public void unpause(PauseSource source) {
        Pause old = pauses.remove(source);
        if (old == null) {
            return;
        }
        if (old.timer >= 0) {
            scheduler.cancel(old.timer);
        }
        if (!pauses.isEmpty()) {
            return;
        }
        List<Runnable> waiters = new ArrayList<>(waitingForUnpause);
        waitingForUnpause.clear();
        waiters.forEach(Runnable::run);
    }

    /**
     * True if the client must hold this command back because of CLIENT PAUSE; the client is then
     * marked postponed until it asks again and may go on.
     */
    public boolean mustWait(Client client, CommandSpec spec, long nowMs) {
        if (pauses.isEmpty()) {
            // every command asks: no iterator when nothing pauses
            if (client.postponed()) {
                postponed(client, false);
            }
            return false;
        }
        boolean wait = false;
        for (Pause p : pauses.values()) {
            if (p.untilMs > nowMs && (p.all || spec.has(CommandSpec.WRITE))) {
                wait = true;
                break;
            }
        }
        postponed(client, wait);
        return wait;
    }

    private void postponed(Client client, boolean value) {
        if (client.postponed() != value) {
            client.postponed(value);
            postponedClients += value ? 1 : -1;
        }
    }

    /** Clients holding a command back for CLIENT PAUSE: Redis counts them in blocked_clients. */
    public int postponedClients() {
        return postponedClients;
    }

    /** Closes normal clients idle for longer than {@code timeoutSeconds} (0 = never). */
    public void closeIdle(long nowMs, long timeoutSeconds) {
        if (timeoutSeconds <= 0) {
            return;
        }
        for (Client c : new ArrayList<>(byId.values())) {
            // replicas and the master are exempt, as in Redis: a replica loading a big RDB sends nothing for a while
            if (!c.monitor() && !c.blocked() && !c.postponed() && !c.replica() && !c.isMaster() && nowMs - c.lastInteractionMs() > timeoutSeconds * 1000) {
                c.transport().closeAfterReply();
            }
        }
    }

    public void whenUnpaused(Runnable resume) {
        waitingForUnpause.add(resume);
    }
}
