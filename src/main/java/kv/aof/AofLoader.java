package kv.aof;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import org.jboss.logging.Logger;

import kv.engine.Client;
import kv.engine.CommandSpec;
import kv.engine.DetachedTransport;
import kv.engine.Server;
import kv.protocol.DiscardingReply;
import kv.protocol.Reply;

/**
 * Replays the files of a {@link AofStartup.Plan} through the socket-less engine, in slices so
 * the data thread can answer other clients (with LOADING) in between. Only the last file may end
 * inside a command: with aof-load-truncated that command (or the MULTI block it belongs to) is cut
 * off the file, with a warning; otherwise, and for any other damage, loading stops with the file,
 * the offset and the reason, and no file is changed.
 */
public final class AofLoader {
    private static final Logger LOG = Logger.getLogger(AofLoader.class);
    private static final String CHECK_HINT = ": make a backup of your AOF file, then use kv-check-aof --fix <filename.manifest>";

    private final Server server;
    private final List<Path> files;
    private final RdbBaseLoader rdb;
    private final Client client;
    private final Reply discard = new DiscardingReply(2);
    private int fileIndex = -1;
    private AofReader reader;
    private long multiStart = -1;
    private long commands;
    /** Bytes of the files done with, and the size of the one being replayed. */
    private long doneBytes;
    private long currentSize;

    public AofLoader(Server server, AofStartup.Plan plan, RdbBaseLoader rdb) {
        this.server = server;
        this.files = plan.files();
        this.rdb = rdb;
        this.client = DetachedTransport.client(server, "aof-loader");
    }

    /** Commands replayed so far. */
    public long commands() {
        return commands;
    }

    /** Bytes of the plan's files loaded so far (INFO's loading_loaded_bytes). */
    public long loadedBytes() {
        return doneBytes + (reader == null ? 0 : reader.offset());
    }

    /** The size of the plan's files together (INFO's loading_total_bytes). */
    public static long totalBytes(AofStartup.Plan plan) throws IOException {
        long total = 0;
        for (Path f : plan.files()) {
            total += Files.size(f);
        }
        return total;
    }

    /** The plan's first file if it is in RDB format (a base, or a legacy file's preamble), else null. */
    public static Path rdbBase(AofStartup.Plan plan) throws IOException {
        if (plan.files().isEmpty()) {
            return null;
        }
        Path first = plan.files().get(0);
        return Files.size(first) > 0 && isRdb(first) ? first : null;
    }

    /** Replays for about {@code budgetNanos}; true once every file is loaded. */
    public boolean step(long budgetNanos) throws AofException {
        long deadline = System.nanoTime() + budgetNanos;
        try {
            while (true) {
                if (reader == null && !openNext()) {
                    return true;
                }
                for (int i = 0; i < 256; i++) {
                    if (!replayOne()) {
                        reader.close();
                        reader = null;
                        doneBytes += currentSize;
                        break;
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
            }
        } catch (IOException e) {
            throw new AofException("Error reading the AOF file " + current() + ": " + e.getMessage(), e);
        }
    }

    private Path current() {
        return files.get(fileIndex);
    }

    private boolean last() {
        return fileIndex == files.size() - 1;
    }

    /** Opens the next file to replay (an RDB base goes to the seam in one go); false when none is left. */
    private boolean openNext() throws IOException, AofException {
        while (++fileIndex < files.size()) {
            Path f = current();
            long size = Files.size(f);
            if (size == 0) {
                continue;
            }
            long start = 0;
            if (isRdb(f)) {
                start = rdb.load(f, server);
                if (start >= size) {
                    doneBytes += size;
                    continue;
                }
                // an RDB preamble (a legacy single file): the commands logged after it follow
            }
            // the file being appended to (DEBUG LOADAOF) or one left unclosed ends in filler: not data
            long end = last() ? FillerTail.dataEnd(f) : size;
            if (start >= end) {
                doneBytes += size;
                continue;
            }
            currentSize = size;
            InputStream in = Files.newInputStream(f);
            in.skipNBytes(start);
            reader = new AofReader(new BufferedInputStream(new UpTo(in, end - start), 1 << 16), start);
            multiStart = -1;
            LOG.infof("Loading AOF file %s", f.getFileName());
            return true;
        }
        return false;
    }

    /** The first {@code remaining} bytes of a stream. */
    private static final class UpTo extends FilterInputStream {
        private long remaining;

        UpTo(InputStream in, long remaining) {
            super(in);
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }

    private static boolean isRdb(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] magic = in.readNBytes(5);
            return Arrays.equals(magic, "REDIS".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Replays one command; false at the end of the current file. */
    private boolean replayOne() throws IOException, AofException {
        byte[][] argv;
        try {
            argv = reader.next();
        } catch (AofReader.FormatError e) {
            if (!e.truncated()) {
                throw new AofException("Bad file format reading the append only file " + current() + " at offset "
                        + e.offset() + " (" + e.getMessage() + ")" + CHECK_HINT);
            }
            cutOff(multiStart >= 0 ? multiStart : e.offset(), "short read");
            return false;
        }
        if (argv == null) {
            if (multiStart >= 0) {
                // a MULTI without its EXEC: the transaction never completed, as if the write was cut short
                cutOff(multiStart, "incomplete MULTI/EXEC transaction");
            }
            return false;
        }
        CommandSpec command = server.commands().lookup(argv[0]);
        if (command == null) {
            throw new AofException("Unknown command '" + new String(argv[0], StandardCharsets.ISO_8859_1)
                    + "' reading the append only file " + current() + " at offset " + reader.commandStart());
        }
        if (is(argv, "multi")) {
            multiStart = reader.commandStart();
        } else if (is(argv, "exec")) {
            multiStart = -1;
        }
        server.dispatcher().replay(client, command, argv, discard);
        commands++;
        return true;
    }

    private static boolean is(byte[][] argv, String name) {
        return argv[0].length == name.length() && new String(argv[0], StandardCharsets.ISO_8859_1).equalsIgnoreCase(name);
    }

    /** The last file ends mid-command: cut it there (aof-load-truncated) or stop. */
    private void cutOff(long validUpTo, String what) throws IOException, AofException {
        Path f = current();
        if (!last() || !server.config().aofLoadTruncated()) {
            throw new AofException("Unrecoverable error reading the append only file " + f + ": " + what
                    + " after offset " + validUpTo + (last() ? "" : " in a file that is not the last one") + CHECK_HINT);
        }
        if (client.transaction() != null) {
            server.dispatcher().execute(client, new byte[][] {"DISCARD".getBytes(StandardCharsets.US_ASCII)}, discard);
        }
        LOG.warnf("!!! Warning: short read while loading the AOF file %s!!! (%s)", f, what);
        LOG.warnf("!!! Truncating the AOF %s at offset %d !!!", f, validUpTo);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(validUpTo);
            ch.force(true);
        }
        LOG.warnf("AOF %s loaded anyway because aof-load-truncated is enabled", f);
    }
}
