package kv.repl;

import java.nio.file.Path;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;

/**
 * The socket of a client that became a replica (implemented by the server's connection): the
 * master side writes the full sync and the stream through it, after whatever the connection
 * had already written, and paces itself on the socket's queue. Data thread only.
 */
public interface ReplicaChannel {
    /** Writes {@code bytes} (ownership passes) after everything written so far. */
    void send(ByteBuf bytes);

    /** Writes the first {@code length} bytes of {@code file} (zero-copy), then {@code done} gets whether it worked. */
    void sendFile(Path file, long length, Consumer<Boolean> done);

    /** Whether the socket's queue is above its high-water mark (stop producing). */
    boolean writeQueueFull();

    /** Runs {@code action} once the queue has drained below its low-water mark (at once if it is not full). */
    void whenWritable(Runnable action);

    /** The peer's IP address (Redis' replica ip when it announces none). */
    String remoteIp();

    /** repl-disable-tcp-nodelay: Nagle on (false) or off (true) for this socket. */
    void noDelay(boolean on);
}
