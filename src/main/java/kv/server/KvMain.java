package kv.server;

import io.quarkus.arc.Arc;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.HttpServer;

import java.util.Map;

import kv.engine.CommandTable;
import kv.engine.ReplicationLog;
import kv.command.Commands;
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
        // logging is set up on this thread before the warm-up thread starts: the two initialised it at once
        // (a command class's logger there, Vert.x's here) and deadlocked on the log manager's locks
        java.util.logging.LogManager.getLogManager();
        warmUp();
        try {
            // the data port answers from here on, while Quarkus boots (RespServer adopts the engine)
            EngineLauncher.startEarly(config);
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
     * Work the data thread would otherwise do on the way to its first reply, done on a second
     * thread while Quarkus boots on this one: the first SecureRandom (the server's run and
     * replication ids; setting up the security providers costs tens of milliseconds), and a
     * throw-away command table, which loads the command classes and links their handler lambdas
     * (some 400 call sites).
     */
    private static void warmUp() {
        Thread warmUp = new Thread(() -> {
            ReplicationLog.randomId();
            Commands.registerAll(new CommandTable());
        }, "kv-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /** rename-command names are checked against the command table before anything starts. */
    private static void checkRenames(ServerConfig config) throws ConfigException {
        if (config.renamedCommands().isEmpty()) {
            return; // the table is built once, by the server, unless there is something to check
        }
        CommandTable table = new CommandTable();
        Commands.registerAll(table);
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
