package kv.tools;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import kv.util.Repr;

/** redis-cli's cliFormatReplyTTY and cliFormatReplyRaw. */
final class ReplyRenderer {
    private ReplyRenderer() {}

    static void tty(RespValue r, String prefix, ByteArrayOutputStream b) {
        switch (r.type) {
            case '-':
                ascii(b, "(error) ");
                b.writeBytes(r.str);
                b.write('\n');
                break;
            case '+':
                b.writeBytes(r.str);
                b.write('\n');
                break;
            case ':':
                ascii(b, "(integer) " + r.integer + "\n");
                break;
            case ',':
                ascii(b, "(double) ");
                b.writeBytes(r.str);
                b.write('\n');
                break;
            case '(':
                ascii(b, "(big number) ");
                b.writeBytes(r.str);
                b.write('\n');
                break;
            case '$':
                repr(r.str, b);
                b.write('\n');
                break;
            case '=':
                b.writeBytes(r.str);
                b.write('\n');
                break;
            case '_':
                ascii(b, "(nil)\n");
                break;
            case '#':
                ascii(b, r.integer != 0 ? "(true)\n" : "(false)\n");
                break;
            default:
                aggregate(r, prefix, b);
                break;
        }
    }

    private static void aggregate(RespValue r, String prefix, ByteArrayOutputStream b) {
        int n = r.elements.size();
        if (n == 0) {
            ascii(b, r.type == '%' ? "(empty hash)\n"
                    : r.type == '~' ? "(empty set)\n"
                    : r.type == '>' ? "(empty push)\n"
                    : "(empty array)\n");
            return;
        }
        boolean map = r.type == '%';
        int entries = map ? n / 2 : n;
        int idxlen = Integer.toString(entries).length();
        String inner = prefix + " ".repeat(idxlen + 2);
        char sep = r.type == '~' ? '~' : map ? '#' : ')';
        for (int i = 0; i < n; i++) {
            int human = (map ? i / 2 : i) + 1;
            String num = Integer.toString(human);
            ascii(b, (i == 0 ? "" : prefix) + " ".repeat(idxlen - num.length()) + num + sep + " ");
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            tty(r.elements.get(i), inner, e);
            if (map) {
                i++;
                byte[] k = e.toByteArray();
                b.write(k, 0, k.length - 1); // drop the key's newline
                ascii(b, " => ");
                e.reset();
                tty(r.elements.get(i), inner, e);
            }
            b.writeBytes(e.toByteArray());
        }
    }

    static void raw(RespValue r, ByteArrayOutputStream b) {
        switch (r.type) {
            case '_':
                break;
            case '-':
                b.writeBytes(r.str);
                b.write('\n');
                break;
            case ':':
                ascii(b, Long.toString(r.integer));
                break;
            case '#':
                ascii(b, r.integer != 0 ? "(true)" : "(false)");
                break;
            case '+':
            case '$':
            case '=':
            case ',':
            case '(':
                b.writeBytes(r.str);
                break;
            case '%':
                for (int i = 0; i < r.elements.size(); i += 2) {
                    if (i > 0) {
                        b.write('\n');
                    }
                    raw(r.elements.get(i), b);
                    b.write(' ');
                    raw(r.elements.get(i + 1), b);
                }
                break;
            default:
                for (int i = 0; i < r.elements.size(); i++) {
                    if (i > 0) {
                        b.write('\n');
                    }
                    raw(r.elements.get(i), b);
                }
                break;
        }
    }

    /**
     * redis-cli's --csv: strings quoted as sdscatrepr does, numbers as they are, nil as
     * {@code NULL}, an error as {@code ERROR,"text"}, aggregates (maps included) flattened with
     * commas.
     */
    static void csv(RespValue r, ByteArrayOutputStream b) {
        switch (r.type) {
            case '_':
                ascii(b, "NULL");
                break;
            case '-':
                ascii(b, "ERROR,");
                repr(r.str, b);
                break;
            case ':':
                ascii(b, Long.toString(r.integer));
                break;
            case '#':
                ascii(b, r.integer != 0 ? "true" : "false");
                break;
            case ',':
            case '(':
                b.writeBytes(r.str);
                break;
            case '+':
            case '$':
            case '=':
                repr(r.str, b);
                break;
            default:
                for (int i = 0; i < r.elements.size(); i++) {
                    if (i > 0) {
                        b.write(',');
                    }
                    csv(r.elements.get(i), b);
                }
                break;
        }
    }

    /** sds' sdscatrepr: a double-quoted C-style literal. */
    static void repr(byte[] s, ByteArrayOutputStream b) {
        ascii(b, Repr.quote(s));
    }

    private static void ascii(ByteArrayOutputStream b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}
