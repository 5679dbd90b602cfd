package kv.tools;

import java.io.IOException;

/** The server closed the connection, at a reply boundary or in the middle of one. */
final class ServerClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    ServerClosedException() {
        super("Server closed the connection");
    }
}
