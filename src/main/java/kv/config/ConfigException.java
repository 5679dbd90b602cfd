package kv.config;

/** Placeholder until the configuration registry lands. */
public class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
