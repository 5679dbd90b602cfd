package kv.aof;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.jboss.logging.Logger;

/**
 * The filler tail an incr file keeps when KV stops without closing it (kill -9, a crash): appends
 * go through pre-sized mappings ({@link MappedIncrFile}) whose unused part is {@code #} lines, so
 * the file is longer than its data until a close trims it. Every command ends with CRLF, so the
 * data ends after the last byte that is neither {@code #} nor a newline, plus the newline of its
 * CRLF; a command cut off before the filler stays cut off (the truncated-tail rule deals with it).
 * redis-server reads the filler as annotations, so it needs no trimming there.
 */
final class FillerTail {
    private static final Logger LOG = Logger.getLogger(FillerTail.class);
    private static final int CHUNK = 64 * 1024;

    private FillerTail() {
    }

    /** Offset just past the data of {@code file} (0 for an empty or all-filler file). */
    static long dataEnd(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return dataEnd(ch);
        }
    }

    static long dataEnd(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long end = ch.size();
        int after = -1; // the byte after the one looked at (-1: none)
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
                if (b[i] != MappedIncrFile.FILLER && b[i] != '\n') {
                    return from + i + 1 + (b[i] == '\r' && after == '\n' ? 1 : 0);
                }
                after = b[i];
            }
            end = from;
        }
        return 0;
    }

    /** Cuts the filler tail off {@code file} (durably); the file must not be mapped or appended to. */
    static void trim(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long end = dataEnd(ch);
            if (end == size) {
                return;
            }
            LOG.warnf("Trimming %d bytes of filler off the end of the AOF file %s (it was not closed: the server "
                    + "was killed or crashed); its data ends at offset %d", size - end, file.getFileName(), end);
            ch.truncate(end);
            ch.force(true);
        }
    }
}
