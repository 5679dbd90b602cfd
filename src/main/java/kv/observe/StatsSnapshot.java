package kv.observe;

import java.util.Map;

/**
 * An immutable copy of the figures other threads report (metrics, health), taken on the data
 * thread by the cron so that no other thread ever reads the live, unsynchronised counters.
 */
public record StatsSnapshot(
        long takenAtMs,
        int connectedClients,
        long usedMemory,
        long maxMemory,
        long connectionsReceived,
        long rejectedConnections,
        long commandsProcessed,
        long expiredKeys,
        long keyspaceHits,
        long keyspaceMisses,
        long netInputBytes,
        long netOutputBytes,
        long errorReplies,
        long[] keysPerDb,
        long[] expiringPerDb,
        Map<String, long[]> commandCallsAndMicros) {

    public static final StatsSnapshot EMPTY = new StatsSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            new long[0], new long[0], Map.of());
}
