package kv.server;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.util.Map;

import kv.engine.CommandTable;
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
        try {
            // file and flags first: their errors must stop start-up before anything else happens
            ServerConfig config = ServerConfig.load(ConfigSource.fromArgs(args));
            checkRenames(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
        LaunchConfig.arguments(args);
        Quarkus.run(KvMain.class, args);
    }

    /** rename-command names are checked against the command table before anything starts. */
    private static void checkRenames(ServerConfig config) throws ConfigException {
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

    @Override
    public int run(String... args) {
        Quarkus.waitForExit();
        return 0;
    }
}
