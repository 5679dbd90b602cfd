package kv.observe;

/**
 * What the statistics snapshot needs to know of the append-only file, without the engine
 * depending on the AOF's package. Read on the data thread only.
 */
public interface AofState {
    /** A BGREWRITEAOF (or an automatic rewrite) is running. */
    boolean rewriteInProgress();

    /** The last rewrite succeeded, or none has run (aof_last_bgrewrite_status). */
    boolean lastRewriteOk();
}
