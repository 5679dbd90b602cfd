package kv.aof;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the commands of one AOF file (RESP arrays of bulk strings, with Redis 7's {@code #}
 * annotation lines in between) and tells a clean end, a cut-off last command and corruption apart.
 * {@link #commandStart()} is the offset of the command last returned or being read: the point a
 * truncation keeps.
 */
public final class AofReader implements Closeable {
    /** Why a file cannot be read past some offset. */
    public static final class FormatError extends Exception {
        private final boolean truncated;
        private final long offset;

        FormatError(boolean truncated, long offset, String reason) {
            super(reason);
            this.truncated = truncated;
            this.offset = offset;
        }

        /** The file ends inside a command (as a crash during a write leaves it), rather than holding bad bytes. */
        public boolean truncated() {
            return truncated;
        }

        /** Where the unreadable command starts (truncated) or the bad byte is (corrupt). */
        public long offset() {
            return offset;
        }
    }

    private static final long MAX_ARGS = 1L << 31;
    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private long consumed;
    private long commandStart;

    public AofReader(InputStream in) {
        this(in, 0);
    }

    /** Reads {@code in}, positioned at {@code startOffset} of its file (after an RDB preamble). */
    public AofReader(InputStream in, long startOffset) {
        this.in = in;
        this.consumed = startOffset;
    }

    /** Offset of the start of the last command returned (or of the one that failed). */
    public long commandStart() {
        return commandStart;
    }

    /** Offset just past what has been read. */
    public long offset() {
        return consumed + pos;
    }

    /** The next command, or null at a clean end of file. */
    public byte[][] next() throws IOException, FormatError {
        while (true) {
            commandStart = offset();
            int first = read();
            if (first < 0) {
                return null;
            }
            if (first == '#') {
                // an annotation (Redis' aof-timestamp-enabled): skipped up to its newline
                int b;
                do {
                    b = read();
                } while (b >= 0 && b != '\n');
                if (b < 0) {
                    throw new FormatError(true, commandStart, "unexpected end of file in an annotation");
                }
                continue;
            }
            if (first != '*') {
                throw new FormatError(false, commandStart, "expected '*' at the start of a command, found " + describe(first));
            }
            long argc = number("argument count");
            if (argc < 1 || argc > MAX_ARGS) {
                throw new FormatError(false, commandStart, "invalid argument count " + argc);
            }
            byte[][] argv = new byte[(int) argc][];
            for (int i = 0; i < argc; i++) {
                long at = offset();
                int dollar = readOrTruncated();
                if (dollar != '$') {
                    throw new FormatError(false, at, "expected '$' before argument " + (i + 1) + ", found " + describe(dollar));
                }
                long len = number("bulk length");
                if (len < 0 || len > Integer.MAX_VALUE - 8) {
                    throw new FormatError(false, at, "invalid bulk length " + len);
                }
                argv[i] = readExactly((int) len);
                long crAt = offset();
                if (readOrTruncated() != '\r' || readOrTruncated() != '\n') {
                    throw new FormatError(false, crAt, "missing CRLF after argument " + (i + 1));
                }
            }
            return argv;
        }
    }

    /** Digits up to CRLF. */
    private long number(String what) throws IOException, FormatError {
        // the common case, at most 18 digits and their CRLF whole in the buffer, without a call per
        // byte; anything else (a sign, a buffer boundary, bad bytes) is read below, errors included
        int p = pos;
        int digitsEnd = Math.min(limit, p + 18);
        long n = 0;
        while (p < digitsEnd && buf[p] >= '0' && buf[p] <= '9') {
            n = n * 10 + (buf[p++] - '0');
        }
        if (p > pos && p + 1 < limit && buf[p] == '\r' && buf[p + 1] == '\n') {
            pos = p + 2;
            return n;
        }
        long at = offset();
        long v = 0;
        boolean negative = false;
        int digits = 0;
        int b = readOrTruncated();
        if (b == '-') {
            negative = true;
            b = readOrTruncated();
        }
        while (b >= '0' && b <= '9') {
            if (++digits > 18) {
                throw new FormatError(false, at, "invalid " + what);
            }
            v = v * 10 + (b - '0');
            b = readOrTruncated();
        }
        if (digits == 0 || b != '\r' || readOrTruncated() != '\n') {
            throw new FormatError(false, at, "invalid " + what);
        }
        return negative ? -v : v;
    }

    private byte[] readExactly(int len) throws IOException, FormatError {
        byte[] out = new byte[len];
        int done = 0;
        while (done < len) {
            if (pos == limit && !fill()) {
                throw truncated();
            }
            int n = Math.min(len - done, limit - pos);
            System.arraycopy(buf, pos, out, done, n);
            pos += n;
            done += n;
        }
        return out;
    }

    private int readOrTruncated() throws IOException, FormatError {
        int b = read();
        if (b < 0) {
            throw truncated();
        }
        return b;
    }

    private FormatError truncated() {
        return new FormatError(true, commandStart, "unexpected end of file");
    }

    private int read() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    private boolean fill() throws IOException {
        consumed += limit;
        pos = 0;
        limit = 0;
        int n = in.read(buf);
        if (n <= 0) {
            return false;
        }
        limit = n;
        return true;
    }

    private static String describe(int b) {
        return b >= 32 && b < 127 ? "'" + (char) b + "'" : String.format("byte 0x%02x", b);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

}
