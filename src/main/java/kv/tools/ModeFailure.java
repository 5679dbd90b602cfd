package kv.tools;

/** A mode (--bigkeys, --stat, ...) gave up: its message goes to stderr and kv-cli exits with 1. */
final class ModeFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ModeFailure(String message) {
        super(message);
    }
}
