package kv.config;

import java.util.List;

/** Placeholder until the configuration registry lands. */
public record ConfigLine(String name, List<String> args, String origin) {
}
