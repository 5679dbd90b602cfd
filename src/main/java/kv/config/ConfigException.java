package kv.config;

/**
 * A configuration error. {@link #getMessage()} is ready to use as is: for start-up errors it
 * is the full multi-line fatal block (print it to stderr and exit with status 1), for
 * CONFIG SET / CONFIG REWRITE it is the error reply text, starting with {@code ERR }.
 */
public class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ConfigLine line;
    private final String reason;

    public ConfigException(String message) {
        this(message, null, message);
    }

    ConfigException(String message, ConfigLine line, String reason) {
        super(message);
        this.line = line;
        this.reason = reason;
    }

    /** The offending line for start-up errors, or null. */
    public ConfigLine line() {
        return line;
    }

    /** The bare reason (e.g. "wrong number of arguments"), without the surrounding block. */
    public String reason() {
        return reason;
    }
}
