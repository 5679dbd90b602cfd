package kv.server;

import io.quarkus.arc.Arc;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.HttpServer;
import io.netty.channel.ChannelDuplexHandler;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import kv.engine.CommandTable;
import kv.engine.ReplicationLog;
import kv.config.ConfigException;
import kv.config.ConfigSource;
import kv.config.ServerConfig;
import kv.util.Version;

/**
 * Entry point with redis-server's command line: {@code [config-file] [--directive value ...]}.
 * The configuration is validated before Quarkus starts, so a bad directive stops start-up with
 * Redis' message and a non-zero exit code.
 */
@QuarkusMain
public class KvMain implements QuarkusApplication {

    public static void main(String... args) {
        // logging is set up on this thread before the warm-up thread starts: the two initialised it at once
        // (a command class's logger there, Vert.x's here) and deadlocked on the log manager's locks
        java.util.logging.LogManager.getLogManager();
        FutureTask<CommandTable> commands = warmUp();
        ServerConfig config = null;
        try {
            // file and flags first: their errors must stop start-up before anything else happens
            ConfigSource.Lines lines = ConfigSource.fromArgs(args);
            config = LaunchConfig.early(lines);
            checkRenames(config);
            ManagementPort.Choice management = ManagementPort.choose(lines, config.managementPort(),
                    System.getProperty(ManagementPort.QUARKUS_PORT), managementHost(), ManagementPort.DEFAULT);
            System.setProperty(ManagementPort.QUARKUS_PORT, Integer.toString(management.port()));
            LaunchConfig.managementWarning(management.warning());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
        LaunchConfig.arguments(args);
        try {
            // the data port answers from here on, while Quarkus boots (RespServer adopts the engine)
            EngineLauncher.startEarly(config, () -> built(commands));
            Runtime.getRuntime().addShutdownHook(new Thread(EngineLauncher::stopIfStillBooting, "kv-stop-while-booting"));
        } catch (Exception e) {
            // the listeners not up within their deadline; a failed bind is reported by RespServer, as in tests
            System.err.println("KV could not start: " + e);
            System.exit(1);
        }
        Quarkus.run(KvMain.class, args);
    }

    /** quarkus.management.host as Quarkus will read it (system property, environment, the packaged default). */
    private static String managementHost() {
        String host = System.getProperty("quarkus.management.host");
        if (host == null) {
            host = System.getenv("QUARKUS_MANAGEMENT_HOST");
        }
        return host == null || host.isBlank() ? "0.0.0.0" : host;
    }

    /**
     * Work on the way to the first reply, done on a second thread while this one reads the
     * configuration and creates Vert.x, in the order it is needed: the first SecureRandom (Vert.x
     * takes a random UUID, the server its run and replication ids; setting up the security providers
     * costs tens of milliseconds); the server's command table (loading the command classes and
     * linking their handler lambdas, some 400 call sites), which the data thread takes once it has
     * built the rest of the server; then Netty's handler annotations, which the data thread's first
     * bind would read.
     */
    private static FutureTask<CommandTable> warmUp() {
        FutureTask<CommandTable> commands = new FutureTask<>(EngineLauncher::commandTable);
        Thread warmUp = new Thread(() -> {
            ReplicationLog.randomId();
            commands.run();
            readHandlerAnnotations();
        }, "kv-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        return commands;
    }

    /**
     * Netty picks the handler methods a pipeline calls by their {@code @Skip} annotations, read by
     * reflection the first time a thread adds a handler class to a pipeline (the data thread: at its
     * first bind). Reading the adapters' annotations once here makes the JDK's proxy class for the
     * annotation and caches each inherited method's annotations, so the data thread finds them.
     */
    private static void readHandlerAnnotations() {
        for (Method method : ChannelDuplexHandler.class.getMethods()) {
            method.getAnnotations();
        }
    }

    private static CommandTable built(FutureTask<CommandTable> commands) {
        try {
            return commands.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("building the command table failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the command table", e);
        }
    }

    /** rename-command names are checked against the command table before anything starts. */
    private static void checkRenames(ServerConfig config) throws ConfigException {
        if (config.renamedCommands().isEmpty()) {
            return; // the table is built once, by the server, unless there is something to check
        }
        CommandTable table = EngineLauncher.commandTable();
        for (Map.Entry<String, String> rename : config.renamedCommands().entrySet()) {
            try {
                table.rename(rename.getKey(), rename.getValue());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("\n*** FATAL CONFIG FILE ERROR (KV " + Version.KV + ") ***\n>>> 'rename-command "
                        + rename.getKey() + " \"" + rename.getValue() + "\"'\n" + e.getMessage());
            }
        }
    }

    /** Called once Quarkus has started everything: the data port and the management interface. */
    @Override
    public int run(String... args) {
        Integer shutdown = EngineLauncher.applicationStarted();
        if (shutdown != null) {
            return shutdown; // SHUTDOWN came while Quarkus booted: no ready line, stop now
        }
        RespServer server = Arc.container().instance(RespServer.class).get();
        ValueRegistry values = Arc.container().instance(ValueRegistry.class).get();
        server.started(values.getOrDefault(HttpServer.MANAGEMENT_PORT, -1));
        Quarkus.waitForExit();
        return 0;
    }
}
