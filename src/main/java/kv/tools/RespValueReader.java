package kv.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads one RESP2/RESP3 reply from the server, normalised as {@link RespValue} describes. */
final class RespValueReader {
    private RespValueReader() {}

    static RespValue read(InputStream in) throws IOException {
        int t = in.read();
        if (t < 0) {
            throw new ServerClosedException();
        }
        byte[] line = readLine(in);
        switch (t) {
            case '+':
            case '-':
            case ',':
            case '(':
                return new RespValue((char) t, line, 0, null);
            case ':':
                return new RespValue(':', line, parseLong(line), null);
            case '#':
                return new RespValue('#', line, line.length > 0 && line[0] == 't' ? 1 : 0, null);
            case '_':
                return nil();
            case '$':
            case '=':
            case '!': {
                long n = parseLong(line);
                if (n < 0) {
                    return nil();
                }
                byte[] data = in.readNBytes((int) n);
                if (data.length != n) {
                    throw new ServerClosedException();
                }
                readLine(in);
                if (t == '=') { // verbatim: "txt:" format prefix, shown without it
                    byte[] body = data.length >= 4 ? Arrays.copyOfRange(data, 4, data.length) : data;
                    return new RespValue('=', body, 0, null);
                }
                return new RespValue(t == '!' ? '-' : '$', data, 0, null);
            }
            case '*':
            case '~':
            case '>':
            case '%':
            case '|': {
                long n = parseLong(line);
                if (n < 0) {
                    return nil();
                }
                long count = (t == '%' || t == '|') ? 2 * n : n;
                List<RespValue> elems = new ArrayList<>((int) Math.min(count, 1024));
                for (long i = 0; i < count; i++) {
                    elems.add(read(in));
                }
                if (t == '|') { // attribute: metadata about the reply that follows; skipped
                    return read(in);
                }
                return new RespValue((char) t, null, n, elems);
            }
            default:
                throw new IOException("Protocol error, got \"" + (char) t + "\" as reply type byte");
        }
    }

    private static RespValue nil() {
        return new RespValue('_', new byte[0], 0, null);
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(32);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new ServerClosedException();
            }
            if (c == '\r') {
                int d = in.read();
                if (d == '\n') {
                    return b.toByteArray();
                }
                if (d < 0) {
                    throw new ServerClosedException();
                }
                b.write(c);
                b.write(d);
                continue;
            }
            b.write(c);
        }
    }

    private static long parseLong(byte[] s) throws IOException {
        try {
            return Long.parseLong(new String(s, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new IOException("Protocol error, bad number: " + new String(s, StandardCharsets.US_ASCII));
        }
    }
}
