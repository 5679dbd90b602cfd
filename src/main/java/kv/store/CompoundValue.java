package kv.store;

/**
 * A value of one of the aggregate types (list, set, hash, sorted set, stream). Strings are not
 * wrapped: see {@link StringValues}.
 */
public interface CompoundValue {
    ValueType type();

    /** The OBJECT ENCODING name, e.g. "listpack" or "hashtable". */
    String encoding();

    /**
     * Estimated heap footprint, for used_memory. Must be O(1): the funnel asks for it before and
     * after every change (keep a running figure).
     */
    long heapBytes();

    /** True when the last element is gone; the funnel then deletes the key, as Redis does. */
    boolean isEmpty();

    /**
     * A deep copy sharing no mutable state with this value (COPY). Every type must override it;
     * the default only exists so that types written before COPY keep compiling.
     */
    default CompoundValue copy() {
        throw new UnsupportedOperationException("COPY of " + type().typeName() + " values is not implemented");
    }
}
