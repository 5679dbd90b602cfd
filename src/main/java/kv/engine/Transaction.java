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

    void add(CommandSpec spec, byte[][] argv) {
        queued.add(new Queued(spec, argv));
    }

    public List<Queued> queued() {
        return queued;
    }

    /** A command was refused while queueing (unknown, arity, auth...): EXEC will answer EXECABORT. */
    void failedToQueue() {
        failedToQueue = true;
    }

    public boolean hasQueueingErrors() {
        return failedToQueue;
    }
}
