package kv.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After every append the file is what a killed KV would leave: read as redis-server's loader does
 * (lines starting with {@code #} skipped), it holds exactly the commands appended, and KV's own
 * loader finds where they end; whether turns are copied into the mapping or written (appendfsync
 * always), in any mix, since CONFIG SET may switch between them.
 */
class MappedIncrFileTest {
    @TempDir
    Path tmp;

    private final ExecutorService fileThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        fileThread.shutdown();
        fileThread.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void afterEveryAppendTheFileReadsAsItsCommandsFollowedBySkippableFiller() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            Path file = tmp.resolve("incr-" + seed);
            Files.write(file, "*1\r\n$1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)); // appends start after it
            Random rnd = new Random(seed);
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            data.writeBytes(Files.readAllBytes(file));
            MappedIncrFile mapped = new MappedIncrFile(FileChannel.open(file, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), fileThread, () -> { }, 64);
            for (int i = 0; i < 300; i++) {
                byte[] turn = turn(rnd);
                boolean wait = rnd.nextInt(4) == 0;
                ByteBuffer src = ByteBuffer.wrap(turn);
                boolean ok = mapped.append(src, wait, rnd.nextBoolean());
                if (ok) {
                    assertFalse(src.hasRemaining());
                    data.writeBytes(turn);
                } else {
                    assertFalse(wait);
                    assertEquals(turn.length, src.remaining(), "nothing copied of a turn that has to wait");
                }
                byte[] now = Files.readAllBytes(file);
                assertEquals(new String(data.toByteArray(), StandardCharsets.ISO_8859_1), redisReads(now), "seed " + seed);
                assertEquals(mapped.end(), FillerTail.dataEnd(file), "seed " + seed + " turn " + i + ": "
                        + new String(now, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n"));
            }
            mapped.close();
            fileThread.submit(() -> { }).get();
            byte[] closed = Files.readAllBytes(file);
            assertEquals(mapped.end(), closed.length, "trimmed on close");
            assertEquals(new String(data.toByteArray(), StandardCharsets.ISO_8859_1), redisReads(closed));
        }
    }

    /**
     * A write that fails (a short write, then an error) counts nothing: the turn stays whole in its
     * buffer, the data end stays, and the retry writes it at the same place, so the file is as if
     * the first attempt never happened.
     */
    @Test
    void aFailedWriteCountsNothingAndItsRetryOverwritesWhatItLeft() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            Path file = tmp.resolve("failing-" + seed);
            Random rnd = new Random(seed);
            FailingChannel channel = new FailingChannel(FileChannel.open(file, StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE));
            MappedIncrFile written = new MappedIncrFile(channel, fileThread, () -> { }, 64);
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (int i = 0; i < 200; i++) {
                byte[] turn = turn(rnd);
                ByteBuffer src = ByteBuffer.wrap(turn);
                long end = written.end();
                if (rnd.nextInt(3) == 0) {
                    channel.acceptBeforeFailure = rnd.nextInt(turn.length + 1);
                    channel.failWrites = true; // this write, or a window's pre-size meanwhile
                    boolean ok = appendOrNothing(written, src, end);
                    channel.failWrites = false;
                    if (ok) {
                        data.writeBytes(turn); // everything it needed was accepted
                        continue;
                    }
                }
                // a pre-size that failed while writes failed shows once, when its window is needed
                assertTrue(appendOrNothing(written, src, end) || appendOrNothing(written, src, end));
                data.writeBytes(turn);
                byte[] now = Files.readAllBytes(file);
                assertEquals(new String(data.toByteArray(), StandardCharsets.ISO_8859_1), redisReads(now), "seed " + seed);
                assertEquals(written.end(), FillerTail.dataEnd(file), "seed " + seed + " turn " + i);
            }
            written.close();
            fileThread.submit(() -> { }).get();
            assertEquals(new String(data.toByteArray(), StandardCharsets.ISO_8859_1), redisReads(Files.readAllBytes(file)));
        }
    }

    /** Appends {@code src} by a write and says so, or says it failed having counted nothing. */
    private static boolean appendOrNothing(MappedIncrFile file, ByteBuffer src, long end) {
        int n = src.remaining();
        try {
            assertTrue(file.append(src, true, true));
            return true;
        } catch (java.io.IOException e) {
            assertEquals(n, src.remaining(), "nothing taken from the turn");
            assertEquals(end, file.end(), "the data end stays");
            return false;
        }
    }

    /** One to three commands, some longer than a window, never a '#' in them (so filler is told apart). */
    private static byte[] turn(Random rnd) {
        StringBuilder b = new StringBuilder();
        for (int c = rnd.nextInt(3); c >= 0; c--) {
            int len = rnd.nextInt(8) == 0 ? 60 + rnd.nextInt(150) : rnd.nextInt(40);
            b.append("*1\r\n$").append(len).append("\r\n").append("v".repeat(len)).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The file as redis-server 7.0's loader takes it: a line starting with '#' is an annotation
     * (here it must be filler: only '#' up to its newline or the end of the file); any other line
     * is data and must not be empty.
     */
    private static String redisReads(byte[] f) {
        StringBuilder out = new StringBuilder();
        int p = 0;
        while (p < f.length) {
            int nl = p;
            while (nl < f.length && f[nl] != '\n') {
                nl++;
            }
            int next = Math.min(nl + 1, f.length);
            if (f[p] == '#') {
                for (int i = p; i < nl; i++) {
                    assertEquals('#', f[i], "filler line at " + p + " holds data at " + i);
                }
            } else {
                assertNotEquals('\n', f[p], "an empty line at " + p + " (redis-server: bad file format)");
                assertTrue(nl < f.length, "data line at " + p + " without its newline");
                out.append(new String(f, p, next - p, StandardCharsets.ISO_8859_1));
            }
            p = next;
        }
        return out.toString();
    }
}
