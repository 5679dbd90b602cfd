package kv.rdb;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where an RDB file stands in a replication stream: its repl-id, repl-offset and repl-stream-db aux
 * fields (Redis' rdbSaveInfo). A server started from the file resumes that history: a replica
 * PSYNCs with it, a master keeps it as its secondary id so its replicas can continue.
 */
public record ReplicationInfo(String replid, long offset, int streamDb) {

    /** The fields of {@code aux}, or null unless all three are there and valid (as Redis requires). */
    public static ReplicationInfo from(Map<String, byte[]> aux) {
        byte[] id = aux.get("repl-id");
        byte[] offset = aux.get("repl-offset");
        byte[] db = aux.get("repl-stream-db");
        if (id == null || id.length != 40 || offset == null || db == null) {
            return null;
        }
        try {
            long o = Long.parseLong(new String(offset, StandardCharsets.US_ASCII));
            int d = Integer.parseInt(new String(db, StandardCharsets.US_ASCII));
            // older servers could write -1 for the db: such a file carries no usable position
            return o < 0 || d < 0 ? null : new ReplicationInfo(new String(id, StandardCharsets.US_ASCII), o, d);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
