package kv.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import kv.config.ServerConfig;

/**
 * The {@code kv.<directive>} properties of a packaged application, read without Quarkus (whose
 * configuration does not exist yet when the main method starts the engine), from the sources
 * Quarkus reads and with its precedence: system properties, then {@code KV_<DIRECTIVE>}
 * environment variables (known directive names only, as {@link LaunchConfig} matches them), then
 * {@code config/application.properties} in the working directory, then the application's
 * {@code application.properties}; within a source, {@code %profile.kv.x} of the active profile
 * beats {@code kv.x}. {@link LaunchConfig#checkEarlyProperties} compares
 * the result with what Quarkus' configuration says once it exists.
 */
final class EarlyProperties {
    private EarlyProperties() {
    }

    static Map<String, String> read() {
        String profile = System.getProperty("quarkus.profile", System.getenv().getOrDefault("QUARKUS_PROFILE", "prod"));
        List<Map<String, String>> sources = List.of(systemProperties(), environment(), workingDirectoryFile(), applicationFile());
        Map<String, String> props = new HashMap<>();
        for (Map<String, String> source : sources) {
            for (String prefix : List.of("%" + profile + ".kv.", "kv.")) {
                source.forEach((name, value) -> {
                    if (name.startsWith(prefix)) {
                        props.putIfAbsent(name.substring(prefix.length()), value);
                    }
                });
            }
        }
        return props;
    }

    /**
     * One Quarkus property as Quarkus will read it, from the same sources in the same order (its
     * environment variable is the name upper-cased with {@code _} for every other character), or
     * {@code defaultValue}.
     */
    static String quarkusProperty(String name, String defaultValue) {
        String profile = System.getProperty("quarkus.profile", System.getenv().getOrDefault("QUARKUS_PROFILE", "prod"));
        String envName = name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        List<Map<String, String>> sources = List.of(systemProperties(), Map.of(name, System.getenv().getOrDefault(envName, "")),
                workingDirectoryFile(), applicationFile());
        for (Map<String, String> source : sources) {
            for (String key : List.of("%" + profile + "." + name, name)) {
                String value = source.get(key);
                if (value != null && !value.isEmpty()) {
                    return value;
                }
            }
        }
        return defaultValue;
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> map = new HashMap<>();
        System.getProperties().forEach((k, v) -> map.put(k.toString(), v.toString()));
        return map;
    }

    /** KV_MAXMEMORY_POLICY as kv.maxmemory-policy; other KV_ variables are not directives and are ignored. */
    private static Map<String, String> environment() {
        Map<String, String> env = System.getenv();
        Map<String, String> map = new HashMap<>();
        for (String directive : ServerConfig.defaults().names()) {
            String value = env.get("KV_" + LaunchConfig.envName(directive));
            if (value != null) {
                map.put("kv." + directive, value);
            }
        }
        return map;
    }

    private static Map<String, String> workingDirectoryFile() {
        Path file = Path.of(System.getProperty("user.dir"), "config", "application.properties");
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> applicationFile() {
        try (InputStream in = EarlyProperties.class.getClassLoader().getResourceAsStream("application.properties")) {
            return in == null ? Map.of() : load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> load(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        Map<String, String> map = new HashMap<>();
        p.forEach((k, v) -> map.put(k.toString(), v.toString()));
        return map;
    }
}
