package kv.store;

import kv.util.BulkSink;
import kv.util.LongDouble;
import kv.util.Numbers;

/**
 * String values in their three encodings: {@code Long} ("int": canonical decimal integers),
 * {@code byte[]} ("embstr" up to 44 bytes, "raw" above) and {@link MutableString} ("raw", after
 * in-place modification). A string key therefore costs the key array and at most one object.
 */
public final class StringValues {
    /** Redis' OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    public static final int EMBSTR_LIMIT = 44;

    private StringValues() {
    }

    /** The compact value for {@code bytes}: a Long if it is a canonical integer, else the array itself. */
    public static Object of(byte[] bytes) {
        Long n = asLong(bytes, bytes.length);
        return n != null ? n : bytes;
    }

    /** The integer that {@link #of} makes of the first {@code len} bytes of {@code b}, or null where it keeps bytes. */
    static Long asLong(byte[] b, int len) {
        return len <= 20 && Numbers.isLong(b, 0, len) ? Numbers.parseLong(b, 0, len) : null;
    }

    /** A string value that is a 64-bit integer (by Redis' string2ll rules) reports it here. */
    public static boolean isLong(Object value) {
        if (value instanceof Long) {
            return true;
        }
        if (value instanceof MutableString) {
            MutableString s = (MutableString) value;
            return Numbers.isLong(s.buffer(), 0, s.length());
        }
        return Numbers.isLong((byte[]) value);
    }

    /** The integer of a value for which {@link #isLong} holds. */
    public static long longValue(Object value) {
        if (value instanceof Long) {
            return (Long) value;
        }
        if (value instanceof MutableString) {
            MutableString s = (MutableString) value;
            return Numbers.parseLong(s.buffer(), 0, s.length());
        }
        return Numbers.parseLong((byte[]) value);
    }

    /** True for a value stored as a number ("int" encoding): what Redis may share between keys. */
    public static boolean storedAsInteger(Object value) {
        return value instanceof Long;
    }

    /** The value as a C long double (INCRBYFLOAT), or null if it is not a number. */
    public static LongDouble longDouble(Object value) {
        if (value instanceof Long) {
            return LongDouble.of((Long) value);
        }
        if (value instanceof MutableString) {
            MutableString s = (MutableString) value;
            return LongDouble.parse(s.buffer(), 0, s.length());
        }
        return LongDouble.parse((byte[]) value);
    }

    /**
     * APPEND: the value after appending {@code data}. A growable value is changed in place and
     * returned; any other form becomes a growable one (Redis' dbUnshareStringValue, "raw").
     */
    public static Object append(Object value, byte[] data) {
        MutableString s = growable(value, data.length);
        s.append(data);
        return s;
    }

    /** SETRANGE: the value (null for a new key) after writing {@code data} at {@code offset}, zero-padded. */
    public static Object setRange(Object value, int offset, byte[] data) {
        MutableString s = value == null ? new MutableString(new byte[0], 0) : growable(value, 0);
        s.write(offset, data);
        return s;
    }

    private static MutableString growable(Object value, int extraCapacity) {
        if (value instanceof MutableString) {
            return (MutableString) value;
        }
        return new MutableString(bytes(value), extraCapacity);
    }

    public static boolean isString(Object value) {
        return value instanceof byte[] || value instanceof Long || value instanceof MutableString;
    }

    public static byte[] bytes(Object value) {
        if (value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof Long) {
            return Numbers.toBytes((Long) value);
        }
        return ((MutableString) value).toBytes();
    }

    public static int length(Object value) {
        if (value instanceof byte[]) {
            return ((byte[]) value).length;
        }
        if (value instanceof Long) {
            return Numbers.digits((Long) value);
        }
        return ((MutableString) value).length();
    }

    /** Writes the whole value to {@code out}. */
    public static void writeTo(BulkSink out, Object value) {
        if (value instanceof byte[]) {
            byte[] b = (byte[]) value;
            out.bulk(b, 0, b.length);
        } else if (value instanceof Long) {
            out.bulkLong((Long) value);
        } else {
            MutableString s = (MutableString) value;
            out.bulk(s.buffer(), 0, s.length());
        }
    }

    /** Writes bytes [start, end] inclusive to {@code out}, as GETRANGE does. */
    public static void writeRange(BulkSink out, Object value, int start, int end) {
        if (value instanceof MutableString) {
            MutableString s = (MutableString) value;
            out.bulk(s.buffer(), start, end - start + 1);
        } else {
            out.bulk(bytes(value), start, end - start + 1);
        }
    }

    public static String encoding(Object value) {
        if (value instanceof Long) {
            return "int";
        }
        if (value instanceof byte[] && ((byte[]) value).length <= EMBSTR_LIMIT) {
            return "embstr";
        }
        return "raw";
    }

    public static long heapBytes(Object value) {
        if (value instanceof byte[]) {
            return Memory.arrayBytes(((byte[]) value).length);
        }
        if (value instanceof Long) {
            long v = (Long) value;
            // Long.valueOf shares -128..127, as Redis shares small integers
            return v >= -128 && v <= 127 ? 0 : 16;
        }
        return ((MutableString) value).heapBytes();
    }
}
