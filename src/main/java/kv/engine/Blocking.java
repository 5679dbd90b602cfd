package kv.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import kv.protocol.Reply;
import kv.store.Db;
import kv.store.KeyEvent;
import kv.store.KeyspaceListener;
import kv.store.ValueType;
import kv.store.Values;

/**
 * Clients blocked on keys (BLPOP and the other blocking pops, later XREAD BLOCK), as Redis 7.2
 * handles them. A handler that finds nothing to serve calls {@link Call#block}; the dispatcher
 * then parks the client here with its command. The mutation funnel tells this listener about
 * changed keys, which become "ready" if somebody waits on them; after each command the dispatcher
 * calls {@link #drain}, which re-executes the blocked command of each waiter of a ready key whose
 * value now has the awaited type, first blocked first served. A waiter whose command blocks again
 * keeps its place and its deadline. Deadlines are timers on the data thread: nothing polls.
 *
 * <p>A served, timed-out or unblocked client's connection resumes its held input only after the
 * whole serving round (as Redis processes unblocked clients before the next event-loop turn), so
 * that neither a handler (CLIENT UNBLOCK) nor a serving round runs other commands half-way.
 */
public final class Blocking implements KeyspaceListener {
    /** A key in one database. */
    private record WaitKey(int db, byte[] key) {
        @Override
        public boolean equals(Object o) {
            return o instanceof WaitKey w && w.db == db && Arrays.equals(w.key, key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key) * 31 + db;
        }
    }

    /** One blocked client: its command, where its replies go, and what it waits for. */
    static final class Waiter {
        final Client client;
        final CommandSpec spec;
        final byte[][] argv;
        final Reply reply;
        final ValueType type;
        final boolean unblockOnNoKey;
        final List<WaitKey> keys;
        final boolean timed;
        /** The reply at the deadline; null: a null array, as the blocking pops answer. */
        final java.util.function.Consumer<Reply> timeoutReply;
        long timer = -1;
        Runnable resume;

        Waiter(Client client, CommandSpec spec, byte[][] argv, Reply reply, Call.BlockRequest request) {
            this.client = client;
            this.spec = spec;
            this.argv = argv;
            this.reply = reply;
            this.type = request.type();
            this.unblockOnNoKey = request.unblockOnNoKey();
            this.timed = request.deadlineMs() > 0;
            this.timeoutReply = request.timeoutReply();
            List<WaitKey> k = new ArrayList<>(request.keys().length);
            for (byte[] key : request.keys()) {
                WaitKey w = new WaitKey(client.db(), key);
                if (!k.contains(w)) {
                    k.add(w);
                }
            }
            this.keys = k;
        }
    }

    private final Server server;
    private final Map<WaitKey, ArrayDeque<Waiter>> waiting = new HashMap<>();
    private final Map<Client, Waiter> byClient = new IdentityHashMap<>();
    private final LinkedHashSet<WaitKey> ready = new LinkedHashSet<>();
    private final ArrayDeque<Runnable> resumes = new ArrayDeque<>();
    private int noKeyWaiters;
    private int timedWaiters;
    private boolean draining;
    /** Depth of {@link #atomically} sections: no serving inside them. */
    private int atomicDepth;

    Blocking(Server server) {
        this.server = server;
    }

    // ---- figures for INFO and CLIENT LIST ----

    /** INFO blocked_clients. */
    public int blockedClients() {
        return byClient.size();
    }

    /** INFO total_blocking_keys: distinct keys somebody waits on. */
    public int blockingKeys() {
        return waiting.size();
    }

    /** INFO total_blocking_keys_on_nokey: keys with a waiter that also wakes on deletion. */
    public int blockingKeysOnNoKey() {
        if (noKeyWaiters == 0) {
            return 0;
        }
        int n = 0;
        for (ArrayDeque<Waiter> q : waiting.values()) {
            for (Waiter w : q) {
                if (w.unblockOnNoKey) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    /** INFO clients_in_timeout_table: blocked clients with a deadline. */
    public int timedClients() {
        return timedWaiters;
    }

    public boolean isBlocked(Client c) {
        return byClient.containsKey(c);
    }

    // ---- parking and unparking ----

    /** Parks {@code client}, whose command {@code argv} asked to block; called by the dispatcher. */
    void park(Client client, CommandSpec spec, byte[][] argv, Reply reply, Call.BlockRequest request) {
        Waiter w = new Waiter(client, spec, argv, reply, request);
        if (byClient.isEmpty()) {
            // listening only while somebody waits keeps the funnel's common path free of this call
            server.keyspace().addListener(this);
        }
        for (WaitKey k : w.keys) {
            waiting.computeIfAbsent(k, x -> new ArrayDeque<>()).addLast(w);
        }
        if (w.unblockOnNoKey) {
            noKeyWaiters++;
        }
        if (w.timed) {
            timedWaiters++;
            long delay = Math.max(1, request.deadlineMs() - System.currentTimeMillis());
            w.timer = server.lifecycle().schedule(delay, () -> timedOut(w));
        }
        byClient.put(client, w);
        client.blocked(true);
    }

    /**
     * Runs {@code resume} once {@code client} is no longer blocked (its reply written): the
     * connection then flushes and goes on with its held input.
     */
    public void whenUnblocked(Client client, Runnable resume) {
        Waiter w = byClient.get(client);
        if (w == null) {
            resumes.add(resume);
        } else {
            w.resume = resume;
        }
    }

    /** The client went away: forget it without a reply. */
    public void disconnected(Client client) {
        Waiter w = byClient.get(client);
        if (w != null) {
            w.resume = null;
            remove(w);
        }
    }

    /**
     * CLIENT UNBLOCK: ends the wait of {@code client} as a timeout would, or with the UNBLOCKED
     * error; false if it is not blocked.
     */
    public boolean unblock(Client client, boolean error) {
        Waiter w = byClient.get(client);
        if (w == null) {
            return false;
        }
        if (error) {
            String message = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
            w.reply.error(message);
            server.stats().error(message);
            server.dispatcher().countUnblocked(w.spec, true);
        } else {
            w.reply.nullArray();
            server.dispatcher().countUnblocked(w.spec, false);
        }
        finish(w);
        return true;
    }

    /**
     * Ends every wait with {@code message} and closes those connections after it, as Redis'
     * disconnectAllBlockedClients when this server starts following a(nother) master.
     */
    public void failAll(String message) {
        for (Waiter w : new ArrayList<>(byClient.values())) {
            w.reply.error(message);
            server.stats().error(message);
            server.dispatcher().countUnblocked(w.spec, false);
            w.client.transport().closeAfterReply();
            finish(w);
        }
        drain();
    }

    private void timedOut(Waiter w) {
        if (byClient.get(w.client) != w) {
            return;
        }
        w.timer = -1;
        if (w.timeoutReply != null) {
            w.timeoutReply.accept(w.reply);
        } else {
            w.reply.nullArray();
        }
        server.dispatcher().countUnblocked(w.spec, false);
        finish(w);
        drain();
    }

    /**
     * Ends the wait of {@code client}, blocked by {@link Call#blockUntilCompleted}, with the reply
     * {@code answer} writes; false if it is not waiting so.
     */
    public boolean complete(Client client, java.util.function.Consumer<Reply> answer) {
        Waiter w = byClient.get(client);
        if (w == null || !w.keys.isEmpty()) {
            return false;
        }
        answer.accept(w.reply);
        server.dispatcher().countUnblocked(w.spec, false);
        finish(w);
        drain();
        return true;
    }

    /** Removes the waiter and queues its connection's resumption. */
    private void finish(Waiter w) {
        remove(w);
        if (w.resume != null) {
            resumes.add(w.resume);
        }
    }

    private void remove(Waiter w) {
        if (byClient.remove(w.client) == null) {
            return;
        }
        if (byClient.isEmpty()) {
            server.keyspace().removeListener(this);
        }
        w.client.blocked(false);
        for (WaitKey k : w.keys) {
            ArrayDeque<Waiter> q = waiting.get(k);
            if (q != null) {
                q.remove(w);
                if (q.isEmpty()) {
                    waiting.remove(k);
                }
            }
        }
        if (w.unblockOnNoKey) {
            noKeyWaiters--;
        }
        if (w.timed) {
            timedWaiters--;
        }
        if (w.timer >= 0) {
            server.lifecycle().cancel(w.timer);
            w.timer = -1;
        }
    }

    // ---- the mutation funnel ----

    @Override
    public void keyChanged(Db db, byte[] key, KeyEvent event) {
        if (waiting.isEmpty()) {
            return;
        }
        switch (event) {
            case MODIFIED, POPULATED, RENAMED_TO, MOVED_TO -> markReady(db.index(), key);
            case DELETED, EXPIRED, EVICTED, RENAMED_FROM, MOVED_FROM -> {
                if (noKeyWaiters > 0) {
                    markReady(db.index(), key);
                }
            }
            default -> { }
        }
    }

    @Override
    public void dbChanged(Db db, KeyEvent event) {
        if (waiting.isEmpty()) {
            return;
        }
        // SWAPDB brings other values under the awaited names; FLUSH matters to no-key waiters
        if (event == KeyEvent.SWAPPED || noKeyWaiters > 0) {
            for (WaitKey k : waiting.keySet()) {
                if (k.db == db.index()) {
                    ready.add(k);
                }
            }
        }
    }

    private void markReady(int db, byte[] key) {
        WaitKey k = new WaitKey(db, key);
        if (waiting.containsKey(k)) {
            ready.add(k);
        }
    }

    // ---- serving ----

    /**
     * Serves the waiters of ready keys (keys readied by served commands, e.g. BLMOVE's
     * destination, are served in the same round), then resumes the connections of clients that
     * left the blocked state. Re-entrant calls return at once; the outer call finishes the work.
     */
    public void drain() {
        if (draining || atomicDepth > 0 || ready.isEmpty() && resumes.isEmpty()) {
            return;
        }
        draining = true;
        try {
            while (!ready.isEmpty() || !resumes.isEmpty()) {
                while (!ready.isEmpty()) {
                    Iterator<WaitKey> it = ready.iterator();
                    WaitKey k = it.next();
                    it.remove();
                    serve(k);
                }
                Runnable r = resumes.poll();
                if (r != null) {
                    r.run();
                }
            }
        } finally {
            draining = false;
        }
    }

    /**
     * Runs {@code commands} (EXEC's queue, a script) as one unit: keys they make ready are served
     * only after the last of them, as Redis serves them after EXEC or the script completes.
     */
    public void atomically(Runnable commands) {
        atomicDepth++;
        try {
            commands.run();
        } finally {
            atomicDepth--;
        }
        drain();
    }

    private void serve(WaitKey k) {
        ArrayDeque<Waiter> q = waiting.get(k);
        if (q == null) {
            return;
        }
        Db db = server.keyspace().db(k.db);
        // each waiter present when the round starts gets one try, in order
        List<Waiter> turn = new ArrayList<>(q);
        for (Waiter w : turn) {
            if (byClient.get(w.client) != w) {
                continue;
            }
            Object value = db.read(k.key, Db.NO_TOUCH | Db.NO_STATS);
            boolean fits = value != null && Values.type(value) == w.type;
            if (!fits && !w.unblockOnNoKey) {
                continue;
            }
            if (!server.dispatcher().reexecute(w.client, w.spec, w.argv, w.reply)) {
                finish(w);
            }
        }
    }
}
