package kv.command;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

import kv.engine.Server;
import kv.observe.ProcessInfo;

/**
 * The memory figures INFO memory and MEMORY STATS/DOCTOR share, taken at one moment. used is KV's
 * own estimate (data, indexes, client buffers, a fixed start-up part); the allocator figures are the
 * JVM heap's (used, committed), resident is the process RSS.
 */
record MemoryFigures(long used, long peak, long startup, long clients, long replicaClients, long replBacklog, long index,
        long rss, long heapUsed, long heapCommitted, long heapMax, long totalSystem, long keys) {

    static MemoryFigures of(Server s) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long used = s.usedMemory();
        return new MemoryFigures(used, s.peakMemory(), Server.BASELINE_MEMORY, s.clientMemory(), s.replicaClientMemory(),
                s.replication().backlogBytes(),
                s.keyspace().indexBytes(), ProcessInfo.residentSetBytes(), heap.getUsed(), heap.getCommitted(),
                heap.getMax(), ProcessInfo.totalSystemMemory(), s.keyspace().keyCount());
    }

    /** What is not data: the fixed part, client buffers, the replication backlog and the key tables' slot arrays. */
    long overhead() {
        return startup + clients + replBacklog + index;
    }

    /** Clients other than replicas (Redis' mem_clients_normal). */
    long normalClients() {
        return clients - replicaClients;
    }

    /**
     * Redis' mem_total_replication_buffers: the backlog and what replicas have not read. Redis shares
     * one buffer between them; KV keeps the backlog's ring and each replica's output apart.
     */
    long replicationBuffers() {
        return replBacklog + replicaClients;
    }

    long dataset() {
        return Math.max(0, used - overhead());
    }

    /** Redis: used beyond start-up. */
    long netUsage() {
        return Math.max(0, used - startup);
    }

    double datasetPercent() {
        long net = netUsage();
        return net == 0 ? 0 : dataset() * 100.0 / net;
    }

    long bytesPerKey() {
        return keys == 0 ? 0 : netUsage() / keys;
    }

    double fragmentation() {
        return used == 0 ? 0 : (double) rss / used;
    }

    double allocatorFragRatio() {
        return heapUsed == 0 ? 0 : (double) heapCommitted / heapUsed;
    }

    double allocatorRssRatio() {
        return heapCommitted == 0 ? 0 : (double) rss / heapCommitted;
    }
}
