package kv.store;

/**
 * A typed lookup found a value of another type. The engine turns it into Redis' WRONGTYPE error,
 * so the decision is made in one place ({@link Db#read(byte[], ValueType)} and friends).
 */
public final class WrongTypeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WrongTypeException() {
        super("WRONGTYPE Operation against a key holding the wrong kind of value", null, false, false);
    }
}
