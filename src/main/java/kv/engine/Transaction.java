package kv.engine;

import java.util.ArrayList;
import java.util.List;

/** A client's MULTI state: the queued commands, and whether a queueing error dooms the EXEC. */
public final class Transaction {
    /** One queued command, resolved when it was queued (as Redis keeps the command pointer). */
    public record Queued(CommandSpec spec, byte[][] argv) {
    }

    private final List<Queued> queued = new ArrayList<>();
    private boolean failedToQueue;
    /** Estimated heap bytes of the queue (Redis' multi-mem), counted in used_memory. */
    private long bytes;
    /** Whether a queued command may grow memory: EXEC is then refused when out of memory, as in Redis. */
    private boolean denyOom;
    /** Whether a queued command is a write (EXEC then counts as one for min-replicas-to-write). */
    private boolean write;

    /** Queues a command; {@code deniesOom}: it may grow memory (see {@link CommandSpec#deniesOom}). */
    void add(CommandSpec spec, byte[][] argv, boolean deniesOom) {
        queued.add(new Queued(spec, argv));
        bytes += queuedBytes(argv);
        denyOom |= deniesOom;
        write |= spec.has(CommandSpec.WRITE);
    }

    /** A queued command's footprint: the record, the argv array and each argument array. */
    private static long queuedBytes(byte[][] argv) {
        long n = 16 + 8 + kv.store.Memory.align(16L + 4L * argv.length);
        for (byte[] a : argv) {
            n += kv.store.Memory.arrayBytes(a.length);
        }
        return n;
    }

    public long bytes() {
        return bytes;
    }

    public boolean denyOom() {
        return denyOom;
    }

    public boolean hasWrite() {
        return write;
    }

    public List<Queued> queued() {
        return queued;
    }

    /** Whether some queued command has ({@code present}) or lacks (not {@code present}) {@code flag}. */
    boolean anyQueued(int flag, boolean present) {
        for (Queued q : queued) {
            if (q.spec().has(flag) == present) {
                return true;
            }
        }
        return false;
    }

    /** A command was refused while queueing (unknown, arity, auth...): EXEC will answer EXECABORT. */
    void failedToQueue() {
        failedToQueue = true;
    }

    public boolean hasQueueingErrors() {
        return failedToQueue;
    }
}
