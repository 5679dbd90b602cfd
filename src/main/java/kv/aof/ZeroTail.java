package kv.aof;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.jboss.logging.Logger;

/**
 * The zero-filled tail an incr file keeps when KV stops without closing it (kill -9, a crash):
 * appends go through pre-sized mappings ({@link MappedIncrFile}), so the file is longer than what
 * was appended until a close trims it. Every command ends with CRLF, so the data ends at the last
 * non-zero byte; zeros after it were never written (a command cut off inside its zero bytes is cut
 * off anyway by the truncated-tail rule).
 */
final class ZeroTail {
    private static final Logger LOG = Logger.getLogger(ZeroTail.class);
    private static final int CHUNK = 64 * 1024;

    private ZeroTail() {
    }

    /** Offset just past the last non-zero byte of {@code file} (0 for an empty or all-zero file). */
    static long dataEnd(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return dataEnd(ch);
        }
    }

    static long dataEnd(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long end = ch.size();
        while (end > 0) {
            long from = Math.max(0, end - CHUNK);
            buf.clear().limit((int) (end - from));
            while (buf.hasRemaining()) {
                if (ch.read(buf, from + buf.position()) < 0) {
                    break;
                }
            }
            byte[] b = buf.array();
            for (int i = buf.position() - 1; i >= 0; i--) {
                if (b[i] != 0) {
                    return from + i + 1;
                }
            }
            end = from;
        }
        return 0;
    }

    /** Cuts the zero tail off {@code file} (durably); the file must not be mapped or appended to. */
    static void trim(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long end = dataEnd(ch);
            if (end == size) {
                return;
            }
            LOG.warnf("Trimming %d zero bytes off the end of the AOF file %s (it was not closed: the server was killed "
                    + "or crashed); its data ends at offset %d", size - end, file.getFileName(), end);
            ch.truncate(end);
            ch.force(true);
        }
    }
}
