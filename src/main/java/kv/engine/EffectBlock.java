package kv.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a command that runs others (EXEC, a script) propagates, held while it runs and handed on as
 * one block: wrapped in MULTI/EXEC when there is more than one effect, so that a replay applies it
 * atomically too. A block run inside another block (a script inside EXEC) hands its effects to the
 * outer one unwrapped: like Redis 7, which propagates once after the outermost command, the stream
 * gets one MULTI/EXEC around the whole.
 */
public final class EffectBlock implements Propagator {
    private static final byte[][] MULTI = {"MULTI".getBytes(StandardCharsets.US_ASCII)};
    private static final byte[][] EXEC = {"EXEC".getBytes(StandardCharsets.US_ASCII)};

    private int[] dbs;
    private byte[][][] argvs;
    private int size;

    /** A block for about {@code expected} effects (EXEC: one per queued command); it grows beyond. */
    public EffectBlock(int expected) {
        dbs = new int[Math.max(expected, 2)];
        argvs = new byte[dbs.length][][];
    }

    public EffectBlock() {
        this(8);
    }

    @Override
    public void propagate(int db, byte[][] argv) {
        if (size == dbs.length) {
            dbs = Arrays.copyOf(dbs, size * 2);
            argvs = Arrays.copyOf(argvs, size * 2);
        }
        dbs[size] = db;
        argvs[size] = argv;
        size++;
    }

    /** How many effects are held. */
    public int size() {
        return size;
    }

    /** Hands the held effects to {@code outer} (wrapped when more than one, unless outer is a block too) and forgets them. */
    public void flushTo(Propagator outer) {
        boolean wrap = size > 1 && !(outer instanceof EffectBlock);
        if (wrap) {
            outer.propagate(dbs[0], MULTI);
        }
        for (int i = 0; i < size; i++) {
            outer.propagate(dbs[i], argvs[i]);
            argvs[i] = null;
        }
        if (wrap) {
            outer.propagate(dbs[size - 1], EXEC);
        }
        size = 0;
    }
}
