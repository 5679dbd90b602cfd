package kv.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.nio.charset.StandardCharsets;

import kv.command.Commands;
import kv.config.ServerConfig;
import kv.protocol.Reply;
import kv.protocol.RespWriter;

/**
 * A server without sockets: commands run through the engine for a detached client, and replies
 * are rendered by the real RESP writer into bytes the test can compare with Redis' own.
 */
public final class EngineHarness implements Server.Lifecycle {
    public final Server server;
    public final Client client;
    private final RespWriter writer = new RespWriter(UnpooledByteBufAllocator.DEFAULT, () -> 2);

    public EngineHarness() {
        this(ServerConfig.defaults());
    }

    public EngineHarness(ServerConfig config) {
        server = new Server(config, this, Commands::registerAll);
        client = DetachedTransport.client(server, "test");
    }

    private java.util.List<String> propagated;

    /** Records what the server propagates from now on: one line {@code "db: arg arg..."} per effect. */
    public java.util.List<String> recordPropagation() {
        java.util.List<String> log = new java.util.ArrayList<>();
        server.addPropagationTarget((db, argv) -> {
            StringBuilder line = new StringBuilder().append(db).append(':');
            for (byte[] a : argv) {
                line.append(' ').append(new String(a, StandardCharsets.UTF_8));
            }
            log.add(line.toString());
        });
        propagated = log;
        return log;
    }

    /** Runs one command and returns what it alone propagated (after {@link #recordPropagation()}). */
    public java.util.List<String> propagatedBy(String... args) {
        propagated.clear();
        call(args);
        return java.util.List.copyOf(propagated);
    }

    /** Runs one command; returns its RESP2 reply as ISO-8859-1 text (one char per byte). */
    public String call(String... args) {
        return call(client, argv(args));
    }

    /** A command's arguments as the parser hands them over (UTF-8 bytes). */
    public static byte[][] argv(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return argv;
    }

    public String call(Client who, byte[][] argv) {
        server.dispatcher().execute(who, argv, writer);
        endTurn();
        return take();
    }

    /** Work deferred to the end of the event-loop turn; each call is one turn. */
    private final java.util.ArrayDeque<Runnable> turnEnd = new java.util.ArrayDeque<>();

    /** Runs what was deferred to the end of the turn (a test's "beforeSleep"). */
    public void endTurn() {
        Runnable task;
        while ((task = turnEnd.poll()) != null) {
            task.run();
        }
    }

    @Override
    public void afterTurn(Runnable task) {
        turnEnd.add(task);
    }

    /** Runs one command with the reply going into {@code reply} instead of RESP bytes. */
    public void call(Reply reply, String... args) {
        server.dispatcher().execute(client, argv(args), reply);
        endTurn();
    }

    private String take() {
        ByteBuf b = writer.take();
        if (b == null) {
            return "";
        }
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    /** Where timers go: dropped unless a test opts in (e.g. to drive a background dump's slices). */
    private java.util.concurrent.Executor timers = r -> { };

    public void runTimersOn(java.util.concurrent.Executor loop) {
        timers = loop;
    }

    @Override
    public long schedule(long delayMs, Runnable action) {
        timers.execute(action);
        return 0;
    }

    @Override
    public void cancel(long timerId) {
    }

    @Override
    public void shutdown(int exitCode) {
    }

    /** The exit code the server halted with (-1: it did not); the harness itself goes on. */
    public int haltedWith = -1;

    @Override
    public void halt(int exitCode) {
        haltedWith = exitCode;
    }
}
