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
}
