package kv.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Request byte streams for the protocol fuzzer: valid pipelines of multibulk and inline commands,
 * the same mutated (flipped and special bytes, truncations, cut or repeated ranges, huge,
 * negative and malformed lengths, wrong type prefixes, missing CR or LF, oversized lines), and
 * random bytes; each cut into the chunks it is written in. A stream depends only on its seed.
 *
 * <p>The commands are ones a fuzzed connection may run without harming the rest of the test:
 * nothing that changes the server (CONFIG SET, SHUTDOWN, DEBUG, CLIENT PAUSE/KILL, FLUSHALL),
 * leaves the sandbox database (SELECT, MOVE, SWAPDB, RESET) or can allocate without bound
 * (SETRANGE with a far offset, LCS on grown strings).
 */
final class FuzzStreams {
    /** One generated stream: its bytes, where it is cut for writing, and how it was made. */
    record Stream(long seed, byte[] bytes, int[] cuts, boolean pauseBetweenChunks, boolean valid, String recipe) {
        List<byte[]> chunks() {
            List<byte[]> out = new ArrayList<>();
            int from = 0;
            for (int cut : cuts) {
                out.add(Arrays.copyOfRange(bytes, from, cut));
                from = cut;
            }
            out.add(Arrays.copyOfRange(bytes, from, bytes.length));
            return out;
        }
    }

    private static final String[][] COMMANDS = {
        {"PING"}, {"PING", "$val"}, {"ECHO", "$val"}, {"ECHO"},
        {"SET", "$key", "$val"}, {"SET", "$key", "$val", "EX", "$int"}, {"SET", "$key", "$val", "PX", "$int", "NX", "GET"},
        {"SET", "$key", "$val", "KEEPTTL", "XX"}, {"SET", "$key"}, {"SETNX", "$key", "$val"}, {"SETEX", "$key", "$int", "$val"},
        {"GET", "$key"}, {"GET"}, {"GETEX", "$key", "PERSIST"}, {"GETEX", "$key", "EXAT", "$int"}, {"GETDEL", "$key"},
        {"GETSET", "$key", "$val"}, {"MSET", "$key", "$val", "$key", "$val"}, {"MSETNX", "$key", "$val"},
        {"MGET", "$key", "$key", "$key"}, {"INCR", "$key"}, {"DECR", "$key"}, {"INCRBY", "$key", "$int"},
        {"DECRBY", "$key", "$int"}, {"INCRBYFLOAT", "$key", "$float"}, {"APPEND", "$key", "$val"}, {"STRLEN", "$key"},
        {"GETRANGE", "$key", "$int", "$int"}, {"SUBSTR", "$key", "$int", "$int"},
        {"DEL", "$key", "$key"}, {"UNLINK", "$key"}, {"EXISTS", "$key", "$key"}, {"TYPE", "$key"}, {"TOUCH", "$key"},
        {"EXPIRE", "$key", "$int"}, {"PEXPIRE", "$key", "$int", "GT"}, {"EXPIREAT", "$key", "$int", "NX"},
        {"TTL", "$key"}, {"PTTL", "$key"}, {"EXPIRETIME", "$key"}, {"PERSIST", "$key"},
        {"RENAME", "$key", "$key"}, {"RENAMENX", "$key", "$key"}, {"COPY", "$key", "$key", "REPLACE"},
        {"KEYS", "$pattern"}, {"SCAN", "$int", "MATCH", "$pattern", "COUNT", "$int"}, {"SCAN", "0", "TYPE", "string"},
        {"DBSIZE"}, {"RANDOMKEY"}, {"OBJECT", "ENCODING", "$key"}, {"OBJECT", "FREQ", "$key"}, {"OBJECT", "HELP"},
        {"INFO", "keyspace"}, {"INFO", "$val"}, {"TIME"}, {"HELLO", "3"}, {"HELLO", "2"}, {"HELLO", "$int"},
        {"CLIENT", "SETNAME", "$val"}, {"CLIENT", "GETNAME"}, {"CLIENT", "ID"}, {"CLIENT", "INFO"},
        {"CLIENT", "REPLY", "SKIP"}, {"CLIENT", "REPLY", "OFF"}, {"CLIENT", "REPLY", "ON"}, {"CLIENT", "NO-TOUCH", "ON"},
        {"CLIENT", "NO-EVICT", "$val"}, {"CLIENT", "SETINFO", "LIB-NAME", "$val"}, {"CLIENT", "$val"},
        {"COMMAND", "INFO", "get", "$val"}, {"COMMAND", "GETKEYS", "SET", "$key", "$val"}, {"COMMAND", "COUNT"},
        {"COMMAND", "GETKEYSANDFLAGS", "$val", "$key"}, {"CONFIG", "GET", "$pattern"}, {"CONFIG", "$val"},
        {"AUTH", "$val"}, {"AUTH", "$val", "$val"}, {"SLOWLOG", "LEN"}, {"SLOWLOG", "GET", "$int"}, {"LATENCY", "LATEST"},
        {"MONITOR"}, {"QUIT"}, {"$val"}, {"$val", "$key"},
    };

    private static final String[] INTS = {
        "0", "1", "-1", "2", "10", "100", "1000", "-100", "2147483647", "2147483648", "-2147483648",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "4102444800", "1.5", "abc", "", " 1", "01",
    };
    private static final String[] FLOATS = {"1.5", "-0", "0.1", "1e308", "1e309", "inf", "-inf", "nan", "abc", "3.0e-5", ""};
    private static final String[] PATTERNS = {"*", "fz*", "fz:?", "fz:[a-c]", "[", "\\", "*[^a]*", "fz:\\*", ""};
    private static final byte[] SPECIAL = "\r\n*$:+-\"'\\ \0{}%~>_!=(|#,".getBytes(StandardCharsets.ISO_8859_1);
    private static final String[] LENGTHS = {
        "-1", "-2", "0", "-0", "+1", "01", "", " ", "abc", "1 ", "2147483647", "2147483648", "536870912", "536870913",
        "1048576", "99999999999999999999", "9223372036854775807", "-9223372036854775808",
    };

    private FuzzStreams() {
    }

    /** The stream for {@code seed}. */
    static Stream generate(long seed) {
        Random r = new Random(seed);
        StringBuilder recipe = new StringBuilder();
        int kind = r.nextInt(100);
        byte[] bytes;
        boolean valid = false;
        if (kind < 10) {
            bytes = randomBytes(r, r.nextInt(400));
            recipe.append("random bytes");
        } else if (kind < 15) {
            bytes = randomInline(r);
            recipe.append("random inline text");
        } else {
            bytes = pipeline(r, 1 + r.nextInt(12));
            if (kind < 40) {
                valid = true;
                recipe.append("valid pipeline");
            } else {
                int n = 1 + r.nextInt(4);
                recipe.append("mutated pipeline:");
                for (int i = 0; i < n; i++) {
                    bytes = mutate(r, bytes, recipe);
                }
            }
        }
        int[] cuts = cuts(r, bytes.length, recipe);
        boolean pause = cuts.length > 0 && cuts.length <= 16 && r.nextInt(4) == 0;
        return new Stream(seed, bytes, cuts, pause, valid, recipe.toString());
    }

    // ---- valid commands ----------------------------------------------------------------------

    private static byte[] pipeline(Random r, int commands) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < commands; i++) {
            String[] shape = COMMANDS[r.nextInt(COMMANDS.length)];
            List<byte[]> args = new ArrayList<>();
            for (String s : shape) {
                args.add(fill(r, s));
            }
            out.writeBytes(r.nextInt(5) == 0 && inlineSafe(args) ? inline(args) : multibulk(args));
        }
        return out.toByteArray();
    }

    private static byte[] fill(Random r, String slot) {
        return switch (slot) {
            case "$key" -> key(r);
            case "$val" -> value(r);
            case "$int" -> latin1(INTS[r.nextInt(INTS.length)]);
            case "$float" -> latin1(FLOATS[r.nextInt(FLOATS.length)]);
            case "$pattern" -> latin1(PATTERNS[r.nextInt(PATTERNS.length)]);
            default -> latin1(r.nextBoolean() ? slot : slot.toLowerCase(java.util.Locale.ROOT));
        };
    }

    private static byte[] key(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> new byte[] {'f', 'z', ':', 0, (byte) 0xff};
            case 1 -> latin1("fz:" + "k".repeat(r.nextInt(300)));
            default -> latin1("fz:" + (char) ('a' + r.nextInt(4)));
        };
    }

    private static byte[] value(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> new byte[0];
            case 1 -> randomBytes(r, r.nextInt(2000));
            case 2 -> latin1(Long.toString(r.nextLong() % 1000));
            case 3 -> latin1("\"quoted\\x00\" 'single' \\ spaces");
            default -> randomBytes(r, r.nextInt(40));
        };
    }

    static byte[] multibulk(List<byte[]> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(latin1("*" + args.size() + "\r\n"));
        for (byte[] a : args) {
            out.writeBytes(latin1("$" + a.length + "\r\n"));
            out.writeBytes(a);
            out.writeBytes(latin1("\r\n"));
        }
        return out.toByteArray();
    }

    private static boolean inlineSafe(List<byte[]> args) {
        if (args.get(0).length > 0 && args.get(0)[0] == '*') {
            return false; // a line starting with '*' is a multibulk header
        }
        for (byte[] a : args) {
            if (a.length == 0) {
                return false;
            }
            for (byte b : a) {
                if (b <= ' ' || b == '"' || b == '\'' || b >= 0x7f) {
                    return false;
                }
            }
        }
        return true;
    }

    private static byte[] inline(List<byte[]> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                out.write(' ');
            }
            out.writeBytes(args.get(i));
        }
        out.writeBytes(latin1("\r\n"));
        return out.toByteArray();
    }

    // ---- malformed input ---------------------------------------------------------------------

    private static byte[] mutate(Random r, byte[] in, StringBuilder recipe) {
        if (in.length == 0) {
            recipe.append(" insert");
            return randomBytes(r, 1 + r.nextInt(20));
        }
        int at = r.nextInt(in.length);
        switch (r.nextInt(12)) {
            case 0 -> {
                recipe.append(" flip@").append(at);
                byte[] out = in.clone();
                out[at] ^= (byte) (1 + r.nextInt(255));
                return out;
            }
            case 1 -> {
                recipe.append(" special@").append(at);
                byte[] out = in.clone();
                out[at] = SPECIAL[r.nextInt(SPECIAL.length)];
                return out;
            }
            case 2 -> {
                recipe.append(" truncate@").append(at);
                return Arrays.copyOf(in, at);
            }
            case 3 -> {
                int len = Math.min(in.length - at, 1 + r.nextInt(30));
                recipe.append(" cut@").append(at).append('+').append(len);
                return splice(in, at, len, new byte[0]);
            }
            case 4 -> {
                int len = Math.min(in.length - at, 1 + r.nextInt(60));
                recipe.append(" repeat@").append(at).append('+').append(len);
                return splice(in, at, 0, Arrays.copyOfRange(in, at, at + len));
            }
            case 5 -> {
                recipe.append(" insert@").append(at);
                return splice(in, at, 0, randomBytes(r, 1 + r.nextInt(20)));
            }
            case 6, 7 -> {
                int header = findHeader(in, at);
                if (header < 0) {
                    return mutate(r, in, recipe);
                }
                int end = header + 1;
                while (end < in.length && in[end] != '\r' && in[end] != '\n') {
                    end++;
                }
                String len = LENGTHS[r.nextInt(LENGTHS.length)];
                recipe.append(" length@").append(header).append('=').append(len);
                return splice(in, header + 1, end - header - 1, latin1(len));
            }
            case 8 -> {
                int header = findHeader(in, at);
                if (header < 0) {
                    return mutate(r, in, recipe);
                }
                byte[] out = in.clone();
                out[header] = SPECIAL[r.nextInt(SPECIAL.length)];
                recipe.append(" prefix@").append(header).append('=').append((char) out[header]);
                return out;
            }
            case 9 -> {
                int eol = indexOf(in, (byte) '\r', at);
                if (eol < 0) {
                    return mutate(r, in, recipe);
                }
                boolean dropCr = r.nextBoolean() || eol + 1 == in.length;
                recipe.append(dropCr ? " no-cr@" : " no-lf@").append(eol);
                return splice(in, dropCr ? eol : eol + 1, 1, new byte[0]);
            }
            case 10 -> {
                // longer than any inline command or header line may be (64 KiB)
                int len = 60_000 + r.nextInt(10_000);
                recipe.append(" long-line@").append(at).append('+').append(len);
                byte[] line = new byte[len];
                Arrays.fill(line, (byte) (r.nextBoolean() ? 'a' : '*'));
                return splice(in, at, 0, line);
            }
            default -> {
                // a request announcing far more than it carries
                String count = r.nextBoolean() ? "*" + (1 + r.nextInt(1_000_000)) : "*3\r\n$" + (100_000 + r.nextInt(1_000_000));
                recipe.append(" announce@").append(at).append('=').append(count);
                return splice(in, at, 0, latin1(count + "\r\n"));
            }
        }
    }

    /** The '*' or '$' that starts a header line at or after {@code from} (wrapping around), or -1. */
    private static int findHeader(byte[] in, int from) {
        for (int i = 0; i < in.length; i++) {
            int p = (from + i) % in.length;
            if ((in[p] == '*' || in[p] == '$') && (p == 0 || in[p - 1] == '\n')) {
                return p;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] in, byte b, int from) {
        for (int i = from; i < in.length; i++) {
            if (in[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
        byte[] out = new byte[in.length - remove + insert.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
        return out;
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            // biased towards the bytes the parser cares about
            b[i] = r.nextInt(3) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (byte) r.nextInt(256);
        }
        return b;
    }

    private static byte[] randomInline(Random r) {
        String alphabet = "abcdefgPINGECHOSET \"'\\x0 \t\r\n";
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(200);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return latin1(sb.toString());
    }

    /** Where to cut the stream into separate writes. */
    private static int[] cuts(Random r, int length, StringBuilder recipe) {
        if (length < 2) {
            return new int[0];
        }
        int mode = r.nextInt(10);
        if (mode < 4) {
            return new int[0];
        }
        if (mode < 6 && length <= 300) {
            recipe.append("; one byte per write");
            int[] all = new int[length - 1];
            for (int i = 0; i < all.length; i++) {
                all[i] = i + 1;
            }
            return all;
        }
        int[] cuts = r.ints(1 + r.nextInt(8), 1, length).sorted().distinct().toArray();
        recipe.append("; cut at ").append(Arrays.toString(cuts));
        return cuts;
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
