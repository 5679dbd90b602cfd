package kv.engine;

/** Error replies shared by several commands, byte for byte as Redis sends them. */
public final class Errors {
    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String DB_OUT_OF_RANGE = "ERR DB index is out of range";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";
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

    public static String unknownSubcommand(String subcommand, String container) {
        return "ERR unknown subcommand '" + abbreviate(subcommand) + "'. Try " + container.toUpperCase() + " HELP.";
    }

    /**
     * Client-supplied text as Redis' {@code %.128s} prints it: at most 128 characters, and
     * nothing from a NUL byte on (C strings end there).
     */
    public static String abbreviate(String s) {
        s = untilNul(s);
        return s.length() > 128 ? s.substring(0, 128) : s;
    }

    /** Client text as a C string: nothing from the first NUL on. */
    static String untilNul(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }
}
