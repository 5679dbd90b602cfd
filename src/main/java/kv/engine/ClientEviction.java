package kv.engine;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

/**
 * maxmemory-clients (Redis' client eviction): when what clients hold together (unsent output,
 * MULTI queues) reaches the limit, the biggest clients are closed first until the rest fit. A
 * client that asked for CLIENT NO-EVICT is never chosen. Runs from the cron.
 */
final class ClientEviction {
    private static final Logger LOG = Logger.getLogger(ClientEviction.class);

    private final Server server;

    ClientEviction(Server server) {
        this.server = server;
    }

    /** Closes clients while their total memory is at or above {@code limit} (0 = no limit). */
    void enforce(long limit) {
        if (limit == 0) {
            return;
        }
        long total = 0;
        List<Client> candidates = new ArrayList<>();
        for (Client c : server.clients().all()) {
            long m = c.memoryUsage();
            total += m;
            if (!c.noEvict() && !c.isMaster() && !c.closeScheduled() && m > 0) {
                candidates.add(c);
            }
        }
        if (total < limit) {
            return;
        }
        candidates.sort((a, b) -> Long.compare(b.memoryUsage(), a.memoryUsage()));
        for (Client c : candidates) {
            if (total < limit) {
                break;
            }
            total -= c.memoryUsage();
            LOG.infof("Evicting client: id=%d addr=%s", c.id(), c.transport().remoteAddress());
            server.stats().evictedClients++;
            c.closeScheduled(true);
            server.pubSub().forget(c);
            c.transport().closeDiscardingOutput();
        }
    }
}
