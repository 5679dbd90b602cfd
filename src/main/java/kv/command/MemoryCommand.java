package kv.command;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.Server;
import kv.store.Db;

/** MEMORY USAGE / STATS / DOCTOR / PURGE / MALLOC-STATS / HELP. */
final class MemoryCommand {
    /** Below this much used memory DOCTOR declines to judge, as Redis does. */
    private static final long DOCTOR_MIN_USED = 5L << 20;
    /** Average output per client above which DOCTOR reports big client buffers (Redis' figure). */
    private static final long BIG_CLIENT_BUFFER = 200L * 1024;

    // Redis' MEMORY DOCTOR texts (replies, byte for byte)
    static final String DOCTOR_EMPTY = "Hi Sam, this instance is empty or is using very little memory, my issues detector "
            + "can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. "
            + "The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
    static final String DOCTOR_FINE = "Hi Sam, I can't find any memory issue in your instance. I can only account for "
            + "what occurs on this base.\n";
    private static final String DOCTOR_HEAD = "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
    private static final String DOCTOR_TAIL = "I'm here to keep you safe, Sam. I want to help you.\n";
    private static final String DOCTOR_PEAK = " * Peak memory: In the past this instance used more than 150% the memory "
            + "that is currently using. The allocator is normally not able to release memory after a peak, so you can "
            + "expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory "
            + "peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will "
            + "be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and "
            + "you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is "
            + "to shutdown and restart the instance.\n\n";
    private static final String DOCTOR_CLIENTS = " * Big client buffers: The clients output buffers in this instance are "
            + "greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients "
            + "subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output "
            + "buffer, or clients sending commands with large replies or very large sequences of commands in the same "
            + "pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your "
            + "instance, or to understand better why certain clients are using a big amount of memory.\n\n";

    private MemoryCommand() {
    }

    static void register(CommandTable t) {
        t.register("memory|usage", MemoryCommand::usage);
        t.register("memory|stats", MemoryCommand::stats);
        t.register("memory|doctor", MemoryCommand::doctor);
        t.register("memory|purge", MemoryCommand::purge);
        t.register("memory|malloc-stats", MemoryCommand::mallocStats);
        t.register("memory|help", MemoryCommand::help);
    }

    /** MEMORY USAGE key [SAMPLES n]: SAMPLES is checked as Redis does; KV's per-value figure needs no sampling. */
    private static void usage(Call c) {
        for (int i = 3; i < c.argc(); i += 2) {
            if (c.is(i, "SAMPLES") && i + 1 < c.argc()) {
                if (c.longArg(i + 1) < 0) {
                    throw c.error(Errors.SYNTAX);
                }
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        long bytes = c.db().memoryUsage(c.arg(2));
        if (bytes < 0) {
            c.reply().nullBulk();
        } else {
            c.reply().integer(bytes);
        }
    }

    private static void stats(Call c) {
        Server s = c.server();
        s.refreshClientMemory();
        MemoryFigures m = MemoryFigures.of(s);
        int dbsWithKeys = 0;
        for (int i = 0; i < s.keyspace().count(); i++) {
            dbsWithKeys += s.keyspace().db(i).size() > 0 ? 1 : 0;
        }
        c.reply().map(27 + dbsWithKeys);
        entry(c, "peak.allocated", m.peak());
        entry(c, "total.allocated", m.used());
        entry(c, "startup.allocated", m.startup());
        entry(c, "replication.backlog", m.replBacklog());
        entry(c, "clients.slaves", m.replicaClients());
        entry(c, "clients.normal", m.normalClients());
        entry(c, "cluster.links", 0);
        entry(c, "aof.buffer", 0);
        entry(c, "lua.caches", 0);
        entry(c, "functions.caches", 0);
        for (int i = 0; i < s.keyspace().count(); i++) {
            Db db = s.keyspace().db(i);
            if (db.size() == 0) {
                continue;
            }
            c.reply().bulkText("db." + i);
            c.reply().map(3);
            entry(c, "overhead.hashtable.main", db.mainIndexBytes());
            entry(c, "overhead.hashtable.expires", db.expiresIndexBytes());
            entry(c, "overhead.hashtable.slot-to-keys", 0);
        }
        entry(c, "overhead.total", m.overhead());
        entry(c, "keys.count", m.keys());
        entry(c, "keys.bytes-per-key", m.bytesPerKey());
        entry(c, "dataset.bytes", m.dataset());
        ratio(c, "dataset.percentage", m.datasetPercent());
        ratio(c, "peak.percentage", m.peak() == 0 ? 0 : m.used() * 100.0 / m.peak());
        entry(c, "allocator.allocated", m.heapUsed());
        entry(c, "allocator.active", m.heapCommitted());
        entry(c, "allocator.resident", m.rss());
        ratio(c, "allocator-fragmentation.ratio", m.allocatorFragRatio());
        entry(c, "allocator-fragmentation.bytes", m.heapCommitted() - m.heapUsed());
        ratio(c, "allocator-rss.ratio", m.allocatorRssRatio());
        entry(c, "allocator-rss.bytes", m.rss() - m.heapCommitted());
        ratio(c, "rss-overhead.ratio", 1);
        entry(c, "rss-overhead.bytes", 0);
        ratio(c, "fragmentation", m.fragmentation());
        entry(c, "fragmentation.bytes", m.rss() - m.used());
    }

    private static void entry(Call c, String name, long value) {
        c.reply().bulkText(name);
        c.reply().integer(value);
    }

    /** Redis keeps these ratios as C floats: the reply shows a float's precision. */
    private static void ratio(Call c, String name, double value) {
        c.reply().bulkText(name);
        c.reply().doubleValue((float) value);
    }

    /**
     * The conditions KV can judge: too little data to say, a past peak, big client buffers. Redis'
     * fragmentation and allocator checks are left out: the JVM's RSS is mostly heap sized ahead of
     * the data, not fragmentation, so they would always fire.
     */
    private static void doctor(Call c) {
        Server s = c.server();
        s.refreshClientMemory();
        long used = s.usedMemory();
        String report;
        if (used < DOCTOR_MIN_USED) {
            report = DOCTOR_EMPTY;
        } else {
            StringBuilder issues = new StringBuilder();
            if ((float) s.peakMemory() / used > 1.5f) {
                issues.append(DOCTOR_PEAK);
            }
            int clients = s.clients().count();
            if (clients > 0 && s.clientMemory() / clients > BIG_CLIENT_BUFFER) {
                issues.append(DOCTOR_CLIENTS);
            }
            report = issues.length() == 0 ? DOCTOR_FINE : DOCTOR_HEAD + issues + DOCTOR_TAIL;
        }
        c.reply().verbatim("txt", report.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Redis asks jemalloc to return dirty pages. KV asks the JVM for a full collection, which
     * returns free heap to the system; it runs on its own thread, so the data thread does not wait
     * for it beyond the collection's own pause.
     */
    private static void purge(Call c) {
        Thread t = new Thread(System::gc, "kv-memory-purge");
        t.setDaemon(true);
        t.start();
        c.reply().ok();
    }

    /** The JVM's memory pools (Redis prints its allocator's statistics). */
    private static void mallocStats(Call c) {
        StringBuilder sb = new StringBuilder("___ Begin JVM memory pool statistics ___\n");
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getUsage();
            if (u == null) {
                continue;
            }
            sb.append(pool.getName()).append(" (").append(pool.getType()).append("): used=").append(u.getUsed())
                    .append(" committed=").append(u.getCommitted()).append(" max=").append(u.getMax()).append('\n');
        }
        sb.append("--- End JVM memory pool statistics ---\n");
        c.reply().verbatim("txt", sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void help(Call c) {
        Help.reply(c, "MEMORY",
                "DOCTOR",
                "    Report memory problems KV can detect.",
                "MALLOC-STATS",
                "    Show the JVM's memory pool statistics.",
                "PURGE",
                "    Ask the JVM to collect garbage and give free heap back to the system.",
                "STATS",
                "    Show a breakdown of the server's memory usage.",
                "USAGE <key> [SAMPLES <count>]",
                "    Estimated bytes used by <key> and its value (SAMPLES is accepted; the figure needs no sampling).");
    }
}
