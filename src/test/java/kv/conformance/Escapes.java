package kv.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The two textual encodings used by corpus files.
 *
 * <p>Byte lines ({@code <} replies and {@code >!} raw requests): printable ASCII is literal,
 * {@code \r}, {@code \n}, {@code \\} and {@code \xHH} are escapes, nothing else is allowed after a
 * backslash. Argument lines ({@code >}): whitespace separated words, redis-cli style quoting.
 */
public final class Escapes {
    private Escapes() {
    }

    /** Canonical escaped form of raw bytes, as the recorder writes it. */
    public static String escape(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c >= 0x20 && c <= 0x7e) {
                sb.append((char) c);
            } else {
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        return sb.toString();
    }

    /** Decodes an escaped byte line; throws IllegalArgumentException on a bad escape. */
    public static byte[] unescape(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch != '\\') {
                if (ch < 0x20 || ch > 0x7e) {
                    throw new IllegalArgumentException("non-printable or non-ASCII character U+"
                            + String.format("%04X", (int) ch) + " at column " + (i + 1) + ": escape it as \\xHH");
                }
                out.write(ch);
                continue;
            }
            if (i + 1 >= text.length()) {
                throw new IllegalArgumentException("dangling backslash at end of line");
            }
            char e = text.charAt(++i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    int hi = i + 1 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                    int lo = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
                    if (hi < 0 || lo < 0) {
                        throw new IllegalArgumentException("bad \\x escape at column " + i);
                    }
                    out.write(hi * 16 + lo);
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " at column " + i);
            }
        }
        return out.toByteArray();
    }

    /**
     * Splits a command line into arguments, redis-cli style: words separated by whitespace; a word
     * starting with a double quote may use \" \\ \n \r \t \xHH escapes; a word starting with a
     * single quote is literal except \' . A closing quote must be followed by whitespace or the end.
     * Characters outside quotes are taken literally and encoded as UTF-8.
     */
    public static List<byte[]> splitArgs(String line) {
        List<byte[]> args = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return args;
            }
            ByteArrayOutputStream cur = new ByteArrayOutputStream();
            char first = line.charAt(i);
            if (first == '"' || first == '\'') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i);
                    if (c == first) {
                        closed = true;
                        i++;
                        break;
                    }
                    if (c == '\\' && i + 1 < n) {
                        char e = line.charAt(i + 1);
                        if (first == '\'') {
                            if (e == '\'') {
                                cur.write('\'');
                                i += 2;
                                continue;
                            }
                            writeUtf8(cur, c);
                            i++;
                            continue;
                        }
                        switch (e) {
                            case 'n' -> cur.write('\n');
                            case 'r' -> cur.write('\r');
                            case 't' -> cur.write('\t');
                            case '"' -> cur.write('"');
                            case '\\' -> cur.write('\\');
                            case 'x' -> {
                                int hi = i + 2 < n ? Character.digit(line.charAt(i + 2), 16) : -1;
                                int lo = i + 3 < n ? Character.digit(line.charAt(i + 3), 16) : -1;
                                if (hi < 0 || lo < 0) {
                                    throw new IllegalArgumentException("bad \\x escape in quoted argument");
                                }
                                cur.write(hi * 16 + lo);
                                i += 2;
                            }
                            default -> throw new IllegalArgumentException("unknown escape \\" + e + " in quoted argument");
                        }
                        i += 2;
                        continue;
                    }
                    writeUtf8(cur, c);
                    i++;
                }
                if (!closed) {
                    throw new IllegalArgumentException("unbalanced quotes");
                }
                if (i < n && !Character.isWhitespace(line.charAt(i))) {
                    throw new IllegalArgumentException("closing quote must be followed by a space");
                }
            } else {
                while (i < n && !Character.isWhitespace(line.charAt(i))) {
                    writeUtf8(cur, line.charAt(i));
                    i++;
                }
            }
            args.add(cur.toByteArray());
        }
    }

    private static void writeUtf8(ByteArrayOutputStream out, char c) {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
    }

    /** Renders one argument so that {@link #splitArgs} gives it back. */
    public static String quoteArg(byte[] arg) {
        boolean plain = arg.length > 0;
        for (byte b : arg) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '\\') {
                plain = false;
                break;
            }
        }
        if (plain) {
            return new String(arg, StandardCharsets.US_ASCII);
        }
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : arg) {
            int c = b & 0xff;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c >= 0x20 && c <= 0x7e) {
                        sb.append((char) c);
                    } else {
                        sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    public static String joinArgs(List<byte[]> args) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : args) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(quoteArg(a));
        }
        return sb.toString();
    }

    /** RESP multibulk encoding of a command. */
    public static byte[] multibulk(List<byte[]> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] head = ("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII);
        out.write(head, 0, head.length);
        for (byte[] a : args) {
            byte[] len = ("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
            out.write(len, 0, len.length);
            out.write(a, 0, a.length);
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }
}
