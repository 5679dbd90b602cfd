package kv.observe;

import java.util.Map;
import java.util.TreeMap;

/** Server-wide counters behind INFO stats and errorstats; written by the data thread only. */
public final class ServerStats {
    public long connectionsReceived;
    public long rejectedConnections;
    public long commandsProcessed;
    public long netInputBytes;
    public long netOutputBytes;
    /** Bytes read from this replica's master and written to this master's replicas (sync and stream). */
    public long replInputBytes;
    public long replOutputBytes;
    public long errorReplies;
    /** AUTH and HELLO AUTH attempts refused with WRONGPASS (acl_access_denied_auth). */
    public long authFailures;
    /** Clients closed by maxmemory-clients (Redis' stat_evictedclients). */
    public long evictedClients;
    /** Read events that carried bytes, and socket writes of replies (total_reads/writes_processed). */
    public long readsProcessed;
    public long writesProcessed;
    /** Full and partial resynchronisations served to replicas, and PSYNCs that asked to continue but could not. */
    public long syncFull;
    public long syncPartialOk;
    public long syncPartialErr;
    /** Reply buffers shrunk and grown by the periodic resize (reply_buffer_shrinks/expands). */
    public long replyBufferShrinks;
    public long replyBufferExpands;

    // instantaneous_* metrics: Redis samples every 100 ms and averages the last 16 samples
    private static final int SAMPLES = 16;
    private static final int METRICS = 5;
    private final long[][] samples = new long[METRICS][SAMPLES];
    private final long[] lastValue = new long[METRICS];
    private long lastSampleMs;
    private int sampleIndex;
    private final Map<String, Long> errorsByCode = new TreeMap<>();

    /** Counts an error reply under its code, the first word of the message ("ERR", "WRONGTYPE"...). */
    public void error(String message) {
        errorReplies++;
        int space = message.indexOf(' ');
        String code = space < 0 ? message : message.substring(0, space);
        // Redis caps the number of distinct codes it tracks so clients cannot grow the table at will
        if (errorsByCode.containsKey(code) || errorsByCode.size() < 128) {
            errorsByCode.merge(code, 1L, Long::sum);
        }
    }

    /** Called from the cron; takes a sample when at least 100 ms have passed since the last one. */
    public void sample(long nowMs) {
        long[] now = {commandsProcessed, netInputBytes, netOutputBytes, replInputBytes, replOutputBytes};
        if (lastSampleMs == 0) {
            lastSampleMs = nowMs;
            System.arraycopy(now, 0, lastValue, 0, METRICS);
            return;
        }
        long elapsed = nowMs - lastSampleMs;
        if (elapsed < 100) {
            return;
        }
        for (int m = 0; m < METRICS; m++) {
            // per second (ops) or per second in bytes (kbps converts later)
            samples[m][sampleIndex] = Math.max(0, now[m] - lastValue[m]) * 1000 / elapsed;
            lastValue[m] = now[m];
        }
        sampleIndex = (sampleIndex + 1) % SAMPLES;
        lastSampleMs = nowMs;
    }

    private long average(int metric) {
        long sum = 0;
        for (long v : samples[metric]) {
            sum += v;
        }
        return sum / SAMPLES;
    }

    public long instantaneousOps() {
        return average(0);
    }

    public double instantaneousInputKbps() {
        return average(1) / 1024.0;
    }

    public double instantaneousOutputKbps() {
        return average(2) / 1024.0;
    }

    public double instantaneousReplInputKbps() {
        return average(3) / 1024.0;
    }

    public double instantaneousReplOutputKbps() {
        return average(4) / 1024.0;
    }

    public Map<String, Long> errorsByCode() {
        return errorsByCode;
    }

    public void reset() {
        connectionsReceived = 0;
        rejectedConnections = 0;
        commandsProcessed = 0;
        netInputBytes = 0;
        netOutputBytes = 0;
        replInputBytes = 0;
        replOutputBytes = 0;
        errorReplies = 0;
        authFailures = 0;
        evictedClients = 0;
        readsProcessed = 0;
        writesProcessed = 0;
        syncFull = 0;
        syncPartialOk = 0;
        syncPartialErr = 0;
        replyBufferShrinks = 0;
        replyBufferExpands = 0;
        errorsByCode.clear();
        for (long[] m : samples) {
            java.util.Arrays.fill(m, 0);
        }
        lastValue[0] = 0;
        lastValue[1] = 0;
        lastValue[2] = 0;
    }
}
