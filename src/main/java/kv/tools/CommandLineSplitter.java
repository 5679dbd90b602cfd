package kv.tools;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * sds' sdssplitargs: whitespace-separated, "double quoted" with escapes, 'single quoted'.
 *
 * <p>Not {@link kv.util.ArgSplitter}: the two differ on NUL, vertical tab and form feed (here
 * all three separate arguments, also outside quotes), and kv-cli's behaviour is kept as it is.
 */
final class CommandLineSplitter {
    private CommandLineSplitter() {}

    /** The arguments, or null when quotes are unbalanced (redis-cli: "Invalid argument(s)"). */
    static List<byte[]> split(byte[] line) {
        List<byte[]> out = new ArrayList<>();
        int p = 0;
        int n = line.length;
        while (true) {
            while (p < n && isSpace(line[p])) {
                p++;
            }
            if (p >= n) {
                return out;
            }
            ByteArrayOutputStream cur = new ByteArrayOutputStream();
            boolean inq = false;
            boolean insq = false;
            boolean done = false;
            while (!done) {
                if (inq) {
                    if (p >= n) {
                        return null;
                    }
                    byte c = line[p];
                    if (c == '\\' && p + 3 < n && line[p + 1] == 'x' && isHex(line[p + 2]) && isHex(line[p + 3])) {
                        cur.write(hex(line[p + 2]) * 16 + hex(line[p + 3]));
                        p += 3;
                    } else if (c == '\\' && p + 1 < n) {
                        p++;
                        byte e = line[p];
                        switch (e) {
                            case 'n': cur.write('\n'); break;
                            case 'r': cur.write('\r'); break;
                            case 't': cur.write('\t'); break;
                            case 'b': cur.write('\b'); break;
                            case 'a': cur.write(7); break;
                            default: cur.write(e); break;
                        }
                    } else if (c == '"') {
                        if (p + 1 < n && !isSpace(line[p + 1])) {
                            return null; // closing quote must be followed by a space
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else if (insq) {
                    if (p >= n) {
                        return null;
                    }
                    byte c = line[p];
                    if (c == '\\' && p + 1 < n && line[p + 1] == '\'') {
                        p++;
                        cur.write('\'');
                    } else if (c == '\'') {
                        if (p + 1 < n && !isSpace(line[p + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else {
                    if (p >= n) {
                        done = true;
                        break;
                    }
                    byte c = line[p];
                    if (isSpace(c)) {
                        done = true;
                    } else if (c == '"') {
                        inq = true;
                    } else if (c == '\'') {
                        insq = true;
                    } else {
                        cur.write(c);
                    }
                }
                if (p < n) {
                    p++;
                }
            }
            out.add(cur.toByteArray());
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0b || c == '\f' || c == 0;
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(byte c) {
        return Character.digit(c, 16);
    }
}
