package kv.tools;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * kv-cli: a small redis-cli work-alike for operators and probes. Plain Java, JDK only: it must
 * start fast (no Quarkus, no CDI) and run wherever the server's jar is.
 *
 * <p>What it mirrors from redis-cli 7.0 (checked against the real one by {@code KvCliTest}):
 * <ul>
 *   <li>options {@code -h -p -a --pass --user -n -u -3 -e --raw --no-raw --no-auth-warning --pipe};
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
 * editing or history at the prompt. {@code --pipe} (mass insertion), {@code -r -i -x},
 * {@code --csv}, {@code --scan --pattern}, {@code --stat}, {@code --latency},
 * {@code --latency-history}, {@code --latency-dist}, {@code --bigkeys},
 * {@code --memkeys [--memkeys-samples]} and {@code --hotkeys} are redis-cli's, with its output
 * (checked by {@code KvCliModesTest}); unlike redis-cli's, the modes do not reconnect when the
 * server goes away. The other modes ({@code --rdb --replica --cluster --lru-test
 * --intrinsic-latency ...}) do not exist.
 */
public final class KvCli {

    static final String AUTH_WARNING =
            "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.";

    private KvCli() {}

    public static void main(String[] args) {
        boolean stdinTty = tty("kv.cli.stdin.tty");
        boolean stdoutTty = tty("kv.cli.stdout.tty");
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false);
        CountDownLatch finished = new CountDownLatch(1);
        if (scansKeyspace(args)) {
            interruptOnShutdown(Thread.currentThread(), finished);
        }
        int status = run(args, System.in, out, System.err, stdinTty, stdoutTty, System.getenv());
        out.flush();
        finished.countDown();
        System.exit(status);
    }

    private static boolean scansKeyspace(String[] args) {
        try {
            CliOptions o = parse(args, null);
            return o.bigKeys || o.memKeys || o.hotKeys;
        } catch (UsageException e) {
            return false;
        }
    }

    /**
     * Ctrl-C during --bigkeys, --memkeys or --hotkeys: as redis-cli, stop the scan and print the
     * summary of what was sampled; the JVM halts once {@code finished} (or after 2 s).
     */
    private static void interruptOnShutdown(Thread main, CountDownLatch finished) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            main.interrupt();
            try {
                finished.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "kv-cli-interrupt"));
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

    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static CliOptions parse(String[] args, Map<String, String> env) throws UsageException {
        CliOptions o = new CliOptions();
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
                case "--pipe":
                    o.pipe = true;
                    break;
                case "-r":
                    o.repeat = longValue(value(args, ++i, a), a);
                    break;
                case "-i":
                    o.intervalSeconds = doubleValue(value(args, ++i, a), a);
                    break;
                case "-x":
                    o.lastArgFromStdin = true;
                    break;
                case "--scan":
                    o.scan = true;
                    break;
                case "--csv":
                    o.csv = true;
                    break;
                case "--pattern":
                    o.pattern = value(args, ++i, a);
                    break;
                case "--bigkeys":
                    o.bigKeys = true;
                    break;
                case "--memkeys":
                    o.memKeys = true;
                    o.memKeysSamples = 0;
                    break;
                case "--memkeys-samples":
                    o.memKeys = true;
                    o.memKeysSamples = intValue(value(args, ++i, a), a);
                    break;
                case "--hotkeys":
                    o.hotKeys = true;
                    break;
                case "--stat":
                    o.stat = true;
                    break;
                case "--latency":
                    o.latency = true;
                    break;
                case "--latency-history":
                    o.latency = true;
                    o.latencyHistory = true;
                    break;
                case "--latency-dist":
                    o.latencyDist = true;
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

    static boolean isNumber(String s) {
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

    private static long longValue(String s, String option) throws UsageException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new UsageException("Invalid number for " + option + ": '" + s + "'");
        }
    }

    private static double doubleValue(String s, String option) throws UsageException {
        try {
            double d = Double.parseDouble(s);
            if (d < 0 || Double.isNaN(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException("Invalid number for " + option + ": '" + s + "'");
        }
    }

    /** {@code redis://[[user]:password@]host[:port][/db]}, as redis-cli's -u. */
    private static void uri(CliOptions o, String s) throws UsageException {
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
                "  -r <repeat>        Execute the command N times (negative: for ever).",
                "  -i <interval>      With -r, wait <interval> seconds between commands (e.g. 0.1);",
                "                     also the interval of --stat and --latency*.",
                "  -x                 Read the last argument from STDIN.",
                "  --csv              Output in CSV format.",
                "  --scan             List all keys with SCAN.",
                "  --pattern <pat>    With --scan, only keys matching the pattern.",
                "  --pipe             Transfer raw Redis protocol from stdin to server (mass insertion).",
                "  --stat             Print rolling stats about the server: keys, memory, clients, ...",
                "                     every -i seconds (default 1).",
                "  --latency          Measure server latency with PING every 10 ms until stopped (Ctrl-C).",
                "                     Without a tty, or with --raw/--csv: one line after -i seconds (default 1).",
                "  --latency-history  Like --latency, starting a new sequence every -i seconds (default 15).",
                "  --latency-dist     Shows latency as a spectrum every -i seconds (default 1); needs a",
                "                     256-colour terminal.",
                "  --bigkeys          Sample the keys (SCAN) looking for the biggest ones per type.",
                "  --memkeys          Sample the keys looking for the ones using the most memory (MEMORY USAGE).",
                "  --memkeys-samples <n>  As --memkeys, with MEMORY USAGE's SAMPLES n.",
                "  --hotkeys          Sample the keys looking for hot ones (OBJECT FREQ; needs an LFU maxmemory-policy).",
                "                     With --bigkeys, --memkeys and --hotkeys, -i pauses after every 100 SCANs.",
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
        CliOptions o;
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
        CliSession session = new CliSession(o, out, err);
        CommandRunner runner = new CommandRunner(o, session, out, err, tty);
        try {
            if (o.latency) {
                LatencyMode.Output output = o.csv ? LatencyMode.Output.CSV
                        : tty ? LatencyMode.Output.STANDARD : LatencyMode.Output.RAW;
                return runMode(session, out, err,
                        () -> new LatencyMode(session, out, output, o.latencyHistory, o.intervalSeconds).run());
            }
            if (o.latencyDist) {
                return runMode(session, out, err, () -> new LatencyDistMode(session, out, o.intervalSeconds).run());
            }
            if (o.pipe) {
                return session.connect() ? PipeMode.run(session, in, out, err) : 1;
            }
            if (o.bigKeys) {
                return runMode(session, out, err,
                        () -> new BigKeysMode(session, out, err, o.intervalSeconds, false, 0).run());
            }
            if (o.memKeys) {
                return runMode(session, out, err,
                        () -> new BigKeysMode(session, out, err, o.intervalSeconds, true, o.memKeysSamples).run());
            }
            if (o.hotKeys) {
                return runMode(session, out, err, () -> new HotKeysMode(session, out, err, o.intervalSeconds).run());
            }
            if (o.stat) {
                return runMode(session, out, err, () -> new StatMode(session, out, o.intervalSeconds).run());
            }
            if (o.scan) {
                return runner.scan(o.pattern);
            }
            if (!o.command.isEmpty()) {
                List<byte[]> command = new ArrayList<>();
                for (String s : o.command) {
                    command.add(s.getBytes(StandardCharsets.UTF_8));
                }
                if (o.lastArgFromStdin) {
                    try {
                        command.add(in.readAllBytes());
                    } catch (IOException e) {
                        err.println("Error reading STDIN: " + e.getMessage());
                        return 1;
                    }
                }
                return runner.repeated(command, o.repeat, o.intervalSeconds);
            }
            return runner.repl(in, stdinTty);
        } finally {
            session.close();
            out.flush();
        }
    }

    /** A mode that runs on its own connection until done (or interrupted). */
    private interface Mode {
        void run() throws IOException, ModeFailure;
    }

    private static int runMode(CliSession session, PrintStream out, PrintStream err, Mode mode) {
        if (!session.connect()) {
            return 1;
        }
        try {
            mode.run();
            return 0;
        } catch (ModeFailure e) {
            out.flush();
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            out.flush();
            err.println("Error: " + e.getMessage());
            return 1;
        }
    }
}
