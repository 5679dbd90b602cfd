package kv.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import kv.protocol.Reply;
import kv.store.Db;
import kv.store.KeyEvent;
import kv.store.KeyspaceListener;
import kv.store.Memory;

/**
 * Client-side caching (CLIENT TRACKING), as a listener of the mutation funnel: any change to a key
 * (command, expiry, eviction, rename) invalidates it.
 *
 * <p>Default mode: the keys a tracking client reads are remembered in one table shared by all
 * databases (key → client ids, as Redis does it); a change sends each of those clients one
 * {@code invalidate} message and forgets the key. BCAST mode: nothing is remembered; every change
 * to a key under a registered prefix is collected and, once the event-loop turn's reads are done
 * (Redis' beforeSleep), each client of the prefix gets one message with the keys of the whole turn,
 * in byte order, however many commands and clients changed them. A flush sends every tracking client a null
 * invalidation. Messages go as RESP3 pushes, or to a redirect client (RESP2: as pub/sub messages
 * on {@code __redis__:invalidate} if it is subscribed to anything).
 */
public final class Tracking implements KeyspaceListener {
    private static final byte[] INVALIDATE = "invalidate".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CHANNEL = "__redis__:invalidate".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Read-only script calls: what their commands read is tracked, not the keys they declare. */
    /** A BCAST prefix's state (map entry, Prefix, its client set and key map), estimated. */
    private static final long PREFIX_BYTES = 280;
    /** One client of a prefix (an entry in its client set). */
    private static final long PREFIX_CLIENT_BYTES = 40;

    /** A tracking client's options (its Redis CLIENT_TRACKING_* flags). */
    public static final class Mode {
        long redirect;
        boolean bcast;
        boolean optin;
        boolean optout;
        boolean noloop;
        /** CLIENT CACHING yes (OPTIN) or no (OPTOUT) for the next command. */
        boolean caching;
        boolean brokenRedirect;
        /** BCAST prefixes, in Redis' (unsigned byte) order. */
        final TreeMap<byte[], Boolean> prefixes = new TreeMap<>(Arrays::compareUnsigned);

        public long redirect() { return redirect; }
        public boolean bcast() { return bcast; }
        public boolean optin() { return optin; }
        public boolean optout() { return optout; }
        public boolean noloop() { return noloop; }
        public boolean caching() { return caching; }
        public boolean brokenRedirect() { return brokenRedirect; }
        public Set<byte[]> prefixes() { return prefixes.keySet(); }
    }

    /** The clients of one BCAST prefix and the keys changed under it since the last delivery. */
    private static final class Prefix {
        final Set<Client> clients = new LinkedHashSet<>();
        /**
         * Changed key → the client that changed it last (NOLOOP spares that one: the value it wrote
         * is the current one), null for the cron; in unsigned byte order, as Redis' rax sends them.
         */
        final TreeMap<byte[], Client> changed = new TreeMap<>(Arrays::compareUnsigned);
    }

    private final Server server;
    /** What default-mode clients read, for all databases together. */
    private final TrackedKeys table = new TrackedKeys();
    private final TreeMap<byte[], Prefix> prefixes = new TreeMap<>(Arrays::compareUnsigned);
    /** Heap estimate of the BCAST prefix states, kept as prefixes and their clients come and go. */
    private long prefixBytes;
    private int trackingClients;
    /**
     * The client whose request is running (NOLOOP) while {@code inRequest}, see {@link #current}. It
     * is kept between requests and stored only when another client's request begins: a reference
     * stored into this long-lived object costs G1's write barrier, and most requests come in runs
     * from one connection.
     */
    private Client requester;
    private boolean inRequest;
    /** FLUSHALL reports every database: the null invalidation goes out once per command. */
    private boolean flushAnnounced;
    /** A delivery of BCAST keys is scheduled for the end of this event-loop turn. */
    private boolean deliveryScheduled;

    Tracking(Server server) {
        this.server = server;
    }

    // ---- CLIENT TRACKING / CACHING ----

    /**
     * Turns tracking on with the given options, after the caller checked them as Redis does; the
     * options replace the previous ones, prefixes add to the client's.
     */
    public void enable(Client c, long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop, List<byte[]> newPrefixes) {
        Mode m = c.tracking();
        if (m == null) {
            m = new Mode();
            c.tracking(m);
            trackingClients++;
            server.keyspace().addListener(this);
        }
        m.redirect = redirect;
        m.brokenRedirect = false;
        m.bcast = bcast;
        m.optin = optin;
        m.optout = optout;
        m.noloop = noloop;
        if (bcast) {
            if (newPrefixes.isEmpty()) {
                addPrefix(c, m, new byte[0]);
            }
            for (byte[] p : newPrefixes) {
                addPrefix(c, m, p);
            }
        }
    }

    private void addPrefix(Client c, Mode m, byte[] p) {
        m.prefixes.put(p, Boolean.TRUE);
        Prefix prefix = prefixes.get(p);
        if (prefix == null) {
            prefix = new Prefix();
            prefixes.put(p, prefix);
            prefixBytes += PREFIX_BYTES + Memory.arrayBytes(p.length);
        }
        if (prefix.clients.add(c)) {
            prefixBytes += PREFIX_CLIENT_BYTES;
        }
    }

    /** CLIENT TRACKING off, and a disconnect. Keys the client read stay in the table until they change. */
    public void disable(Client c) {
        if (c == requester && !inRequest) {
            requester = null; // a closed client is not kept reachable (it is called on disconnect)
        }
        Mode m = c.tracking();
        if (m == null) {
            return;
        }
        for (byte[] p : m.prefixes.keySet()) {
            Prefix prefix = prefixes.get(p);
            if (prefix != null && prefix.clients.remove(c)) {
                prefixBytes -= PREFIX_CLIENT_BYTES;
                if (prefix.clients.isEmpty()) {
                    prefixes.remove(p);
                    prefixBytes -= PREFIX_BYTES + Memory.arrayBytes(p.length);
                }
            }
        }
        c.tracking(null);
        trackingClients--;
        detachIfIdle();
    }

    /**
     * Listens to the funnel only while a client tracks or the table still names keys (Redis keeps
     * a departed client's keys until they change, and INFO counts them).
     */
    private void detachIfIdle() {
        if (trackingClients == 0 && table.isEmpty() && prefixes.isEmpty()) {
            server.keyspace().removeListener(this);
        }
    }

    /** The prefix among {@code c}'s own that overlaps {@code p} (one starts the other), or null. */
    public static byte[] overlapping(Mode m, byte[] p) {
        if (m == null) {
            return null;
        }
        for (byte[] q : m.prefixes.keySet()) {
            if (overlap(p, q)) {
                return q;
            }
        }
        return null;
    }

    public static boolean overlap(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        return Arrays.equals(a, 0, n, b, 0, n);
    }

    /** CLIENT CACHING yes|no: the next command (or transaction) is the exception to OPTIN/OPTOUT. */
    public void cacheNextCommand(Client c) {
        c.tracking().caching = true;
    }

    // ---- around commands ----

    /** A client's command starts (NOLOOP needs to know who changes keys). */
    void begin(Client c) {
        if (requester != c) {
            requester = c;
        }
        inRequest = true;
        flushAnnounced = false;
    }

    /**
     * After a command ran: a read by a tracking client in default mode remembers its keys (OPTIN
     * only after CLIENT CACHING yes, OPTOUT unless CLIENT CACHING no).
     */
    void afterCommand(Client c, CommandSpec spec, byte[][] argv) {
        if (!spec.has(CommandSpec.READONLY) || spec.has(CommandSpec.READ_ONLY_SCRIPT)) {
            return;
        }
        // a command a script runs reads for the script's caller: Redis 7.2 tracks the keys a script
        // reads, not the keys EVAL declares (#11770)
        Client current = current();
        Client reader = c.tracking() == null && current != null && c != current ? current : c;
        Mode m = reader.tracking();
        if (m == null || m.bcast) {
            return;
        }
        if ((m.optin && !m.caching) || (m.optout && m.caching)) {
            return;
        }
        for (KeySpec.KeyRef ref : spec.keys(argv)) {
            table.remember(argv[ref.position()], reader.id());
        }
        limitTable();
    }

    /**
     * The client's request is complete: CLIENT CACHING applies to one command (a whole transaction),
     * so it ends after anything but a CLIENT subcommand outside MULTI.
     */
    void endOfRequest(Client c, CommandSpec spec) {
        Mode m = c.tracking();
        if (m != null && c.transaction() == null && (spec == null || !spec.has(CommandSpec.CLIENT_SUBCOMMAND))) {
            m.caching = false;
        }
        inRequest = false;
    }

    /** The client whose request is running, null for the cron (and while tracking-table-max-keys evicts). */
    private Client current() {
        return inRequest ? requester : null;
    }

    /**
     * tracking-table-max-keys: forgets keys (invalidating them for their readers) beyond the limit;
     * after each remembering read, and from the cron once the limit was lowered.
     */
    void limitTable() {
        long max = server.config().trackingTableMaxKeys();
        if (max == 0 || table.size() <= max) {
            return;
        }
        List<byte[]> evicted = table.someKeys(table.size() - max);
        boolean was = inRequest;
        inRequest = false; // an eviction is nobody's write: NOLOOP does not apply
        for (byte[] key : evicted) {
            invalidateReaders(key);
        }
        inRequest = was;
    }

    // ---- the funnel ----

    @Override
    public void keyChanged(Db db, byte[] key, KeyEvent event) {
        if (trackingClients == 0 && table.isEmpty()) {
            return;
        }
        if (!prefixes.isEmpty()) {
            collectForPrefixes(key);
        }
        invalidateReaders(key);
    }

    @Override
    public void dbChanged(Db db, KeyEvent event) {
        if (event != KeyEvent.FLUSHED) {
            return;
        }
        if (!flushAnnounced) {
            flushAnnounced = true;
            for (Client c : server.clients().all()) {
                if (c.tracking() != null) {
                    send(c, null);
                }
            }
        }
        table.clear();
        detachIfIdle();
    }

    private void collectForPrefixes(byte[] key) {
        byte[] copy = null;
        for (Map.Entry<byte[], Prefix> e : prefixes.entrySet()) {
            byte[] p = e.getKey();
            if (p.length <= key.length && Arrays.equals(p, 0, p.length, key, 0, p.length)) {
                if (copy == null) {
                    copy = key.clone();
                }
                e.getValue().changed.put(copy, current());
                if (!deliveryScheduled) {
                    deliveryScheduled = true;
                    server.lifecycle().afterTurn(this::deliverBroadcasts);
                }
            }
        }
    }

    private void invalidateReaders(byte[] key) {
        long[] ids = table.forget(key);
        if (ids == null) {
            return;
        }
        if (table.isEmpty()) {
            detachIfIdle();
        }
        byte[][] keys = {key.clone()};
        for (long id : ids) {
            Client c = server.clients().byId(id);
            if (c == null || c.tracking() == null || c.tracking().bcast) {
                continue;
            }
            if (c.tracking().noloop && c == current()) {
                continue;
            }
            send(c, keys);
        }
    }

    /** Sends each prefix's keys collected during the turn to its clients, one message per prefix and client. */
    private void deliverBroadcasts() {
        deliveryScheduled = false;
        for (Prefix p : prefixes.values()) {
            if (p.changed.isEmpty()) {
                continue;
            }
            for (Client c : p.clients) {
                List<byte[]> keys = new ArrayList<>(p.changed.size());
                for (Map.Entry<byte[], Client> e : p.changed.entrySet()) {
                    if (!(c.tracking().noloop && e.getValue() == c)) {
                        keys.add(e.getKey());
                    }
                }
                if (!keys.isEmpty()) {
                    send(c, keys.toArray(new byte[0][]));
                }
            }
            p.changed.clear();
        }
    }

    /** One invalidation for {@code c}: {@code keys}, or null for "everything" (a flush). */
    private void send(Client c, byte[][] keys) {
        Mode m = c.tracking();
        Client target = c;
        boolean redirected = false;
        if (m.redirect != 0) {
            target = server.clients().byId(m.redirect);
            if (target == null) {
                m.brokenRedirect = true;
                if (c.protocol() > 2) {
                    long id = m.redirect;
                    c.push(r -> {
                        r.push(2);
                        r.bulkText("tracking-redir-broken");
                        r.integer(id);
                    });
                }
                return;
            }
            redirected = true;
        }
        if (target.protocol() > 2) {
            target.push(r -> {
                r.push(2);
                r.bulk(INVALIDATE);
                keys(r, keys);
            });
        } else if (redirected && server.pubSub().subscribed(target)) {
            target.push(r -> {
                r.array(3);
                r.bulkText("message");
                r.bulk(CHANNEL);
                keys(r, keys);
            });
        }
        // a RESP2 client without a redirect cannot receive anything on its own connection
    }

    private static void keys(Reply r, byte[][] keys) {
        if (keys == null) {
            r.nullBulk();
            return;
        }
        r.array(keys.length);
        for (byte[] k : keys) {
            r.bulk(k);
        }
    }

    // ---- INFO ----

    public int trackingClients() {
        return trackingClients;
    }

    public long totalKeys() {
        return table.size();
    }

    public long totalItems() {
        return table.items();
    }

    public long totalPrefixes() {
        return prefixes.size();
    }

    /**
     * What tracking holds, for used_memory (Redis counts its tracking rax there): the key table and
     * the BCAST prefix states. Keys collected for the current turn's broadcast are transient and left out.
     */
    public long heapBytes() {
        return table.heapBytes() + prefixBytes;
    }
}
