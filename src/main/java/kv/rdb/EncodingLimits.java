package kv.rdb;

import kv.store.SetValue;
import kv.store.SortedSet;

/**
 * The encoding thresholds values are built with on load (the configuration in force, as Redis
 * converts loaded values by its own configuration, not the writer's).
 */
public record EncodingLimits(long hashMaxListpackEntries, long hashMaxListpackValue, long setMaxIntsetEntries,
        long setMaxListpackEntries, long setMaxListpackValue, long zsetMaxListpackEntries, long zsetMaxListpackValue,
        int listMaxListpackSize) {

    /** Redis' defaults. */
    public static final EncodingLimits DEFAULTS = new EncodingLimits(128, 64, 512, 128, 64, 128, 64, -2);

    SetValue.Limits set() {
        return new SetValue.Limits(setMaxIntsetEntries, setMaxListpackEntries, setMaxListpackValue);
    }

    SortedSet.Limits zset() {
        return new SortedSet.Limits(zsetMaxListpackEntries, zsetMaxListpackValue);
    }
}
