package kv.util;

import java.nio.charset.StandardCharsets;

/**
 * Client bytes inside error texts. Every error reply is written one char per byte (ISO-8859-1), so
 * text built here carries the client's bytes back exactly: {@code h\xc3\xa9llo} comes back as
 * {@code h\xc3\xa9llo}, never re-encoded. Decoding client bytes as UTF-8 for a message would break
 * that round trip; this is the one way in.
 */
public final class ClientText {
    /** Redis quotes client input with {@code %.128s}. */
    public static final int QUOTE_LIMIT = 128;

    private ClientText() {
    }

    /** The argument as Redis' {@code %s} prints it: one char per byte, up to the first NUL (a C string ends there). */
    public static String of(byte[] arg) {
        int end = 0;
        while (end < arg.length && arg[end] != 0) {
            end++;
        }
        return new String(arg, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** The argument as Redis' {@code %.128s} prints it: {@link #of} cut to 128 bytes. */
    public static String abbreviated(byte[] arg) {
        String s = of(arg);
        return s.length() > QUOTE_LIMIT ? s.substring(0, QUOTE_LIMIT) : s;
    }

    /** The argument as Redis' {@code %.*s} prints it with room for {@code max} bytes. */
    public static String upTo(byte[] arg, int max) {
        String s = of(arg);
        return s.length() > max ? s.substring(0, Math.max(0, max)) : s;
    }
}
