package kv.config;

import java.util.ArrayList;
import java.util.List;

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

    public static List<String> split(String line) throws ConfigException {
        List<String> out = new ArrayList<>();
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && isSpace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            StringBuilder cur = new StringBuilder();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (inDouble) {
                    if (i >= n) {
                        throw new ConfigException(UNBALANCED);
                    }
                    char c = line.charAt(i);
                    if (c == '\\' && i + 3 < n && line.charAt(i + 1) == 'x'
                            && isHex(line.charAt(i + 2)) && isHex(line.charAt(i + 3))) {
                        cur.append((char) (hex(line.charAt(i + 2)) * 16 + hex(line.charAt(i + 3))));
                        i += 3;
                    } else if (c == '\\' && i + 1 < n) {
                        i++;
                        char e = line.charAt(i);
                        switch (e) {
                            case 'n' -> cur.append('\n');
                            case 'r' -> cur.append('\r');
                            case 't' -> cur.append('\t');
                            case 'b' -> cur.append('\b');
                            case 'a' -> cur.append((char) 7);
                            default -> cur.append(e);
                        }
                    } else if (c == '"') {
                        if (i + 1 < n && !isSpace(line.charAt(i + 1))) {
                            throw new ConfigException(UNBALANCED);
                        }
                        done = true;
                    } else {
                        cur.append(c);
                    }
                } else if (inSingle) {
                    if (i >= n) {
                        throw new ConfigException(UNBALANCED);
                    }
                    char c = line.charAt(i);
                    if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
                        i++;
                        cur.append('\'');
                    } else if (c == '\'') {
                        if (i + 1 < n && !isSpace(line.charAt(i + 1))) {
                            throw new ConfigException(UNBALANCED);
                        }
                        done = true;
                    } else {
                        cur.append(c);
                    }
                } else {
                    if (i >= n) {
                        done = true;
                        break;
                    }
                    char c = line.charAt(i);
                    switch (c) {
                        case ' ', '\n', '\r', '\t', '\0' -> done = true;
                        case '"' -> inDouble = true;
                        case '\'' -> inSingle = true;
                        default -> cur.append(c);
                    }
                }
                if (i < n) {
                    i++;
                }
            }
            out.add(cur.toString());
        }
    }

    /**
     * Quotes a value the way Redis prints strings in error messages and CONFIG REWRITE:
     * always in double quotes, escaping {@code \\ \" \n \r \t \a \b} and non-printable bytes
     * as {@code \xHH}.
     */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append(c);
                    } else {
                        sb.append(String.format("\\x%02x", (int) (c & 0xff)));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return (c | 0x20) - 'a' + 10;
    }
}
