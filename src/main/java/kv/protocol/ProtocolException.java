package kv.protocol;

/**
 * Malformed or oversized client input. The message is the reply text (without the leading '-'),
 * or null when Redis closes the connection without replying (query buffer limit).
 */
public final class ProtocolException extends Exception {
    public ProtocolException(String replyMessage) {
        super(replyMessage, null, false, false);
    }

    public boolean hasReply() {
        return getMessage() != null;
    }
}
