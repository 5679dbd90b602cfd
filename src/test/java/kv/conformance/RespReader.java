package kv.conformance;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Structural RESP2/RESP3 reader: reads exactly one reply (value) and keeps its raw bytes, so the
 * caller knows where a reply ends without guessing. Handles the types
 * {@code + - : $ * _ , # ( ! = % ~ > |}; an attribute frame ({@code |}) is returned together with
 * the value that follows it.
 */
public final class RespReader {
    /** One parsed value; {@code raw} are its exact bytes, children are set for aggregates. */
    public static final class Value {
        public final char type;
        public final byte[] raw;
        /** Bytes of the header line (type byte up to and including CRLF). */
        public final int headerLength;
        public final List<Value> children;

        Value(char type, byte[] raw, int headerLength, List<Value> children) {
            this.type = type;
            this.raw = raw;
            this.headerLength = headerLength;
            this.children = children;
        }

        public boolean isAggregate() {
            return children != null;
        }
    }

    private static final int MAX_DEPTH = 64;
    private final InputStream in;
    private final byte[] buf = new byte[16384];
    private int pos;
    private int lim;
    private ByteArrayOutputStream capture = new ByteArrayOutputStream();

    public RespReader(InputStream in) {
        this.in = in;
    }

    /** Parses all values in {@code bytes}; throws IllegalArgumentException if they are not complete RESP. */
    public static List<Value> parseAll(byte[] bytes) {
        RespReader r = new RespReader(new ByteArrayInputStream(bytes));
        List<Value> out = new ArrayList<>();
        try {
            while (r.hasMore()) {
                out.add(r.read());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not complete RESP: " + e.getMessage(), e);
        }
        return out;
    }

    /** True if bytes are buffered or the stream says it has some, without blocking. */
    public boolean hasBuffered() throws IOException {
        return pos < lim || in.available() > 0;
    }

    /** Blocks until a byte is available (true) or the stream ended (false). */
    public boolean hasMore() throws IOException {
        return fill();
    }

    /** Bytes consumed so far by an unfinished read (for diagnostics after a timeout). */
    public byte[] partial() {
        return capture.toByteArray();
    }

    public Value read() throws IOException {
        capture = new ByteArrayOutputStream();
        ValueBuilder v = readValue(0);
        byte[] all = capture.toByteArray();
        capture = new ByteArrayOutputStream();
        return v.build(all);
    }

    private static final class ValueBuilder {
        char type;
        int start;
        int end;
        int headerEnd;
        List<ValueBuilder> children;

        Value build(byte[] all) {
            List<Value> kids = null;
            if (children != null) {
                kids = new ArrayList<>(children.size());
                for (ValueBuilder c : children) {
                    kids.add(c.build(all));
                }
            }
            return new Value(type, Arrays.copyOfRange(all, start, end), headerEnd - start, kids);
        }
    }

    private ValueBuilder readValue(int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("RESP nesting too deep");
        }
        int start = capture.size();
        int t = readByte();
        String line = readLine();
        ValueBuilder v = new ValueBuilder();
        v.type = (char) t;
        v.start = start;
        v.headerEnd = capture.size();
        switch (t) {
            case '+', '-', ':', '_', ',', '#', '(' -> {
            }
            case '$', '=', '!' -> {
                long len = parseLength(line, t);
                if (len >= 0) {
                    for (long i = 0; i < len; i++) {
                        readByte();
                    }
                    if (readByte() != '\r' || readByte() != '\n') {
                        throw new IOException("bulk string not terminated by CRLF");
                    }
                }
            }
            case '*', '~', '>' -> {
                long n = parseLength(line, t);
                if (n >= 0) {
                    v.children = new ArrayList<>();
                    for (long i = 0; i < n; i++) {
                        v.children.add(readValue(depth + 1));
                    }
                }
            }
            case '%' -> {
                long n = parseLength(line, t);
                v.children = new ArrayList<>();
                for (long i = 0; i < 2 * n; i++) {
                    v.children.add(readValue(depth + 1));
                }
            }
            case '|' -> {
                long n = parseLength(line, t);
                for (long i = 0; i < 2 * n; i++) {
                    readValue(depth + 1);
                }
                // The attribute belongs to the value that follows it.
                ValueBuilder inner = readValue(depth + 1);
                inner.start = start;
                v = inner;
            }
            default -> throw new IOException("unknown RESP type byte 0x" + Integer.toHexString(t));
        }
        v.end = capture.size();
        return v;
    }

    private static long parseLength(String line, int type) throws IOException {
        try {
            long n = Long.parseLong(line);
            if (n < -1 || n > (1L << 32)) {
                throw new IOException("bad length " + line + " for type " + (char) type);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException("bad length '" + line + "' for type " + (char) type);
        }
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = readByte();
            if (c == '\r') {
                if (readByte() != '\n') {
                    throw new IOException("CR not followed by LF in header line");
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
    }

    private boolean fill() throws IOException {
        if (pos < lim) {
            return true;
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    private int readByte() throws IOException {
        if (!fill()) {
            throw new EOFException("connection closed by server");
        }
        int c = buf[pos++] & 0xff;
        capture.write(c);
        return c;
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
