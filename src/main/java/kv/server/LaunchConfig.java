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
    private volatile ServerConfig config;

    /** Called by the main method before Quarkus starts. */
    static void arguments(String[] args) {
        launchArgs = args.clone();
    }

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

    private static Map<String, String> quarkusProperties() {
        Map<String, String> props = new HashMap<>();
        Config config = ConfigProvider.getConfig();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("kv.")) {
                config.getOptionalValue(name, String.class).ifPresent(v -> props.put(name.substring(3), v));
            }
        }
        return props;
    }
}
