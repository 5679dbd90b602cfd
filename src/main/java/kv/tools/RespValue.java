package kv.tools;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One RESP2/RESP3 reply: type byte, payload bytes (strings, numbers as text) and children.
 * {@link RespValueReader} normalises what the renderer need not tell apart: every null is
 * {@code '_'}, a blob error {@code '-'}, a verbatim string loses its format prefix.
 */
final class RespValue {
    final char type;
    final byte[] str;
    final long integer;
    final List<RespValue> elements;

    RespValue(char type, byte[] str, long integer, List<RespValue> elements) {
        this.type = type;
        this.str = str;
        this.integer = integer;
        this.elements = elements;
    }

    String text() {
        return new String(str, StandardCharsets.UTF_8);
    }
}
