package kv.server;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;

import java.util.function.Supplier;

import kv.command.Commands;
import kv.config.ServerConfig;
import kv.engine.CommandTable;

/**
 * The one way the engine starts. The main method starts it on a Vert.x of its own before Quarkus
 * boots, so the data port answers while Quarkus is still starting (the management interface, health
 * and metrics come up after, on Quarkus' Vert.x); {@link RespServer} then adopts it. Without the
 * main method ({@code @QuarkusTest}), RespServer starts it on Quarkus' Vert.x from its StartupEvent.
 */
final class EngineLauncher {
    static final String PREFER_NATIVE_TRANSPORT = "quarkus.vertx.prefer-native-transport";
    private static volatile Engine early;
    private static volatile Vertx earlyVertx;
    private static final Object EXIT_LOCK = new Object();
    /** Guarded by EXIT_LOCK: Quarkus has started the application (the main method's run). */
    private static boolean applicationRunning;
    /** Guarded by EXIT_LOCK: the exit code of a SHUTDOWN that came while Quarkus was still booting. */
    private static Integer exitWhileBooting;

    private EngineLauncher() {
    }

    /** A command table with every family's handlers registered. */
    static CommandTable commandTable() {
        CommandTable table = new CommandTable();
        Commands.registerAll(table);
        return table;
    }

    /** Creates the engine on {@code vertx} and waits for its listeners (not for the data files to load). */
    static Engine start(Vertx vertx, ServerConfig config) throws Exception {
        return start(vertx, config, EngineLauncher::commandTable);
    }

    private static Engine start(Vertx vertx, ServerConfig config, Supplier<CommandTable> commands) throws Exception {
        Engine engine = new Engine(vertx, config, commands);
        engine.startListening();
        return engine;
    }

    /**
     * Called by the main method: the engine on a Vert.x of its own (one event loop: the data thread),
     * with the command table {@code commands} gives (the main method builds it on another thread).
     */
    static void startEarly(ServerConfig config, Supplier<CommandTable> commands) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(1)
                // the switch of Quarkus' own Vert.x, so one setting decides for both
                .setPreferNativeTransport(Boolean.parseBoolean(EarlyProperties.quarkusProperty(PREFER_NATIVE_TRANSPORT, "false")))
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        earlyVertx = vertx;
        early = start(vertx, config, commands);
    }

    /** Closes the main method's Vert.x once the engine has stopped (its event loop threads are not daemons). */
    static void closeEarlyVertx() {
        Vertx vertx = earlyVertx;
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // exiting anyway
            }
        }
    }

    /**
     * Called at SHUTDOWN, at once (not after the flush delay, or Quarkus could finish booting and log
     * its ready line in between): true if {@code engine} answered while Quarkus boots, in which case
     * the exit code is kept for {@link #applicationStarted} (Quarkus ignores an exit asked for before
     * it has started); false if the caller is to stop the application itself.
     */
    static boolean exitOnceStarted(Engine engine, int exitCode) {
        synchronized (EXIT_LOCK) {
            if (engine == early && !applicationRunning) {
                exitWhileBooting = exitCode;
                return true;
            }
            return false;
        }
    }

    /** Called once Quarkus has started: the exit code of a SHUTDOWN that came meanwhile, or null. */
    static Integer applicationStarted() {
        synchronized (EXIT_LOCK) {
            applicationRunning = true;
            return exitWhileBooting;
        }
    }

    /**
     * A shutdown hook of the main method's: a SIGTERM that comes after the data port answers but
     * before Quarkus has started never reaches {@code RespServer}'s shutdown, so the engine's stop
     * (the AOF flushed, the final save, the wait for replicas) runs from here then, and the log
     * lines written so far, waiting for Quarkus' logging, are written out.
     */
    static void stopIfStillBooting() {
        synchronized (EXIT_LOCK) {
            if (applicationRunning) {
                return; // Quarkus' shutdown stops the engine
            }
        }
        Engine engine = early;
        if (engine != null) {
            engine.stop();
        }
        EarlyLogRecords.writeIfLoggingNeverStarted();
    }

    /** The engine the main method started, or null. */
    static Engine early() {
        return early;
    }
}
