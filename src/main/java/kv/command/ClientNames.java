package kv.command;

/** Rules for client names (CLIENT SETNAME, HELLO SETNAME). */
final class ClientNames {
    static final String INVALID = "ERR Client names cannot contain spaces, newlines or special characters.";

    private ClientNames() {
    }

    /** Printable ASCII without spaces. */
    static boolean valid(byte[] name) {
        for (byte b : name) {
            if (b < '!' || b > '~') {
                return false;
            }
        }
        return true;
    }
}
