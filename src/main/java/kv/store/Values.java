package kv.store;

/** Type, encoding and size of any stored value. */
public final class Values {
    private Values() {
    }

    public static ValueType type(Object value) {
        if (StringValues.isString(value)) {
            return ValueType.STRING;
        }
        return ((CompoundValue) value).type();
    }

    public static String encoding(Object value) {
        if (StringValues.isString(value)) {
            return StringValues.encoding(value);
        }
        return ((CompoundValue) value).encoding();
    }

    public static long heapBytes(Object value) {
        if (StringValues.isString(value)) {
            return StringValues.heapBytes(value);
        }
        return ((CompoundValue) value).heapBytes();
    }

    /**
     * An independent copy of {@code value} (COPY): immutable string forms ({@code byte[]}, {@code
     * Long}) are shared, a {@link MutableString} and every aggregate are copied deeply, so writes
     * to one key never show through the other.
     */
    public static Object copy(Object value) {
        if (value instanceof MutableString) {
            MutableString s = (MutableString) value;
            return new MutableString(s.toBytes(), 0);
        }
        if (StringValues.isString(value)) {
            return value;
        }
        return ((CompoundValue) value).copy();
    }
}
