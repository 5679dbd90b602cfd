package kv.store;

import java.util.Arrays;

import kv.util.Numbers;

/**
 * The number of bytes a value takes in an RDB file (DEBUG OBJECT's serializedlength: the value
 * only, without type byte, key or expiry), computed the way Redis' rdbSavedObjectLen would.
 *
 * <p>Exact for strings, with one exception: Redis tries LZF compression on strings longer than 20
 * bytes (rdbcompression yes, the default) and keeps the compressed form when it saves at least 4
 * bytes. KV has no LZF codec yet, so for such strings this is the uncompressed length: exact for
 * incompressible data, an upper bound for compressible data.
 */
public final class RdbLength {
    /** Strings this short are tried as integers (rdbTryIntegerEncoding). */
    private static final int INTEGER_TRY_LIMIT = 11;

    private RdbLength() {
    }

    public static long of(Object value) {
        ValueType type = Values.type(value);
        if (type != ValueType.STRING) {
            // each aggregate type adds its RDB layout here when it lands
            throw new IllegalStateException("serialized length of " + type.typeName() + " values is not known yet");
        }
        if (value instanceof Long) {
            return integerOrString((Long) value);
        }
        byte[] bytes = StringValues.bytes(value);
        if (bytes.length <= INTEGER_TRY_LIMIT && Numbers.isLong(bytes)) {
            long n = Numbers.parseLong(bytes);
            // only the canonical form is stored as an integer: "007" stays a string
            if (Arrays.equals(Numbers.toBytes(n), bytes) && integerLength(n) > 0) {
                return integerLength(n);
            }
        }
        return string(bytes.length);
    }

    /** An integer-encoded string: 8, 16 or 32 bits after an encoding byte, else its decimal text. */
    private static long integerOrString(long n) {
        int len = integerLength(n);
        return len > 0 ? len : string(Numbers.digits(n));
    }

    /** Bytes of RDB_ENC_INT8/16/32 (encoding byte included), or 0 when {@code n} needs more than 32 bits. */
    private static int integerLength(long n) {
        if (n >= Byte.MIN_VALUE && n <= Byte.MAX_VALUE) {
            return 2;
        }
        if (n >= Short.MIN_VALUE && n <= Short.MAX_VALUE) {
            return 3;
        }
        if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
            return 5;
        }
        return 0;
    }

    /** A plain string: its length in RDB's variable-length form, then the bytes (see the class note on LZF). */
    private static long string(long length) {
        return lengthBytes(length) + length;
    }

    /** RDB's length encoding: 6, 14, 32 or 64 bits. */
    static int lengthBytes(long length) {
        if (length < (1 << 6)) {
            return 1;
        }
        if (length < (1 << 14)) {
            return 2;
        }
        if (length <= 0xFFFF_FFFFL) {
            return 5;
        }
        return 9;
    }
}
