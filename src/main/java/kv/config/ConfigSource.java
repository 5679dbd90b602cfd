package kv.config;

import java.util.List;
import java.util.Map;

/** Placeholder until the configuration registry lands. */
public final class ConfigSource {
    public static List<ConfigLine> fromArgs(String[] args) {
        return List.of();
    }

    public static List<ConfigLine> fromProperties(Map<String, String> props) {
        java.util.List<ConfigLine> out = new java.util.ArrayList<>();
        props.forEach((k, v) -> out.add(new ConfigLine(k, List.of(v), "properties")));
        return out;
    }
}
