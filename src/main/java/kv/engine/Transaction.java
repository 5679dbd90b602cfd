package kv.engine;

import java.util.Arrays;

import kv.store.Memory;

/**
 * A client's MULTI state: the queued commands, and whether a queueing error dooms the EXEC. The
 * queue is two parallel arrays (command, arguments), as Redis keeps an array of command pointers
 * and argvs: queueing a command allocates nothing but their growth.
 */
public final class Transaction {
    private static final int INITIAL = 16;

    private CommandSpec[] specs = new CommandSpec[INITIAL];
    private byte[][][] argvs = new byte[INITIAL][][];
    private int size;
    private boolean failedToQueue;
    /** Estimated heap bytes of the queue (Redis' multi-mem), counted in used_memory. */
    private long bytes;
    /** Whether a queued command may grow memory: EXEC is then refused when out of memory, as in Redis. */
    private boolean denyOom;
    /** Whether a queued command is a write (EXEC then counts as one for min-replicas-to-write). */
    private boolean write;

    /** Queues a command; {@code deniesOom}: it may grow memory (see {@link CommandSpec#deniesOom}). */
    void add(CommandSpec spec, byte[][] argv, boolean deniesOom) {
        if (size == specs.length) {
            specs = Arrays.copyOf(specs, size * 2);
            argvs = Arrays.copyOf(argvs, size * 2);
        }
        specs[size] = spec;
        argvs[size] = argv;
        size++;
        bytes += queuedBytes(argv);
        denyOom |= deniesOom;
        write |= spec.has(CommandSpec.WRITE);
    }

    /** A queued command's footprint: its two slots in the queue, the argv array and each argument array. */
    private static long queuedBytes(byte[][] argv) {
        long n = 2L * 4 + Memory.align(16L + 4L * argv.length);
        for (byte[] a : argv) {
            n += Memory.arrayBytes(a.length);
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

    /** How many commands are queued. */
    public int size() {
        return size;
    }

    /** The {@code i}th queued command, resolved when it was queued (as Redis keeps the command pointer). */
    public CommandSpec spec(int i) {
        return specs[i];
    }

    /** The {@code i}th queued command's arguments. */
    public byte[][] argv(int i) {
        return argvs[i];
    }

    /** Whether some queued command has ({@code present}) or lacks (not {@code present}) {@code flag}. */
    boolean anyQueued(int flag, boolean present) {
        for (int i = 0; i < size; i++) {
            if (specs[i].has(flag) == present) {
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
