package kv.util;

/** The versions KV reports: its own, and the Redis version it is compatible with. */
public final class Version {
    /** KV's own version (INFO kv_version, the start-up log, fatal config error banners). */
    public static final String KV = "0.1.0";
    /** The Redis version KV behaves like, reported to clients that check it (INFO, HELLO, metrics). */
    public static final String REDIS = "7.2.4";

    private Version() {
    }
}
