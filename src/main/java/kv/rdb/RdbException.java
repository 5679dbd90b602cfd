package kv.rdb;

/**
 * A file or payload KV cannot load: malformed, truncated, or holding something KV cannot
 * represent. The message says where (byte offset, and the key being read when known) and why.
 */
public final class RdbException extends Exception {
    private final long offset;

    public RdbException(String reason, long offset) {
        super(reason + " at offset " + offset);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
