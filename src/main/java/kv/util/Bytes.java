package kv.util;

/** Byte-array helpers shared by packages that may not depend on each other. */
public final class Bytes {
    private Bytes() {
    }

    /** A new array holding {@code a} followed by {@code b}. */
    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
