package kv.store;

/**
 * maxmemory-policy: which keys may go (all, or only those with a TTL) and how the victim is
 * chosen (least recently used, least frequently used, random, nearest expiry), or none at all.
 */
public enum EvictionPolicy {
    NOEVICTION(false, Rank.NONE),
    ALLKEYS_LRU(false, Rank.LRU),
    ALLKEYS_LFU(false, Rank.LFU),
    ALLKEYS_RANDOM(false, Rank.RANDOM),
    VOLATILE_LRU(true, Rank.LRU),
    VOLATILE_LFU(true, Rank.LFU),
    VOLATILE_RANDOM(true, Rank.RANDOM),
    VOLATILE_TTL(true, Rank.TTL);

    /** How candidates are ranked. */
    public enum Rank { NONE, LRU, LFU, RANDOM, TTL }

    private final boolean volatileOnly;
    private final Rank rank;

    EvictionPolicy(boolean volatileOnly, Rank rank) {
        this.volatileOnly = volatileOnly;
        this.rank = rank;
    }

    /** Only keys with a TTL are candidates. */
    public boolean volatileOnly() {
        return volatileOnly;
    }

    public Rank rank() {
        return rank;
    }

    /** The policy named as the directive spells it ({@code allkeys-lru}). */
    public static EvictionPolicy of(String directive) {
        return valueOf(directive.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
}
