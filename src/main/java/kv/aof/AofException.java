package kv.aof;

/** An AOF file or manifest that cannot be used; the message names the file, the offset and the reason. */
public final class AofException extends Exception {
    public AofException(String message) {
        super(message);
    }

    public AofException(String message, Throwable cause) {
        super(message, cause);
    }
}
