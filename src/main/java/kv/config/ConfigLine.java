package kv.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One configuration directive with its arguments and where it came from.
 *
 * <p>All strings in {@code kv.config} are byte strings: one {@code char} per byte
 * (ISO-8859-1), so binary values such as {@code "\xff"} in a config file or non-ASCII
 * passwords survive unchanged. Convert with {@code getBytes(ISO_8859_1)}.
 *
 * @param args       the directive (as written) followed by its arguments
 * @param text       the line as it is shown in error messages (trimmed; for command-line
 *                   flags the synthesized {@code name "value"} form Redis shows)
 * @param file       the file the line was read from; null for flags and properties
 * @param lineNumber the number Redis would report ("at line N"); for flags it continues the
 *                   numbering of the main config file as Redis does
 * @param origin     how the line came in
 */
public record ConfigLine(List<String> args, String text, Path file, int lineNumber, Origin origin) {

    public enum Origin {
        /** The main config file (the one CONFIG REWRITE rewrites), or stdin. */
        FILE,
        /** A file reached through an {@code include} directive. */
        INCLUDED_FILE,
        /** A {@code --name value} flag. */
        COMMAND_LINE,
        /** A {@code kv.name=value} property. */
        PROPERTY
    }

    public ConfigLine {
        args = List.copyOf(args);
        if (args.isEmpty()) {
            throw new IllegalArgumentException("a config line needs a directive");
        }
    }

    /** The directive name, lowercased. */
    public String directive() {
        return args.get(0).toLowerCase(Locale.ROOT);
    }

    /** The arguments after the directive. */
    public List<String> values() {
        return args.subList(1, args.size());
    }
}
