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
    public long errorReplies;
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

    public Map<String, Long> errorsByCode() {
        return errorsByCode;
    }

    public void reset() {
        connectionsReceived = 0;
        rejectedConnections = 0;
        commandsProcessed = 0;
        netInputBytes = 0;
        netOutputBytes = 0;
        errorReplies = 0;
        errorsByCode.clear();
    }
}
