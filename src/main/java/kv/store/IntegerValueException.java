package kv.store;

/**
 * An integer operation on a string ({@link Db#addToInteger}) found no 64-bit integer in it, or its
 * result would overflow; the engine turns it into the matching Redis error.
 */
public final class IntegerValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean overflow;

    IntegerValueException(boolean overflow) {
        super(overflow ? "increment or decrement would overflow" : "value is not an integer or out of range", null, false, false);
        this.overflow = overflow;
    }

    /** True if the value was an integer but the result would not fit in 64 bits. */
    public boolean overflow() {
        return overflow;
    }
}
