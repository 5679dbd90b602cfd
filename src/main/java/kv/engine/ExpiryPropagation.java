package kv.engine;

import kv.store.Db;
import kv.store.KeyEvent;
import kv.store.KeyspaceListener;

/**
 * Keys removed by time or memory pressure are propagated as deletions, so that the AOF and replicas
 * never have to judge expiry themselves (Redis propagates DEL, or UNLINK with lazyfree-lazy-expire
 * / lazyfree-lazy-eviction). A lazily expired key is propagated before the command that met it.
 */
final class ExpiryPropagation implements KeyspaceListener {
    private final Server server;

    ExpiryPropagation(Server server) {
        this.server = server;
    }

    @Override
    public void keyChanged(Db db, byte[] key, KeyEvent event) {
        if (event == KeyEvent.EXPIRED) {
            server.propagator().propagate(db.index(), Propagation.delOrUnlink(key, server.config().lazyfreeLazyExpire()));
        } else if (event == KeyEvent.EVICTED) {
            server.propagator().propagate(db.index(), Propagation.delOrUnlink(key, server.config().lazyfreeLazyEviction()));
        }
    }
}
