package kv.tools;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Lines of bytes from a stream, without the {@code \n} (and a {@code \r} before it). */
final class LineReader {
    private final InputStream in;

    LineReader(InputStream in) {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in);
    }

    byte[] next() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        boolean any = false;
        while ((c = in.read()) >= 0) {
            any = true;
            if (c == '\n') {
                break;
            }
            b.write(c);
        }
        if (!any) {
            return null;
        }
        byte[] line = b.toByteArray();
        if (line.length > 0 && line[line.length - 1] == '\r') {
            return Arrays.copyOf(line, line.length - 1);
        }
        return line;
    }
}
