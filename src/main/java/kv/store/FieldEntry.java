package kv.store;

import java.util.Arrays;

/**
 * One field/value pair of a big hash in a single array: the field's length (unsigned LEB128), the
 * field, the value. One array instead of two saves an array header and the alignment padding of
 * one, and the table a slot array for values (about 24 bytes a field). A new value of the same
 * length is written over the old one ({@link #rewriteValue}); any other is a new entry. (A value
 * changed in place is safe: a snapshot holds a copy of the hash made before the change.)
 */
final class FieldEntry {
    private FieldEntry() {
    }

    static byte[] of(byte[] field, byte[] value) {
        int prefix = prefixSize(field.length);
        byte[] e = new byte[prefix + field.length + value.length];
        int v = field.length;
        int o = 0;
        while (v >= 0x80) {
            e[o++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        e[o] = (byte) v;
        System.arraycopy(field, 0, e, prefix, field.length);
        System.arraycopy(value, 0, e, prefix + field.length, value.length);
        return e;
    }

    private static int prefixSize(int length) {
        return length < 0x80 ? 1 : length < 0x4000 ? 2 : length < 0x200000 ? 3 : length < 0x10000000 ? 4 : 5;
    }

    static int fieldLength(byte[] e) {
        int v = 0;
        int shift = 0;
        int i = 0;
        while (true) {
            int x = e[i++];
            v |= (x & 0x7f) << shift;
            if (x >= 0) {
                return v;
            }
            shift += 7;
        }
    }

    static int fieldOffset(byte[] e) {
        return prefixSize(fieldLength(e));
    }

    static int valueOffset(byte[] e) {
        int len = fieldLength(e);
        return prefixSize(len) + len;
    }

    static int valueLength(byte[] e) {
        return e.length - valueOffset(e);
    }

    static boolean fieldEquals(byte[] e, byte[] field) {
        int len = fieldLength(e);
        int off = prefixSize(len);
        return len == field.length && Arrays.equals(e, off, off + len, field, 0, len);
    }

    /** Writes {@code value} over the entry's value if it has the same length; false (nothing done) if not. */
    static boolean rewriteValue(byte[] e, byte[] value) {
        int off = valueOffset(e);
        if (e.length - off != value.length) {
            return false;
        }
        System.arraycopy(value, 0, e, off, value.length);
        return true;
    }

    static byte[] field(byte[] e) {
        int len = fieldLength(e);
        int off = prefixSize(len);
        return Arrays.copyOfRange(e, off, off + len);
    }

    static byte[] value(byte[] e) {
        return Arrays.copyOfRange(e, valueOffset(e), e.length);
    }
}
