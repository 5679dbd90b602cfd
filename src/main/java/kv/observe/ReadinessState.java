package kv.observe;

/**
 * Whether the server should receive traffic, beyond its listeners being up: not while it is
 * loading a data file, and not while writes to the persistence files fail (Redis refuses writes
 * then). Persistence sets these flags from its own threads; the readiness probe, INFO and the
 * metrics read them from any thread, hence volatile fields and no other shared state.
 *
 * <p>{@link #loading(boolean)} is set while the RDB file or the AOF loads at start-up (the
 * dispatcher then answers LOADING); the AOF sets {@link #persistenceFailed(String)} while appends fail.
 */
public final class ReadinessState {
    private volatile boolean loading;
    private volatile String persistenceError;
    /** Whether this server replicates a master (REPLICAOF host port), and whether its link is up. */
    private volatile boolean replica;
    private volatile boolean masterLinkUp;

    /** Set while a data file (AOF or RDB) is being loaded; INFO reports it as {@code loading:1}. */
    public void loading(boolean loading) {
        this.loading = loading;
    }

    public boolean loading() {
        return loading;
    }

    /** A write or fsync of a persistence file failed: not ready until {@link #persistenceOk()}. */
    public void persistenceFailed(String reason) {
        this.persistenceError = reason == null || reason.isEmpty() ? "unknown error" : reason;
    }

    /** The persistence files are writable again. */
    public void persistenceOk() {
        this.persistenceError = null;
    }

    /** The last persistence failure, or null while writes succeed. */
    public String persistenceError() {
        return persistenceError;
    }

    public boolean persistenceWritable() {
        return persistenceError == null;
    }

    /** The replica side says whether the server replicates a master and whether the link is up. */
    public void replication(boolean replica, boolean masterLinkUp) {
        this.replica = replica;
        this.masterLinkUp = masterLinkUp;
    }

    public boolean replica() {
        return replica;
    }

    /** True while a replica's link with its master is up (false on a master). */
    public boolean masterLinkUp() {
        return masterLinkUp;
    }

    /**
     * Ready for traffic as far as the data is concerned (the listeners are checked separately):
     * a replica only while its master link is up, since until then it serves stale data.
     */
    public boolean ready() {
        return !loading && persistenceError == null && (!replica || masterLinkUp);
    }
}
