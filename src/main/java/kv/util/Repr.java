package kv.util;

/** Quoted, escaped rendering of binary strings, as Redis shows them in MONITOR and CLIENT LIST. */
public final class Repr {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Repr() {
    }

    public static String quote(byte[] s) {
        StringBuilder sb = new StringBuilder(s.length + 2);
        sb.append('"');
        for (byte b : s) {
            int c = b & 0xff;
            switch (c) {
                case '\\': sb.append("\\\\"); break;
                case '"': sb.append("\\\""); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case 7: sb.append("\\a"); break;
                case '\b': sb.append("\\b"); break;
                default:
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 15]);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
