package kv.engine;

import kv.config.ServerConfig;
import kv.store.EvictionPolicy;
import kv.store.Keyspace;

/**
 * maxmemory enforcement, as Redis' performEvictions: before a command runs, while used memory
 * is above maxmemory, keys are evicted by the policy. One pass runs for at most the time
 * maxmemory-eviction-tenacity allows; what is left continues in a timer on the data thread (Redis'
 * eviction time proc), so eviction never holds the loop for long while the server is over the limit.
 */
public final class Eviction {
    /** What a pass achieved: under the limit, still working in the background, or unable to free. */
    public enum Result { OK, RUNNING, FAIL }

    /** Keys evicted between clock checks. */
    private static final int CHECK_EVERY = 16;

    private final Server server;
    private boolean timerRunning;
    /** Whether the latest pass before a command found memory impossible to free (Redis' pre_command_oom_state). */
    private boolean outOfMemory;
    /** Since when (ms) memory has been over maxmemory, 0 when it is not; and the time over it before. */
    private long overSinceMs;
    private long exceededMsBefore;

    Eviction(Server server) {
        this.server = server;
    }

    /**
     * The byte figure maxmemory is compared with: used_memory (Redis subtracts replication/AOF
     * buffers, none here) plus what a table about to grow will allocate, so the growth fits.
     */
    private long used() {
        return server.usedMemory() + server.keyspace().growthReserve();
    }

    /**
     * Runs a pass if over the limit ({@link Server#memoryLimit}: maxmemory, capped by what the heap
     * can hold); FAIL means a denyoom command must be refused.
     */
    public Result perform() {
        ServerConfig config = server.config();
        long max = server.memoryLimit();
        // a replica holds what its master sends (Redis' replica-ignore-maxmemory yes): the master evicts
        if (server.readiness().loading() || server.keyspace().replicaExpiry()) {
            endExceeded();
            return Result.OK;
        }
        long used = used();
        if (used <= max) {
            endExceeded();
            return Result.OK;
        }
        if (overSinceMs == 0) {
            overSinceMs = System.currentTimeMillis();
        }
        EvictionPolicy policy = EvictionPolicy.of(config.maxMemoryPolicy());
        if (policy == EvictionPolicy.NOEVICTION) {
            return Result.FAIL;
        }
        Keyspace keyspace = server.keyspace();
        int samples = config.maxMemorySamples();
        long limitNanos = timeLimitMicros(config.maxMemoryEvictionTenacity()) * 1000;
        long start = System.nanoTime();
        long evicted = 0;
        boolean stopped = false;
        while (used > max) {
            if (!keyspace.evictor().evictOne(policy, samples)) {
                recordLatency(start);
                return Result.FAIL;
            }
            evicted++;
            if (evicted % CHECK_EVERY == 0) {
                if (System.nanoTime() - start > limitNanos) {
                    stopped = true;
                    break;
                }
            }
            used = used();
        }
        recordLatency(start);
        if (stopped) {
            startTimer();
            return Result.RUNNING;
        }
        endExceeded();
        return timerRunning ? Result.RUNNING : Result.OK;
    }

    private void endExceeded() {
        if (overSinceMs != 0) {
            exceededMsBefore += System.currentTimeMillis() - overSinceMs;
            overSinceMs = 0;
        }
    }

    /** INFO current_eviction_exceeded_time: ms since memory went over maxmemory, 0 when under. */
    public long currentExceededMs() {
        return overSinceMs == 0 ? 0 : System.currentTimeMillis() - overSinceMs;
    }

    /** INFO total_eviction_exceeded_time: ms spent over maxmemory since start. */
    public long totalExceededMs() {
        return exceededMsBefore + currentExceededMs();
    }

    private void recordLatency(long startNanos) {
        long threshold = server.config().latencyMonitorThreshold();
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        if (threshold > 0 && ms >= threshold) {
            server.latency().record("eviction-cycle", ms, server.keyspace().clock().now());
        }
    }

    /** Continues eviction from the loop, between commands, until under the limit or nothing is left. */
    private void startTimer() {
        if (timerRunning) {
            return;
        }
        timerRunning = true;
        server.lifecycle().schedule(0, this::timerPass);
    }

    private void timerPass() {
        timerRunning = false;
        server.keyspace().clock().update();
        perform(); // starts the timer again if it had to stop early
    }

    /**
     * Redis' evictionTimeLimitUs: 50 µs per step up to 10 (500 µs by default), then growing 15% a
     * step, and no limit at 100.
     */
    static long timeLimitMicros(int tenacity) {
        if (tenacity <= 10) {
            return 50L * tenacity;
        }
        if (tenacity < 100) {
            return (long) (500.0 * Math.pow(1.15, tenacity - 10.0));
        }
        return Long.MAX_VALUE / 1000;
    }

    /** Runs a pass before a command and remembers whether memory could not be freed. */
    boolean beforeCommand() {
        outOfMemory = perform() == Result.FAIL;
        return outOfMemory;
    }

    /** Whether the pass before the current command failed: scripts refuse denyoom calls then, as Redis does. */
    public boolean outOfMemory() {
        return outOfMemory;
    }
}
