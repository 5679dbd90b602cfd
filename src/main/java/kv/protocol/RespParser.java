package kv.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

import java.util.Arrays;
import java.util.List;

import kv.util.ArgSplitter;
import kv.util.Numbers;

/**
 * Incremental request parser: RESP multibulk arrays of bulk strings and inline commands. Input
 * arrives in arbitrary chunks; {@link #next} returns one complete command at a time and keeps
 * partial state between calls. Bulk payloads are copied once, straight into the argument array.
 */
public final class RespParser {
    /** Longest inline command or header line without a newline (Redis' PROTO_INLINE_MAX_SIZE). */
    static final int MAX_LINE = 64 * 1024;
    /** Up to this size a bulk buffer is allocated whole up front; larger ones grow as bytes arrive. */
    private static final int EAGER_BULK = 1024 * 1024;
    /** Before authentication, Redis refuses larger requests to limit what a stranger can make it allocate. */
    private static final int UNAUTHENTICATED_MAX_ARGS = 10;
    private static final int UNAUTHENTICATED_MAX_BULK = 16 * 1024;

    /** What the parser needs to know about its connection. */
    public interface Limits {
        long maxBulkLength();

        long queryBufferLimit();

        boolean authenticated();
    }

    private final Limits limits;
    /** The first argument of a whole request, shared with earlier requests that sent the same name. */
    private final RecentNames names = new RecentNames();

    private byte[] line = new byte[64];
    private int lineLength;

    private byte[][] argv;
    private int argc;
    private int expected = -1;

    private byte[] bulk;
    private int bulkLength = -1;
    private int bulkFilled;
    private int trailerToSkip;
    private long requestBytes;
    /** The largest request (its arguments' bytes) completed since {@link #takeLargestRequest()}. */
    private long largestRequest;
    /** Set by {@link #digitsBeforeCrlf}: the index after the number's CRLF. */
    private int afterNumber;

    public RespParser(Limits limits) {
        this.limits = limits;
    }

    /**
     * Parses the next complete command from {@code in}, consuming its bytes. Returns null once
     * all readable bytes are consumed without completing a command.
     */
    public byte[][] next(ByteBuf in) throws ProtocolException {
        if (expected < 0 && lineLength == 0) {
            byte[][] whole = wholeCommand(in);
            if (whole != null) {
                return whole;
            }
        }
        while (true) {
            if (expected < 0) {
                if (lineLength == 0 && !in.isReadable()) {
                    return null;
                }
                byte first = lineLength > 0 ? line[0] : in.getByte(in.readerIndex());
                if (first == '*') {
                    if (!readLine(in, "Protocol error: too big mbulk count string")) {
                        return null;
                    }
                    long count = parseLineNumber();
                    if (count == Long.MIN_VALUE || count > Integer.MAX_VALUE) {
                        throw new ProtocolException("ERR Protocol error: invalid multibulk length");
                    }
                    if (count > UNAUTHENTICATED_MAX_ARGS && !limits.authenticated()) {
                        throw new ProtocolException("ERR Protocol error: unauthenticated multibulk length");
                    }
                    lineLength = 0;
                    if (count <= 0) {
                        continue;
                    }
                    // the count is client-controlled: grow the array as arguments arrive
                    argv = new byte[(int) Math.min(count, 1024)][];
                    argc = 0;
                    expected = (int) count;
                    requestBytes = 0;
                } else {
                    if (!readLine(in, "Protocol error: too big inline request")) {
                        return null;
                    }
                    noteRequest(lineLength);
                    List<byte[]> args = ArgSplitter.split(line, 0, lineLength);
                    lineLength = 0;
                    if (args == null) {
                        throw new ProtocolException("ERR Protocol error: unbalanced quotes in request");
                    }
                    if (args.isEmpty()) {
                        continue;
                    }
                    return args.toArray(new byte[0][]);
                }
            }
            while (argc < expected) {
                if (bulkLength < 0) {
                    if (!readLine(in, "Protocol error: too big bulk count string")) {
                        return null;
                    }
                    if (line[0] != '$') {
                        // on an empty line Redis names the CR or LF it found, which an error reply shows as a space
                        char got = lineLength == 0 ? ' ' : (char) (line[0] & 0xff);
                        throw new ProtocolException("ERR Protocol error: expected '$', got '" + got + "'");
                    }
                    long len = parseLineNumber();
                    lineLength = 0;
                    if (len < 0 || len > limits.maxBulkLength() || len > Integer.MAX_VALUE - 8) {
                        throw new ProtocolException("ERR Protocol error: invalid bulk length");
                    }
                    if (len > UNAUTHENTICATED_MAX_BULK && !limits.authenticated()) {
                        throw new ProtocolException("ERR Protocol error: unauthenticated bulk length");
                    }
                    requestBytes += len;
                    if (requestBytes > limits.queryBufferLimit()) {
                        throw new ProtocolException(null);
                    }
                    bulkLength = (int) len;
                    bulk = new byte[Math.min(bulkLength, EAGER_BULK)];
                    bulkFilled = 0;
                    trailerToSkip = 2;
                }
                if (bulkFilled < bulkLength) {
                    int n = Math.min(bulkLength - bulkFilled, in.readableBytes());
                    if (bulkFilled + n > bulk.length) {
                        bulk = Arrays.copyOf(bulk, (int) Math.min(bulkLength, Math.max(bulkFilled + n, 2L * bulk.length)));
                    }
                    in.readBytes(bulk, bulkFilled, n);
                    bulkFilled += n;
                    if (bulkFilled < bulkLength) {
                        return null;
                    }
                }
                // the two bytes after the payload are the CRLF terminator; like Redis, skip them unchecked
                int skip = Math.min(trailerToSkip, in.readableBytes());
                in.skipBytes(skip);
                trailerToSkip -= skip;
                if (trailerToSkip > 0) {
                    return null;
                }
                if (argc == argv.length) {
                    argv = Arrays.copyOf(argv, (int) Math.min(expected, 2L * argv.length));
                }
                argv[argc++] = bulk;
                bulk = null;
                bulkLength = -1;
            }
            byte[][] command = argv;
            argv = null;
            expected = -1;
            noteRequest(requestBytes);
            return command;
        }
    }

    /**
     * The common case in one pass: a complete multibulk request in canonical form (CRLF line ends,
     * plain decimal lengths) that lies wholly in {@code in} and passes every limit is read straight
     * from the buffer, without copying header lines. Returns null, consuming nothing, for anything
     * else (a request split over reads, an inline command, anything malformed or over a limit):
     * the incremental parser below then handles it and produces the errors.
     */
    private byte[][] wholeCommand(ByteBuf in) {
        int at = in.readerIndex();
        int end = in.writerIndex();
        if (end - at < 4 || in.getByte(at) != '*') {
            return null;
        }
        long count = digitsBeforeCrlf(in, at + 1, end);
        // each argument takes at least 6 bytes ($0 CRLF CRLF), so a bigger count cannot be complete here
        if (count <= 0 || count > (end - at) / 6 || (count > UNAUTHENTICATED_MAX_ARGS && !limits.authenticated())) {
            return null;
        }
        at = afterNumber;
        byte[][] args = new byte[(int) count][];
        long maxBulk = -1;
        long maxTotal = 0;
        long total = 0;
        for (int i = 0; i < args.length; i++) {
            if (at >= end || in.getByte(at) != '$') {
                return null;
            }
            long len = digitsBeforeCrlf(in, at + 1, end);
            if (len < 0) {
                return null;
            }
            at = afterNumber;
            // the payload and its two trailer bytes (skipped unchecked, as Redis does) must be here
            if (len > end - at - 2) {
                return null;
            }
            if (len > UNAUTHENTICATED_MAX_BULK && !limits.authenticated()) {
                return null;
            }
            if (maxBulk < 0) {
                // the limits are configuration reads: once per request, not per argument
                maxBulk = limits.maxBulkLength();
                maxTotal = limits.queryBufferLimit();
            }
            total += len;
            if (len > maxBulk || len > Integer.MAX_VALUE - 8 || total > maxTotal) {
                return null;
            }
            byte[] arg;
            if (i == 0) {
                arg = names.take(in, at, (int) len);
            } else {
                arg = new byte[(int) len];
                in.getBytes(at, arg);
            }
            args[i] = arg;
            at += (int) len + 2;
        }
        in.readerIndex(at);
        noteRequest(total);
        return args;
    }

    private void noteRequest(long bytes) {
        if (bytes > largestRequest) {
            largestRequest = bytes;
        }
    }

    /** The largest request parsed since the previous call, in argument bytes (an inline one: its line); 0 if none. */
    public long takeLargestRequest() {
        long largest = largestRequest;
        largestRequest = 0;
        return largest;
    }

    /**
     * The decimal number from {@code at} up to a CRLF, all before {@code end}, and where the next line
     * starts in {@link #afterNumber}; -1 if there is none there or it is not in canonical form (no
     * sign, no leading zero, at most 18 digits).
     */
    private long digitsBeforeCrlf(ByteBuf in, int at, int end) {
        if (end - at >= 4) {
            // one or two digits (most headers) from a single read of four bytes
            int w = in.getInt(at);
            int d0 = (w >>> 24) - '0';
            int b1 = (w >>> 16) & 0xff;
            int b2 = (w >>> 8) & 0xff;
            if (d0 >= 0 && d0 <= 9) {
                if (b1 == '\r' && b2 == '\n') {
                    afterNumber = at + 3;
                    return d0;
                }
                int d1 = b1 - '0';
                if (d0 != 0 && d1 >= 0 && d1 <= 9 && b2 == '\r' && (w & 0xff) == '\n') {
                    afterNumber = at + 4;
                    return d0 * 10 + d1;
                }
            }
        }
        long n = 0;
        int i = at;
        int limit = Math.min(end, at + 18);
        for (; i < limit; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9) {
                break;
            }
            n = n * 10 + d;
        }
        int digits = i - at;
        if (digits == 0 || (digits > 1 && in.getByte(at) == '0') || i + 1 >= end
                || in.getByte(i) != '\r' || in.getByte(i + 1) != '\n') {
            return -1;
        }
        afterNumber = i + 2;
        return n;
    }

    /** Accumulates bytes up to LF into {@code line} (CR stripped); false if no LF yet. */
    private boolean readLine(ByteBuf in, String tooBig) throws ProtocolException {
        int start = in.readerIndex();
        int lf = in.forEachByte(start, in.readableBytes(), ByteProcessor.FIND_LF);
        int take = (lf < 0 ? in.writerIndex() : lf) - start;
        if (lineLength + take > MAX_LINE) {
            throw new ProtocolException("ERR " + tooBig);
        }
        if (lineLength + take > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLength + take, line.length * 2));
        }
        in.readBytes(line, lineLength, take);
        lineLength += take;
        if (lf < 0) {
            return false;
        }
        in.skipBytes(1);
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
            lineLength--;
        }
        if (lineLength == 0) {
            // an empty header line: treat like an empty inline command
            line[0] = 0;
        }
        return true;
    }

    /** The number after the type byte of the current line, or Long.MIN_VALUE if malformed. */
    private long parseLineNumber() {
        if (lineLength < 2 || !Numbers.isLong(line, 1, lineLength - 1)) {
            return Long.MIN_VALUE;
        }
        return Numbers.parseLong(line, 1, lineLength - 1);
    }

    /**
     * Heap held for the request being parsed: the arguments complete so far, the bulk being filled
     * and the header line read so far (a client's query buffer, as used_memory and CLIENT LIST count it).
     */
    public long pendingBytes() {
        long n = lineLength;
        if (argv != null) {
            for (int i = 0; i < argc; i++) {
                n += argv[i].length;
            }
        }
        if (bulk != null) {
            n += bulk.length;
        }
        return n;
    }

    /** Drops the partial command, e.g. when the connection closes. */
    public void reset() {
        argv = null;
        bulk = null;
        expected = -1;
        bulkLength = -1;
        lineLength = 0;
    }
}
