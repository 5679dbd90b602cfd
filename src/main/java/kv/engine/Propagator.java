package kv.engine;

/**
 * Receives the effects of write commands, in execution order, as the commands that reproduce them
 * (the AOF writes them, replicas apply them). Called on the data thread after each command.
 */
@FunctionalInterface
public interface Propagator {
    Propagator NONE = (db, argv) -> { };

    /** {@code argv} is to be executed in database {@code db}. */
    void propagate(int db, byte[][] argv);
}
