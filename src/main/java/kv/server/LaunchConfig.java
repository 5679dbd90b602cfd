package kv.server;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import kv.config.ConfigException;
import kv.config.ConfigSource;
import kv.config.ServerConfig;

/**
 * The server configuration, assembled with redis-server's precedence: Quarkus properties
 * {@code kv.<directive>} (lowest), then the config file, then {@code --directive value} flags.
 */
@ApplicationScoped
public class LaunchConfig {
    private static volatile String[] launchArgs = new String[0];
    private static volatile String managementWarning;
    private volatile ServerConfig config;

    /** Called by the main method before Quarkus starts. */
    static void arguments(String[] args) {
        launchArgs = args.clone();
    }

    /** Set by the main method when the default management port was taken (logged once the log is set up). */
    static void managementWarning(String warning) {
        managementWarning = warning;
    }

    static String managementWarning() {
        return managementWarning;
    }

    /**
     * The configuration the main method starts the engine with, before Quarkus' configuration
     * exists: the {@code kv.<directive>} properties read from the sources Quarkus reads them from in
     * a packaged application ({@link EarlyProperties}), then the file and flags.
     */
    static ServerConfig early(ConfigSource.Lines fileAndFlags) throws ConfigException {
        return ServerConfig.load(ConfigSource.concat(ConfigSource.fromProperties(EarlyProperties.read()), fileAndFlags));
    }

    /**
     * Fails the start when Quarkus' configuration holds kv.* properties the engine started before
     * it did not see (a source {@link EarlyProperties} does not read, such as a .env file): the
     * server must not run on a configuration other than the one asked for.
     */
    static void checkEarlyProperties() {
        Map<String, String> early = EarlyProperties.read();
        Map<String, String> quarkus = quarkusProperties();
        if (!early.equals(quarkus)) {
            Map<String, String> missed = new java.util.TreeMap<>(quarkus);
            missed.entrySet().removeAll(early.entrySet());
            Map<String, String> used = new java.util.TreeMap<>(early);
            used.entrySet().removeAll(quarkus.entrySet());
            throw new IllegalStateException("The server started with the kv.* properties " + used + " but Quarkus' configuration says "
                    + missed + " (a configuration source only Quarkus reads): set them as --flags, in the config file, or as "
                    + "-Dkv.* / KV_* instead");
        }
    }

    /** The configuration of an engine started by RespServer (tests: no main method, so no early engine). */
    public ServerConfig config() {
        ServerConfig c = config;
        if (c == null) {
            synchronized (this) {
                if (config == null) {
                    try {
                        config = load(launchArgs);
                    } catch (ConfigException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                }
                c = config;
            }
        }
        return c;
    }

    private static ServerConfig load(String[] args) throws ConfigException {
        return ServerConfig.load(ConfigSource.concat(ConfigSource.fromProperties(quarkusProperties()), ConfigSource.fromArgs(args)));
    }

    /**
     * The {@code kv.<directive>} properties. Environment variables are matched against the known
     * directive names ({@code KV_MAXMEMORY_POLICY} → maxmemory-policy) and others are ignored:
     * an unrelated {@code KV_SOMETHING} (a tool's setting, a Kubernetes service variable) must not
     * stop the server, while a misspelt property in a file or on the command line still does.
     */
    private static Map<String, String> quarkusProperties() {
        Map<String, String> props = new HashMap<>();
        Map<String, String> byEnvName = new HashMap<>();
        for (String directive : ServerConfig.defaults().names()) {
            byEnvName.put(envName(directive), directive);
        }
        Config config = ConfigProvider.getConfig();
        for (org.eclipse.microprofile.config.spi.ConfigSource source : config.getConfigSources()) {
            boolean environment = source.getName().startsWith("EnvConfigSource");
            for (String name : source.getPropertyNames()) {
                String directive = null;
                if (environment && name.startsWith("KV_")) {
                    directive = byEnvName.get(name.substring(3));
                } else if (!environment) {
                    // "%test.kv.port" names a directive too; its value is resolved for the active profile below
                    String plain = name.startsWith("%") && name.indexOf('.') > 0 ? name.substring(name.indexOf('.') + 1) : name;
                    directive = plain.startsWith("kv.") ? plain.substring(3) : null;
                }
                if (directive != null && !props.containsKey(directive)) {
                    String key = directive;
                    config.getOptionalValue("kv." + key, String.class).ifPresent(v -> props.put(key, v));
                }
            }
        }
        return props;
    }

    static String envName(String directive) {
        return directive.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}
