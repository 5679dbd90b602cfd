package kv.observe;

/**
 * How far the data file being loaded has come, for INFO persistence's {@code loading_*} fields
 * (shown while {@link ReadinessState#loading()}). Kept and read on the data thread only: a loader
 * running on another thread posts its figures there.
 */
public final class LoadingProgress {
    private long startSeconds;
    private long totalBytes;
    private long loadedBytes;
    private long rdbUsedMem;

    /** A load of {@code totalBytes} (0 if unknown) begins at unix time {@code startSeconds}. */
    public void start(long startSeconds, long totalBytes) {
        this.startSeconds = startSeconds;
        this.totalBytes = totalBytes;
        loadedBytes = 0;
        rdbUsedMem = 0;
    }

    /** Bytes of the file(s) consumed so far. */
    public void loaded(long bytes) {
        loadedBytes = bytes;
    }

    /** The memory the RDB's writer used (its {@code used-mem} auxiliary field). */
    public void rdbUsedMem(long bytes) {
        rdbUsedMem = bytes;
    }

    public long startSeconds() {
        return startSeconds;
    }

    public long totalBytes() {
        return totalBytes;
    }

    public long loadedBytes() {
        return loadedBytes;
    }

    public long rdbUsedMem() {
        return rdbUsedMem;
    }

    /**
     * Percent loaded: of the total size, or, when that is unknown, of the writer's used memory (a
     * rough stand-in for the size, so kept under 100).
     */
    public double percent() {
        if (totalBytes > 0) {
            return loadedBytes * 100.0 / totalBytes;
        }
        return rdbUsedMem > 0 ? Math.min(99.99, loadedBytes * 100.0 / rdbUsedMem) : 0;
    }

    /** Seconds still to go at the pace so far (1 in the first second, when there is no pace yet). */
    public long etaSeconds(long nowSeconds) {
        long elapsed = nowSeconds - startSeconds;
        if (elapsed <= 0) {
            return 1;
        }
        long size = totalBytes > 0 ? totalBytes : rdbUsedMem;
        long remaining = Math.max(1, size - loadedBytes);
        return elapsed * remaining / (loadedBytes + 1);
    }
}
