package kv.engine;

/**
 * Thrown by a handler to end the command with an error reply. The message is the full reply
 * text with its code, e.g. "ERR syntax error". Stackless: errors are an ordinary outcome.
 */
public final class CommandError extends RuntimeException {
    public CommandError(String message) {
        super(message, null, false, false);
    }
}
