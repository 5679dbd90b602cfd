package kv.observe;

import java.util.List;
import java.util.Map;

/**
 * An immutable copy of the figures other threads report (metrics, health), taken on the data
 * thread by the cron so that no other thread ever reads the live, unsynchronised counters.
 * Arrays are fresh copies owned by the snapshot; nobody writes them after publication.
 */
public record StatsSnapshot(
        long takenAtMs,
        long startMs,
        int hz,
        int connectedClients,
        int blockedClients,
        int maxClients,
        long usedMemory,
        long peakMemory,
        long maxMemory,
        String maxMemoryPolicy,
        long connectionsReceived,
        long rejectedConnections,
        long commandsProcessed,
        long netInputBytes,
        long netOutputBytes,
        long errorReplies,
        long expiredKeys,
        long evictedKeys,
        long keyspaceHits,
        long keyspaceMisses,
        long[] keysPerDb,
        long[] expiringPerDb,
        CommandCounters commands,
        Map<String, Long> errorsByCode,
        Persistence persistence) {

    /**
     * Per-command counters in a fixed order (the server's counted commands, fixed after start-up),
     * so that meters registered at start-up find their figures by index.
     */
    public record CommandCounters(List<String> names, long[] calls, long[] micros, long[] failedCalls, long[] rejectedCalls) {
        public static final CommandCounters NONE = new CommandCounters(List.of(), new long[0], new long[0], new long[0], new long[0]);

        public int indexOf(String name) {
            return names.indexOf(name);
        }
    }

    /**
     * The INFO persistence figures the metrics export. The last save time is the start time until
     * a save succeeds, as Redis reports it.
     *
     * @param aofEnabled           the {@code appendonly} directive
     * @param loading              a data file is being loaded ({@link ReadinessState#loading()})
     * @param aofLastWriteOk       no persistence write is failing ({@link ReadinessState#persistenceWritable()})
     * @param changesSinceLastSave keys changed since the last save or load
     * @param lastSaveUnixSeconds  the last successful save (start-up time until one happens)
     * @param rdbSaveInProgress    a BGSAVE is running
     * @param lastBgsaveOk         the last BGSAVE succeeded, or none ran
     * @param aofRewriteInProgress a BGREWRITEAOF is running
     * @param lastRewriteOk        the last AOF rewrite succeeded, or none ran
     */
    public record Persistence(boolean aofEnabled, boolean loading, boolean aofLastWriteOk, long changesSinceLastSave,
            long lastSaveUnixSeconds, boolean rdbSaveInProgress, boolean lastBgsaveOk,
            boolean aofRewriteInProgress, boolean lastRewriteOk) {
        public static final Persistence NONE = new Persistence(false, false, true, 0, 0, false, true, false, true);
    }

    public static final StatsSnapshot EMPTY = new StatsSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, "", 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, new long[0], new long[0], CommandCounters.NONE, Map.of(), Persistence.NONE);
}
