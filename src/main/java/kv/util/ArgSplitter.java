package kv.util;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into arguments the way redis-cli, inline commands and redis.conf do: whitespace
 * separates, "double quotes" take \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' take \'
 * only, and a closing quote must be followed by whitespace or the end of the line.
 */
public final class ArgSplitter {
    private ArgSplitter() {
    }

    /** The arguments, or null if the quoting is unbalanced. */
    public static List<byte[]> split(byte[] line, int off, int len) {
        List<byte[]> args = new ArrayList<>();
        int i = off;
        int end = off + len;
        ByteArrayOutputStream cur = new ByteArrayOutputStream();
        while (true) {
            while (i < end && isSpace(line[i])) {
                i++;
            }
            if (i >= end) {
                return args;
            }
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            cur.reset();
            while (!done) {
                if (inDouble) {
                    if (i >= end) {
                        return null;
                    }
                    byte c = line[i];
                    if (c == '\\' && i + 3 < end && line[i + 1] == 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
                        cur.write(hexValue(line[i + 2]) * 16 + hexValue(line[i + 3]));
                        i += 3;
                    } else if (c == '\\' && i + 1 < end) {
                        i++;
                        cur.write(unescape(line[i]));
                    } else if (c == '"') {
                        if (i + 1 < end && !isSpace(line[i + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else if (inSingle) {
                    if (i >= end) {
                        return null;
                    }
                    byte c = line[i];
                    if (c == '\\' && i + 1 < end && line[i + 1] == '\'') {
                        i++;
                        cur.write('\'');
                    } else if (c == '\'') {
                        if (i + 1 < end && !isSpace(line[i + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else {
                    if (i >= end) {
                        break;
                    }
                    byte c = line[i];
                    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0) {
                        done = true;
                    } else if (c == '"') {
                        inDouble = true;
                    } else if (c == '\'') {
                        inSingle = true;
                    } else {
                        cur.write(c);
                    }
                }
                if (i < end) {
                    i++;
                }
            }
            args.add(cur.toByteArray());
        }
    }

    public static List<byte[]> split(byte[] line) {
        return split(line, 0, line.length);
    }

    private static byte unescape(byte c) {
        switch (c) {
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'b': return '\b';
            case 'a': return 7;
            default: return c;
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hexValue(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return (c | 0x20) - 'a' + 10;
    }
}
