package kv.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import kv.util.Version;

/**
 * Turns the three ways configuration comes in into {@link ConfigLine}s, in precedence order
 * (later lines win): {@code kv.*} properties, then the config file (with its includes), then
 * stdin ({@code -}), then {@code --name value} flags.
 */
public final class ConfigSource {

    /** Include nesting deeper than this is reported as an error (include loops). */
    static final int MAX_INCLUDE_DEPTH = 16;

    private ConfigSource() {
    }

    /** The lines of one start-up, and the main config file (null when there is none). */
    public static final class Lines extends ArrayList<ConfigLine> {
        private static final long serialVersionUID = 1L;
        private Path configFile;

        /** Absolute path of the main config file, the one CONFIG REWRITE writes; or null. */
        public Path configFile() {
            return configFile;
        }

        void configFile(Path p) {
            this.configFile = p;
        }
    }

    /** The same as {@link #fromArgs(String[], InputStream)} reading {@code -} from System.in. */
    public static Lines fromArgs(String[] args) throws ConfigException {
        return fromArgs(args, System.in);
    }

    /**
     * Parses redis-server's command line: {@code [configfile|-] [--name value...] [-]}.
     *
     * <p>Rules, as the reference server applies them:
     * <ul>
     *   <li>a first argument that does not start with {@code -} is the config file;</li>
     *   <li>{@code -} as first or last argument reads more configuration from stdin (after the
     *   file, before the flags);</li>
     *   <li>{@code --name} starts a directive, the following arguments are its values;</li>
     *   <li>a {@code --name} that directly follows a {@code --name} without values is taken as
     *   that directive's value (so {@code --appendonly --port 1} fails with
     *   {@code appendonly "--port"}), except after {@code --save}, which then gets an empty
     *   value ({@code --save --port 1} means {@code save ""}); a final bare {@code --save} also
     *   means {@code save ""};</li>
     *   <li>a single argument like {@code "--port 7000"} holds name and value.</li>
     * </ul>
     * Java decodes arguments with the platform charset; they are turned back into their bytes
     * (UTF-8) so that values round-trip byte for byte.
     */
    public static Lines fromArgs(String[] args, InputStream stdin) throws ConfigException {
        Lines out = new Lines();
        int j = 0;
        String configFile = null;
        if (args.length > 0 && !args[0].isEmpty() && args[0].charAt(0) != '-') {
            configFile = args[0];
            j = 1;
        }
        boolean fromStdin = false;
        // Like redis-server, build the text the flags stand for ("name value..." per line,
        // values quoted), then parse that text like config file lines.
        List<StringBuilder> flagTexts = new ArrayList<>();
        boolean lastHasValue = true;
        for (; j < args.length; j++) {
            String a = bytesOf(args[j]);
            if (a.equals("-") && (j == 0 || j == args.length - 1)) {
                fromStdin = true;
            } else if (lastHasValue && a.startsWith("--")) {
                StringBuilder text = new StringBuilder(a.substring(2)).append(' ');
                int parts;
                try {
                    parts = ConfigTokenizer.split(a).size();
                } catch (ConfigException e) {
                    parts = 2; // the text itself will fail to parse and be reported
                }
                lastHasValue = parts != 1;
                if (parts == 1 && a.equalsIgnoreCase("--save")
                        && (j == args.length - 1 || args[j + 1].startsWith("--"))) {
                    text.append("\"\"");
                    lastHasValue = true;
                }
                flagTexts.add(text);
            } else {
                if (flagTexts.isEmpty()) {
                    flagTexts.add(new StringBuilder());
                }
                flagTexts.get(flagTexts.size() - 1).append(ConfigTokenizer.quote(a)).append(' ');
                lastHasValue = true;
            }
        }

        int newlines = 0;
        if (configFile != null) {
            Path p = Path.of(configFile).toAbsolutePath().normalize();
            out.configFile(p);
            String content = readFile(p);
            newlines += countNewlines(content);
            parseText(content, p, ConfigLine.Origin.FILE, out, 0);
        }
        if (fromStdin) {
            String content;
            try {
                content = new String(stdin.readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new ConfigException("Fatal error, can't read config from stdin: " + e.getMessage());
            }
            // Redis appends stdin to the file text; keep the numbering running
            parseText(content, null, ConfigLine.Origin.FILE, out, 0, newlines);
            newlines += countNewlines(content);
        }
        // flags follow "file text + \n", so their first line is newlines + 2
        int lineNo = newlines + 2;
        for (StringBuilder flag : flagTexts) {
            String text = trim(flag.toString());
            int n = lineNo++;
            if (text.isEmpty()) {
                continue;
            }
            ConfigLine where = new ConfigLine(List.of(text), text, null, n, ConfigLine.Origin.COMMAND_LINE);
            List<String> parsed;
            try {
                parsed = ConfigTokenizer.split(text);
            } catch (ConfigException e) {
                throw fatal(where, e.getMessage());
            }
            if (!parsed.isEmpty()) {
                out.add(new ConfigLine(parsed, text, null, n, ConfigLine.Origin.COMMAND_LINE));
            }
        }
        return out;
    }

    /** Reads a config file (and the files it includes). */
    public static Lines fromFile(Path file) throws ConfigException {
        Lines out = new Lines();
        Path p = file.toAbsolutePath().normalize();
        out.configFile(p);
        parseText(readFile(p), p, ConfigLine.Origin.FILE, out, 0);
        return out;
    }

    /** Parses config text (as found in a file) without an associated file. */
    public static Lines fromString(String text) throws ConfigException {
        Lines out = new Lines();
        parseText(text, null, ConfigLine.Origin.FILE, out, 0);
        return out;
    }

    /**
     * Quarkus-style properties: keys are directive names (the {@code kv.} prefix already
     * stripped), values are config text ({@code bind=127.0.0.1 ::1}, {@code save=""}). An
     * empty value means an empty argument. Lines come out sorted by name; they have the lowest
     * precedence, so put them before file and flag lines ({@link #concat}).
     */
    public static Lines fromProperties(Map<String, String> props) throws ConfigException {
        Lines out = new Lines();
        for (Map.Entry<String, String> e : new TreeMap<>(props).entrySet()) {
            String name = bytesOf(e.getKey()).strip();
            String value = e.getValue() == null ? "" : bytesOf(e.getValue());
            String text = "kv." + name + "=" + value;
            List<String> args = new ArrayList<>();
            args.add(name);
            List<String> vals;
            try {
                vals = ConfigTokenizer.split(value);
            } catch (ConfigException ex) {
                throw fatal(new ConfigLine(List.of(name), text, null, 0, ConfigLine.Origin.PROPERTY),
                        ex.getMessage());
            }
            if (vals.isEmpty()) {
                vals = List.of("");
            }
            args.addAll(vals);
            out.add(new ConfigLine(args, text, null, 0, ConfigLine.Origin.PROPERTY));
        }
        return out;
    }

    /** Concatenates sources in precedence order (lowest first), keeping the config file. */
    @SafeVarargs
    public static Lines concat(List<ConfigLine>... parts) {
        Lines out = new Lines();
        for (List<ConfigLine> part : parts) {
            out.addAll(part);
            if (part instanceof Lines l && l.configFile() != null) {
                out.configFile(l.configFile());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------

    private static void parseText(String content, Path file, ConfigLine.Origin origin, Lines out, int depth)
            throws ConfigException {
        parseText(content, file, origin, out, depth, 0);
    }

    private static void parseText(String content, Path file, ConfigLine.Origin origin, Lines out, int depth,
                                  int firstLineOffset) throws ConfigException {
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String text = trim(lines[i]);
            if (text.isEmpty() || text.charAt(0) == '#') {
                continue;
            }
            ConfigLine where = new ConfigLine(List.of(text), text, file, firstLineOffset + i + 1, origin);
            List<String> args;
            try {
                args = ConfigTokenizer.split(text);
            } catch (ConfigException e) {
                throw fatal(where, e.getMessage());
            }
            if (args.isEmpty()) {
                continue;
            }
            ConfigLine line = new ConfigLine(args, text, file, firstLineOffset + i + 1, origin);
            if (line.directive().equals("include")) {
                if (args.size() != 2) {
                    throw fatal(line, "Bad directive or wrong number of arguments");
                }
                if (depth >= MAX_INCLUDE_DEPTH) {
                    throw fatal(line, "Too many nested includes (include loop?)");
                }
                Path inc = Path.of(args.get(1));
                if (!inc.isAbsolute() && file != null) {
                    // Redis opens it relative to its working directory, which is where it was
                    // started unless a 'dir' directive came before; we use the process cwd.
                    inc = inc.toAbsolutePath();
                }
                inc = inc.toAbsolutePath().normalize();
                parseText(readFile(inc), inc, ConfigLine.Origin.INCLUDED_FILE, out, depth + 1);
                continue;
            }
            out.add(line);
        }
    }

    static String readFile(Path p) throws ConfigException {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Fatal error, can't open config file '" + p + "': No such file or directory");
        } catch (AccessDeniedException e) {
            throw new ConfigException("Fatal error, can't open config file '" + p + "': Permission denied");
        } catch (IOException e) {
            String why = Files.isDirectory(p) ? "Is a directory" : String.valueOf(e.getMessage());
            throw new ConfigException("Fatal error, can't open config file '" + p + "': " + why);
        }
    }

    private static int countNewlines(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    /** Strips blanks, tabs, CR and LF at both ends, as Redis trims config lines. */
    private static String trim(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && isTrim(s.charAt(a))) {
            a++;
        }
        while (b > a && isTrim(s.charAt(b - 1))) {
            b--;
        }
        return s.substring(a, b);
    }

    private static boolean isTrim(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** A Java string (decoded from UTF-8 args/properties) as a byte string. */
    static String bytesOf(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    static ConfigException fatal(ConfigLine line, String reason) {
        String msg = "\n*** FATAL CONFIG FILE ERROR (KV " + Version.KV + ") ***\n"
                + (line.origin() == ConfigLine.Origin.PROPERTY
                        ? "Reading the configuration property"
                        : "Reading the configuration file, at line " + line.lineNumber()) + "\n"
                + ">>> '" + line.text() + "'\n"
                + reason + "\n";
        return new ConfigException(msg, line, reason);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
