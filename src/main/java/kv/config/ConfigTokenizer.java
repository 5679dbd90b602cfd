package kv.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import kv.util.ArgSplitter;
import kv.util.Repr;

/**
 * Splits one configuration line into arguments the way redis.conf lines are split.
 *
 * <ul>
 *   <li>arguments are separated by blanks;</li>
 *   <li>{@code "double quotes"} understand {@code \n \r \t \b \a \\ \"} and {@code \xHH};
 *   any other escaped character stands for itself;</li>
 *   <li>{@code 'single quotes'} understand only {@code \'};</li>
 *   <li>a quote may open in the middle of an argument ({@code ab"c d"} is {@code abc d});</li>
 *   <li>an unterminated quote, or a closing quote followed by anything but a blank, is an
 *   error.</li>
 * </ul>
 */
public final class ConfigTokenizer {

    /** Redis' wording for both kinds of quoting errors. */
    public static final String UNBALANCED = "Unbalanced quotes in configuration line";

    private ConfigTokenizer() {
    }

    /**
     * The arguments of {@code line} (one char per byte). The rules are those of inline commands
     * and redis-cli, so this delegates to the one splitter, {@link ArgSplitter}.
     */
    public static List<String> split(String line) throws ConfigException {
        List<byte[]> args = ArgSplitter.split(line.getBytes(StandardCharsets.ISO_8859_1));
        if (args == null) {
            throw new ConfigException(UNBALANCED);
        }
        List<String> out = new ArrayList<>(args.size());
        for (byte[] a : args) {
            out.add(new String(a, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    public static String quote(String s) {
        return Repr.quote(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }
}
