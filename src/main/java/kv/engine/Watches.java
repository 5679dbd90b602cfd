package kv.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import kv.store.Db;
import kv.store.KeyEvent;
import kv.store.Keyspace;
import kv.store.KeyspaceListener;

/**
 * WATCH: which clients watch which keys, and a listener of the mutation funnel that marks a
 * client's transaction as doomed when a key it watches changes (by any client, by expiry or
 * eviction, by FLUSH or SWAPDB), so no command can forget to.
 */
public final class Watches implements KeyspaceListener {
    /** A watched key, and whether it had already expired (though still stored) when watched. */
    private record Watched(int db, ByteBuffer key, boolean expiredWhenWatched) {
    }

    private final Keyspace keyspace;
    /** db index → key → the clients watching it. */
    private final List<Map<ByteBuffer, List<Client>>> byDb = new ArrayList<>();
    private final Map<Client, List<Watched>> byClient = new HashMap<>();

    Watches(Keyspace keyspace) {
        this.keyspace = keyspace;
        for (int i = 0; i < keyspace.count(); i++) {
            byDb.add(new HashMap<>());
        }
    }

    /** WATCH {@code key} in the client's current db (again: no effect). */
    public void watch(Client client, byte[] key) {
        int db = client.db();
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        if (byClient.isEmpty()) {
            // listening only while somebody watches keeps the funnel's common path free of this call
            keyspace.addListener(this);
        }
        List<Watched> mine = byClient.computeIfAbsent(client, c -> new ArrayList<>());
        for (Watched w : mine) {
            if (w.db == db && w.key.equals(k)) {
                return;
            }
        }
        mine.add(new Watched(db, k, storedButExpired(keyspace.db(db), key)));
        byDb.get(db).computeIfAbsent(k, x -> new ArrayList<>()).add(client);
    }

    /** INFO's watching_clients: clients with at least one watched key. */
    public int watchingClients() {
        return byClient.size();
    }

    /** INFO's total_watched_keys: distinct keys watched, per database. */
    public long watchedKeys() {
        long n = 0;
        for (Map<ByteBuffer, List<Client>> keys : byDb) {
            n += keys.size();
        }
        return n;
    }

    /** UNWATCH, EXEC, DISCARD, RESET, disconnect: forgets the client's keys. */
    public void unwatchAll(Client client) {
        if (byClient.isEmpty()) {
            return; // EXEC and DISCARD without any WATCH anywhere: not even a hash lookup
        }
        List<Watched> mine = byClient.remove(client);
        if (mine == null) {
            return;
        }
        if (byClient.isEmpty()) {
            keyspace.removeListener(this);
        }
        for (Watched w : mine) {
            Map<ByteBuffer, List<Client>> keys = byDb.get(w.db);
            List<Client> watchers = keys.get(w.key);
            if (watchers != null) {
                watchers.remove(client);
                if (watchers.isEmpty()) {
                    keys.remove(w.key);
                }
            }
        }
    }

    public boolean watchesAnything(Client client) {
        return byClient.containsKey(client);
    }

    /**
     * True if a watched key has expired since it was watched, though nobody has removed it yet:
     * EXEC must fail then too, as in Redis.
     */
    public boolean watchedKeyExpired(Client client) {
        if (byClient.isEmpty()) {
            return false;
        }
        for (Watched w : byClient.getOrDefault(client, List.of())) {
            if (!w.expiredWhenWatched && storedButExpired(keyspace.db(w.db), w.key.array())) {
                return true;
            }
        }
        return false;
    }

    private static boolean storedButExpired(Db db, byte[] key) {
        long when = db.expireTime(key);
        return when >= 0 && when <= System.currentTimeMillis();
    }

    @Override
    public void keyChanged(Db db, byte[] key, KeyEvent event) {
        Map<ByteBuffer, List<Client>> keys = byDb.get(db.index());
        if (keys.isEmpty()) {
            return;
        }
        List<Client> watchers = keys.get(ByteBuffer.wrap(key));
        if (watchers != null) {
            for (Client c : watchers) {
                c.transactionDoomed(true);
            }
        }
    }

    /**
     * FLUSHDB/FLUSHALL and SWAPDB touch the watched keys that exist in the emptied db, or (SWAPDB)
     * in the db whose content replaces it; a key that had expired when watched and is still absent
     * after the change does not count, as in Redis.
     */
    @Override
    public void beforeDbChange(Db db, Db replacedWith, KeyEvent event) {
        Map<ByteBuffer, List<Client>> keys = byDb.get(db.index());
        for (Map.Entry<ByteBuffer, List<Client>> e : keys.entrySet()) {
            byte[] key = e.getKey().array();
            boolean existsHere = db.storedKey(key);
            boolean existsThere = replacedWith != null && replacedWith.storedKey(key);
            if (!existsHere && !existsThere) {
                continue;
            }
            for (Client c : e.getValue()) {
                c.transactionDoomed(true);
            }
        }
    }
}
