package kv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * used_memory must be an honest figure: the keyspace's estimate of its own size is compared with
 * what the heap actually grew by, measured in a fresh JVM with the serial collector (whose
 * post-GC occupancy is exact) so that nothing else in the test JVM disturbs it.
 */
class MemoryEstimateTest {
    private static final int KEYS = 300_000;

    @Test
    void estimateTracksTheRealHeapWithinTenPercent() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                MemoryEstimateTest.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "measuring JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        String[] figures = out.substring(out.lastIndexOf('\n') + 1).split(" ");
        double actual = Double.parseDouble(figures[0]);
        double estimate = Double.parseDouble(figures[1]);
        assertTrue(Math.abs(estimate - actual) <= actual * 0.10,
                "estimated " + estimate + " bytes/key, heap grew " + actual + " bytes/key");
    }

    /** Runs in the forked JVM: prints "actualBytesPerKey estimatedBytesPerKey". */
    public static void main(String[] args) {
        Keyspace keyspace = new Keyspace(1);
        Db db = keyspace.db(0);
        long before = usedAfterGc();
        for (int i = 0; i < KEYS; i++) {
            byte[] key = String.format("key:%012d", i).getBytes(StandardCharsets.US_ASCII);
            // a mix of the string encodings: embstr, int, raw, and TTLs on a quarter of the keys
            Object value = switch (i % 4) {
                case 0 -> StringValues.of("xxx".getBytes(StandardCharsets.US_ASCII));
                case 1 -> StringValues.of(Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
                case 2 -> StringValues.of(new byte[60]);
                default -> new MutableString("abc".getBytes(StandardCharsets.US_ASCII), 5);
            };
            db.put(key, value);
            if (i % 4 == 0) {
                db.expireAt(key, System.currentTimeMillis() + 3_600_000);
            }
        }
        long after = usedAfterGc();
        // db is used below, so everything it holds is still reachable at the measurement
        System.out.printf("%n%.2f %.2f%n", (after - before) / (double) KEYS, db.heapBytes() / (double) KEYS);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
