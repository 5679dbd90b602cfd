package kv.engine;

import java.util.Locale;

import kv.util.ClientText;

/**
 * Error replies shared by several commands, byte for byte as Redis sends them. Client bytes go into
 * a message only through {@link ClientText}, so they come back to the client unchanged.
 */
public final class Errors {
    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String LOADING = "LOADING Redis is loading the dataset in memory";
    public static final String READONLY = "READONLY You can't write against a read only replica.";
    public static final String MASTERDOWN = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
    public static final String MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
            + "Commands that may modify the data set are disabled, because this instance is configured to report errors during "
            + "writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details "
            + "about the RDB error.";
    public static final String DB_OUT_OF_RANGE = "ERR DB index is out of range";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";
    public static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    public static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";
    public static final String NOAUTH = "NOAUTH Authentication required.";
    public static final String NOT_POSITIVE = "ERR value is out of range, must be positive";
    public static final String STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

    private Errors() {
    }

    public static String wrongArity(String fullName) {
        return "ERR wrong number of arguments for '" + fullName + "' command";
    }

    public static String invalidExpireTime(String command) {
        return "ERR invalid expire time in '" + command + "' command";
    }

    /** A container command (CONFIG, CLIENT...) called with a subcommand it does not have. */
    public static String unknownSubcommand(byte[] subcommand, String container) {
        return "ERR unknown subcommand '" + ClientText.abbreviated(subcommand) + "'. Try "
                + container.toUpperCase(Locale.ROOT) + " HELP.";
    }

    /** Redis' addReplySubcommandSyntaxError: a subcommand it does not know, or the wrong arguments for it. */
    public static String subcommandSyntax(byte[] subcommand, String container) {
        return "ERR unknown subcommand or wrong number of arguments for '" + ClientText.abbreviated(subcommand)
                + "'. Try " + container.toUpperCase(Locale.ROOT) + " HELP.";
    }

    /** At most 128 bytes of the name, then argument quotes until the list reaches 128 bytes. */
    public static String unknownCommand(byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < ClientText.QUOTE_LIMIT; i++) {
            String quoted = ClientText.upTo(argv[i], ClientText.QUOTE_LIMIT - args.length());
            args.append('\'').append(quoted).append("' ");
        }
        return "ERR unknown command '" + ClientText.abbreviated(argv[0]) + "', with args beginning with: " + args;
    }
}
