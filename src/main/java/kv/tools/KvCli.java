package kv.tools;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * kv-cli: a small redis-cli work-alike for operators and probes. Plain Java, JDK only: it must
 * start fast (no Quarkus, no CDI) and run wherever the server's jar is.
 *
 * <p>What it mirrors from redis-cli 7.0 (checked against the real one by {@code KvCliTest}):
 * <ul>
 *   <li>options {@code -h -p -a --pass --user -n -u -3 -e --raw --no-raw --no-auth-warning};
 *       {@code REDISCLI_AUTH} as the password when {@code -a} is absent;</li>
 *   <li>output: "TTY" formatting ({@code "quoted"}, {@code (integer) 1}, {@code (nil)},
 *       {@code (error) ...}, numbered nested arrays, {@code 1#} maps, {@code 1~} sets,
 *       {@code (double)}, {@code (true)}) when stdout is a terminal or with {@code --no-raw};
 *       raw formatting otherwise or with {@code --raw};</li>
 *   <li>exit status: 0 after a reply, also an error reply (as redis-cli); with {@code -e} an
 *       error reply goes to stderr and the status is 1; 1 when it cannot connect
 *       ({@code Could not connect to Redis at 127.0.0.1:6379: Connection refused});</li>
 *   <li>no command: an interactive prompt ({@code 127.0.0.1:6379> }) when stdin is a terminal,
 *       else one command per line read from stdin, split as redis-cli splits them (quotes,
 *       {@code \xHH} escapes).</li>
 * </ul>
 * Deliberate differences: RESP3 big numbers print as {@code (big number) N} (redis-cli 7.0
 * aborts with "Unknown reply type"), RESP3 attributes are skipped (7.0 aborts), no line
 * editing or history at the prompt, no {@code -x -r -i --scan --pipe --stat} modes.
 */
public final class KvCli {

    static final String AUTH_WARNING =
            "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.";

    private KvCli() {}

    public static void main(String[] args) {
        boolean stdinTty = tty("kv.cli.stdin.tty");
        boolean stdoutTty = tty("kv.cli.stdout.tty");
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false);
        int status = run(args, System.in, out, System.err, stdinTty, stdoutTty, System.getenv());
        out.flush();
        System.exit(status);
    }

    /** The launcher passes {@code -Dkv.cli.stdin.tty=true|false} (from {@code test -t}); else guess. */
    private static boolean tty(String property) {
        String v = System.getProperty(property);
        if (v != null) {
            return Boolean.parseBoolean(v);
        }
        Object console = System.console();
        if (console == null) {
            return false;
        }
        try { // JDK 22+: a Console exists even when redirected; isTerminal() tells
            return (Boolean) console.getClass().getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 17-21: a console means stdin and stdout are terminals
        }
    }

    // ---------------------------------------------------------------- options

    static final class Options {
        String host = "127.0.0.1";
        int port = 6379;
        String password;
        String user;
        int db;
        boolean resp3;
        Boolean raw; // null: decided by whether stdout is a terminal
        boolean exitOnError;
        boolean noAuthWarning;
        boolean passwordOnCommandLine;
        final List<String> command = new ArrayList<>();
    }

    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(String[] args, Map<String, String> env) throws UsageException {
        Options o = new Options();
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h":
                    o.host = value(args, ++i, a);
                    break;
                case "-p":
                    o.port = intValue(value(args, ++i, a), a);
                    break;
                case "-a":
                case "--pass":
                    o.password = value(args, ++i, a);
                    o.passwordOnCommandLine = true;
                    break;
                case "--user":
                    o.user = value(args, ++i, a);
                    break;
                case "-n":
                    o.db = intValue(value(args, ++i, a), a);
                    break;
                case "-u":
                    uri(o, value(args, ++i, a));
                    break;
                case "-3":
                    o.resp3 = true;
                    break;
                case "-2":
                    o.resp3 = false;
                    break;
                case "-e":
                    o.exitOnError = true;
                    break;
                case "--raw":
                    o.raw = Boolean.TRUE;
                    break;
                case "--no-raw":
                    o.raw = Boolean.FALSE;
                    break;
                case "--no-auth-warning":
                    o.noAuthWarning = true;
                    break;
                case "--help":
                    throw new UsageException(null);
                case "--version":
                case "-v":
                    throw new UsageException("kv-cli (KV) 1.0, redis-cli 7.0 compatible output");
                default:
                    if (a.startsWith("-") && a.length() > 1 && !isNumber(a)) {
                        throw new UsageException("Unrecognized option or bad number of args for: '" + a + "'");
                    }
                    for (; i < args.length; i++) {
                        o.command.add(args[i]);
                    }
                    break;
            }
        }
        if (o.password == null && env != null && env.get("REDISCLI_AUTH") != null) {
            o.password = env.get("REDISCLI_AUTH");
        }
        return o;
    }

    private static boolean isNumber(String s) {
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException("Unrecognized option or bad number of args for: '" + option + "'");
        }
        return args[i];
    }

    private static int intValue(String s, String option) throws UsageException {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new UsageException("Invalid number for " + option + ": '" + s + "'");
        }
    }

    /** {@code redis://[[user]:password@]host[:port][/db]}, as redis-cli's -u. */
    private static void uri(Options o, String s) throws UsageException {
        URI u;
        try {
            u = new URI(s);
        } catch (Exception e) {
            throw new UsageException("Invalid URI: " + s);
        }
        if (!"redis".equalsIgnoreCase(u.getScheme())) {
            throw new UsageException("Invalid URI scheme: " + s + " (only redis:// is supported)");
        }
        if (u.getHost() != null) {
            o.host = u.getHost();
        }
        if (u.getPort() > 0) {
            o.port = u.getPort();
        }
        String info = u.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            String user = colon < 0 ? "" : info.substring(0, colon);
            String pass = colon < 0 ? info : info.substring(colon + 1);
            if (!user.isEmpty()) {
                o.user = URLDecoder.decode(user, StandardCharsets.UTF_8);
            }
            o.password = URLDecoder.decode(pass, StandardCharsets.UTF_8);
            o.passwordOnCommandLine = true;
        }
        String path = u.getPath();
        if (path != null && path.length() > 1) {
            o.db = intValue(path.substring(1), "-u");
        }
    }

    static String usage() {
        return String.join("\n",
                "Usage: kv-cli [OPTIONS] [cmd [arg [arg ...]]]",
                "  -h <hostname>      Server hostname (default: 127.0.0.1).",
                "  -p <port>          Server port (default: 6379).",
                "  -a <password>      Password to use when connecting to the server.",
                "                     You can also use the REDISCLI_AUTH environment variable.",
                "  --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.",
                "  --pass <password>  Alias of -a.",
                "  -u <uri>           Server URI: redis://[[user]:password@]host[:port][/db].",
                "  -n <db>            Database number.",
                "  -3                 Start session in RESP3 protocol mode.",
                "  -e                 Return exit error code when command execution fails.",
                "  --raw              Use raw formatting for replies (default when STDOUT is not a tty).",
                "  --no-raw           Force formatted output even when STDOUT is not a tty.",
                "  --no-auth-warning  Don't show warning message when using password on command line.",
                "  --help             Output this help and exit.",
                "",
                "Examples:",
                "  kv-cli -a \"$REDIS_PASSWORD\" ping",
                "  kv-cli -n 1 incr counter",
                "  kv-cli ping | grep -q PONG      # as a probe: exits 0 even on an error reply",
                "",
                "When no command is given, kv-cli starts an interactive prompt (stdin a terminal)",
                "or runs one command per line of stdin.",
                "");
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs kv-cli as {@link #main} does, on the given streams, and returns the exit status.
     * {@code stdinTty}/{@code stdoutTty} say whether those streams are terminals (prompt, output
     * format); {@code env} supplies REDISCLI_AUTH.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err,
                   boolean stdinTty, boolean stdoutTty, Map<String, String> env) {
        Options o;
        try {
            o = parse(args, env);
        } catch (UsageException e) {
            if (e.getMessage() == null) {
                out.print(usage());
                out.flush();
                return 0;
            }
            err.println(e.getMessage());
            return 1;
        }
        if (o.passwordOnCommandLine && !o.noAuthWarning) {
            err.println(AUTH_WARNING);
        }
        boolean tty = o.raw == null ? stdoutTty : !o.raw;
        Session s = new Session(o, out, err, tty);
        try {
            if (!o.command.isEmpty()) {
                return s.oneShot(o.command);
            }
            return s.repl(in, stdinTty);
        } finally {
            s.close();
            out.flush();
        }
    }

    static final class ServerClosedException extends IOException {
        private static final long serialVersionUID = 1L;

        ServerClosedException() {
            super("Server closed the connection");
        }
    }

    static final class Session {
        final Options o;
        final PrintStream out;
        final PrintStream err;
        final boolean tty;
        Socket socket;
        InputStream sin;
        OutputStream sout;
        int db;

        Session(Options o, PrintStream out, PrintStream err, boolean tty) {
            this.o = o;
            this.out = out;
            this.err = err;
            this.tty = tty;
        }

        boolean connect() {
            close();
            Socket sock = new Socket();
            try {
                sock.connect(new InetSocketAddress(o.host, o.port), 10_000);
                sock.setTcpNoDelay(true);
                socket = sock;
                sin = new BufferedInputStream(sock.getInputStream(), 1 << 16);
                sout = new BufferedOutputStream(sock.getOutputStream(), 1 << 16);
            } catch (IOException e) {
                closeQuietly(sock);
                out.flush();
                err.println("Could not connect to Redis at " + o.host + ":" + o.port + ": " + reason(e));
                return false;
            }
            try {
                handshake();
            } catch (IOException e) {
                out.flush();
                err.println("Error: " + e.getMessage());
                close();
                return false;
            }
            return true;
        }

        /** AUTH, SELECT, HELLO 3 in redis-cli's order; failures are reported, not fatal. */
        private void handshake() throws IOException {
            if (o.password != null) {
                Reply r = o.user == null ? call("AUTH", o.password) : call("AUTH", o.user, o.password);
                if (r.type == '-') {
                    err.println("AUTH failed: " + r.text());
                }
            }
            db = 0;
            if (o.db != 0) {
                Reply r = call("SELECT", Integer.toString(o.db));
                if (r.type == '-') {
                    err.println("SELECT " + o.db + " failed: " + r.text());
                } else {
                    db = o.db;
                }
            }
            if (o.resp3) {
                Reply r = call("HELLO", "3");
                if (r.type == '-') {
                    err.println("HELLO 3 failed: " + r.text());
                }
            }
        }

        private static String reason(IOException e) {
            if (e instanceof UnknownHostException) {
                return "Name or service not known";
            }
            if (e instanceof SocketTimeoutException) {
                return "Connection timed out";
            }
            String m = e.getMessage();
            if (e instanceof ConnectException && m != null) {
                int p = m.indexOf(" (");
                return p > 0 ? m.substring(0, p) : m; // "Connection refused (Connection refused)" on old JDKs
            }
            return m == null ? e.getClass().getSimpleName() : m;
        }

        Reply call(String... args) throws IOException {
            List<byte[]> a = new ArrayList<>(args.length);
            for (String s : args) {
                a.add(s.getBytes(StandardCharsets.UTF_8));
            }
            send(a);
            return read(false);
        }

        void send(List<byte[]> args) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(64);
            b.write('*');
            b.writeBytes(Integer.toString(args.size()).getBytes(StandardCharsets.US_ASCII));
            b.write('\r');
            b.write('\n');
            for (byte[] arg : args) {
                b.write('$');
                b.writeBytes(Integer.toString(arg.length).getBytes(StandardCharsets.US_ASCII));
                b.write('\r');
                b.write('\n');
                b.writeBytes(arg);
                b.write('\r');
                b.write('\n');
            }
            b.writeTo(sout);
            sout.flush();
        }

        /** The next reply; push messages are skipped unless {@code pushes} (subscribe mode). */
        Reply read(boolean pushes) throws IOException {
            while (true) {
                Reply r = Reply.read(sin);
                if (r.type == '>' && !pushes) {
                    continue;
                }
                return r;
            }
        }

        int oneShot(List<String> command) {
            if (!connect()) {
                return 1;
            }
            List<byte[]> args = new ArrayList<>(command.size());
            for (String s : command) {
                args.add(s.getBytes(StandardCharsets.UTF_8));
            }
            return execute(args, false);
        }

        /** Sends one command and prints its reply (or, for subscribe/monitor, replies until EOF). */
        int execute(List<byte[]> args, boolean interactive) {
            String name = new String(args.get(0), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            try {
                send(args);
                boolean streaming = name.equals("subscribe") || name.equals("psubscribe")
                        || name.equals("ssubscribe") || name.equals("monitor");
                Reply r = read(false);
                boolean error = r.type == '-';
                if (error && o.exitOnError && !interactive) {
                    out.flush();
                    err.write(r.str);
                    err.write('\n');
                    err.flush();
                    return 1;
                }
                if (!error && streaming && tty && !name.equals("monitor")) {
                    out.print("Reading messages... (press Ctrl-C to quit)\n");
                }
                print(r);
                if (!error) {
                    afterReply(name, args);
                }
                if (!error && streaming) {
                    while (true) {
                        print(read(true));
                    }
                }
                return 0;
            } catch (ServerClosedException e) {
                out.flush();
                if (name.equals("shutdown") || name.equals("quit")) {
                    close();
                    return 0;
                }
                err.println("Error: Server closed the connection");
                close();
                return 1;
            } catch (IOException e) {
                out.flush();
                err.println("Error: " + e.getMessage());
                close();
                return 1;
            }
        }

        private void afterReply(String name, List<byte[]> args) {
            if (name.equals("select") && args.size() == 2) {
                try {
                    db = Integer.parseInt(new String(args.get(1), StandardCharsets.UTF_8));
                } catch (NumberFormatException ignored) {
                    // the server accepted it; keep the prompt as it was
                }
            }
        }

        void print(Reply r) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            if (tty) {
                Render.tty(r, "", b);
            } else {
                Render.raw(r, b);
                b.write('\n');
            }
            b.writeTo(out);
            out.flush();
        }

        String prompt() {
            if (socket == null) {
                return "not connected> ";
            }
            return o.host + ":" + o.port + (db != 0 ? "[" + db + "]" : "") + "> ";
        }

        int repl(InputStream in, boolean stdinTty) {
            boolean connected = connect();
            if (!connected && !stdinTty) {
                return 1;
            }
            LineReader lines = new LineReader(in);
            int status = 0;
            while (true) {
                if (stdinTty) {
                    out.print(prompt());
                    out.flush();
                }
                byte[] line;
                try {
                    line = lines.next();
                } catch (IOException e) {
                    err.println("Error: " + e.getMessage());
                    return 1;
                }
                if (line == null) {
                    return status;
                }
                List<byte[]> args = Args.split(line);
                if (args == null) {
                    out.print("Invalid argument(s)\n");
                    out.flush();
                    continue;
                }
                if (args.isEmpty()) {
                    continue;
                }
                String first = new String(args.get(0), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
                if (first.equals("quit") || first.equals("exit")) {
                    return status;
                }
                long repeat = 1;
                if (args.size() > 1 && isNumber(first)) {
                    repeat = Long.parseLong(first);
                    args = args.subList(1, args.size());
                }
                for (long n = 0; n < repeat; n++) {
                    if (socket == null && !connect()) {
                        status = 1;
                        break;
                    }
                    status = execute(args, true);
                }
            }
        }

        void close() {
            if (socket != null) {
                closeQuietly(socket);
                socket = null;
                sin = null;
                sout = null;
            }
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    // ---------------------------------------------------------------- replies

    /** One RESP2/RESP3 reply: type byte, payload bytes (strings, numbers as text) and children. */
    static final class Reply {
        final char type;
        final byte[] str;
        final long integer;
        final List<Reply> elements;

        Reply(char type, byte[] str, long integer, List<Reply> elements) {
            this.type = type;
            this.str = str;
            this.integer = integer;
            this.elements = elements;
        }

        String text() {
            return new String(str, StandardCharsets.UTF_8);
        }

        static Reply read(InputStream in) throws IOException {
            int t = in.read();
            if (t < 0) {
                throw new ServerClosedException();
            }
            byte[] line = readLine(in);
            switch (t) {
                case '+':
                case '-':
                case ',':
                case '(':
                    return new Reply((char) t, line, 0, null);
                case ':':
                    return new Reply(':', line, parseLong(line), null);
                case '#':
                    return new Reply('#', line, line.length > 0 && line[0] == 't' ? 1 : 0, null);
                case '_':
                    return new Reply('_', new byte[0], 0, null);
                case '$':
                case '=':
                case '!': {
                    long n = parseLong(line);
                    if (n < 0) {
                        return new Reply('_', new byte[0], 0, null);
                    }
                    byte[] data = in.readNBytes((int) n);
                    if (data.length != n) {
                        throw new ServerClosedException();
                    }
                    readLine(in);
                    if (t == '=') { // verbatim: "txt:" format prefix, shown without it
                        byte[] body = data.length >= 4 ? Arrays.copyOfRange(data, 4, data.length) : data;
                        return new Reply('=', body, 0, null);
                    }
                    return new Reply(t == '!' ? '-' : '$', data, 0, null);
                }
                case '*':
                case '~':
                case '>':
                case '%':
                case '|': {
                    long n = parseLong(line);
                    if (n < 0) {
                        return new Reply('_', new byte[0], 0, null);
                    }
                    long count = (t == '%' || t == '|') ? 2 * n : n;
                    List<Reply> elems = new ArrayList<>((int) Math.min(count, 1024));
                    for (long i = 0; i < count; i++) {
                        elems.add(read(in));
                    }
                    if (t == '|') { // attribute: metadata about the reply that follows; skipped
                        return read(in);
                    }
                    return new Reply((char) t, null, n, elems);
                }
                default:
                    throw new IOException("Protocol error, got \"" + (char) t + "\" as reply type byte");
            }
        }

        private static byte[] readLine(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(32);
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new ServerClosedException();
                }
                if (c == '\r') {
                    int d = in.read();
                    if (d == '\n') {
                        return b.toByteArray();
                    }
                    if (d < 0) {
                        throw new ServerClosedException();
                    }
                    b.write(c);
                    b.write(d);
                    continue;
                }
                b.write(c);
            }
        }

        private static long parseLong(byte[] s) throws IOException {
            try {
                return Long.parseLong(new String(s, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("Protocol error, bad number: " + new String(s, StandardCharsets.US_ASCII));
            }
        }
    }

    /** redis-cli's cliFormatReplyTTY and cliFormatReplyRaw. */
    static final class Render {
        private Render() {}

        static void tty(Reply r, String prefix, ByteArrayOutputStream b) {
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

        private static void aggregate(Reply r, String prefix, ByteArrayOutputStream b) {
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

        static void raw(Reply r, ByteArrayOutputStream b) {
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

        /** sds' sdscatrepr: a double-quoted C-style literal. */
        static void repr(byte[] s, ByteArrayOutputStream b) {
            b.write('"');
            for (byte x : s) {
                int c = x & 0xff;
                switch (c) {
                    case '\\':
                        ascii(b, "\\\\");
                        break;
                    case '"':
                        ascii(b, "\\\"");
                        break;
                    case '\n':
                        ascii(b, "\\n");
                        break;
                    case '\r':
                        ascii(b, "\\r");
                        break;
                    case '\t':
                        ascii(b, "\\t");
                        break;
                    case 7:
                        ascii(b, "\\a");
                        break;
                    case '\b':
                        ascii(b, "\\b");
                        break;
                    default:
                        if (c >= 0x20 && c < 0x7f) {
                            b.write(c);
                        } else {
                            ascii(b, String.format("\\x%02x", c));
                        }
                        break;
                }
            }
            b.write('"');
        }

        private static void ascii(ByteArrayOutputStream b, String s) {
            b.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        }
    }

    // ---------------------------------------------------------------- input lines

    /** Lines of bytes from a stream, without the {@code \n} (and a {@code \r} before it). */
    static final class LineReader {
        private final InputStream in;

        LineReader(InputStream in) {
            this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in);
        }

        byte[] next() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(64);
            int c;
            boolean any = false;
            while ((c = in.read()) >= 0) {
                any = true;
                if (c == '\n') {
                    break;
                }
                b.write(c);
            }
            if (!any) {
                return null;
            }
            byte[] line = b.toByteArray();
            if (line.length > 0 && line[line.length - 1] == '\r') {
                return Arrays.copyOf(line, line.length - 1);
            }
            return line;
        }
    }

    /** sds' sdssplitargs: whitespace-separated, "double quoted" with escapes, 'single quoted'. */
    static final class Args {
        private Args() {}

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
}
