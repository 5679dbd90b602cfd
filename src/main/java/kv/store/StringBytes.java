package kv.store;

/**
 * Byte-level access to string values for the commands that treat a string as an array of bits or
 * registers (SETBIT, BITFIELD, BITOP, HyperLogLog), without exposing the representation: readers
 * get the backing array and a length; writers get a growable ("raw") value whose array they may
 * change between {@link Db#modify} and {@link Db#modified(byte[], Object)}.
 */
public final class StringBytes {
    private StringBytes() {
    }

    /**
     * The array holding the value's bytes at [0, {@link #length}): the value's own array (do not
     * write to it) or, for an integer, its decimal form.
     */
    public static byte[] array(Object value) {
        if (value instanceof MutableString) {
            return ((MutableString) value).buffer();
        }
        return StringValues.bytes(value);
    }

    public static int length(Object value) {
        return StringValues.length(value);
    }

    /**
     * The value (null: an empty string) as a growable string at least {@code minLength} bytes long,
     * zero-padded: the same object if it already is one, else a new one holding a copy. Redis'
     * dbUnshareStringValue plus sdsgrowzero.
     */
    public static Object growable(Object value, int minLength) {
        MutableString s;
        if (value instanceof MutableString) {
            s = (MutableString) value;
        } else if (value == null) {
            s = MutableString.wrap(new byte[minLength]);
        } else {
            s = new MutableString(StringValues.bytes(value), Math.max(0, minLength - StringValues.length(value)));
        }
        s.extendTo(minLength);
        return s;
    }

    /** The writable array of a value returned by {@link #growable} (valid until it grows again). */
    public static byte[] writableArray(Object growable) {
        return ((MutableString) growable).buffer();
    }

    /** A "raw" string value that takes over {@code bytes} (no copy): results Redis stores raw. */
    public static Object raw(byte[] bytes) {
        return MutableString.wrap(bytes);
    }
}
