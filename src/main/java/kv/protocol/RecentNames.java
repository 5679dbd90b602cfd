package kv.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The command names a connection sent last, so that a request repeating one gets the same array
 * as its first argument instead of a fresh copy (a transaction of ten SETs allocates one "SET"
 * array, not ten). Sharing is safe because no command writes into its arguments; a name is kept
 * byte for byte as the client sent it, case included.
 */
final class RecentNames {
    /** Longer first arguments are copied every time: command names are short. */
    static final int MAX_LENGTH = 16;
    private static final int SLOTS = 8;

    private final byte[][] names = new byte[SLOTS][];
    /** The slot the next name not found replaces (round robin). */
    private int victim;

    /** The {@code length} bytes at {@code at} in {@code in} as an array: a kept one when equal, else a copy (then kept). */
    byte[] take(ByteBuf in, int at, int length) {
        if (length > MAX_LENGTH) {
            return copy(in, at, length);
        }
        for (byte[] name : names) {
            if (name != null && name.length == length && sameBytes(name, in, at)) {
                return name;
            }
        }
        byte[] name = copy(in, at, length);
        names[victim] = name;
        victim = (victim + 1) % SLOTS;
        return name;
    }

    private static boolean sameBytes(byte[] name, ByteBuf in, int at) {
        for (int i = 0; i < name.length; i++) {
            if (name[i] != in.getByte(at + i)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] copy(ByteBuf in, int at, int length) {
        byte[] b = new byte[length];
        in.getBytes(at, b);
        return b;
    }
}
