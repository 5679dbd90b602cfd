package kv.store;

/**
 * A value of one of the aggregate types (list, set, hash, sorted set, stream). Strings are not
 * wrapped: see {@link StringValues}.
 */
public interface CompoundValue {
    ValueType type();

    /** The OBJECT ENCODING name, e.g. "listpack" or "hashtable". */
    String encoding();

    /** Estimated heap footprint, for used_memory. */
    long heapBytes();
}
