package kv.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import kv.util.ArgSplitter;

/** Runs commands over a {@link CliSession} as redis-cli does: one-shot, prompt or stdin lines. */
final class CommandRunner {
    private final CliOptions o;
    private final CliSession session;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean tty;

    CommandRunner(CliOptions o, CliSession session, PrintStream out, PrintStream err, boolean tty) {
        this.o = o;
        this.session = session;
        this.out = out;
        this.err = err;
        this.tty = tty;
    }

    /** -r/-i: the command {@code repeat} times (negative: until a connection error), pausing between runs. */
    int repeated(List<byte[]> args, long repeat, double intervalSeconds) {
        if (!session.connect()) {
            return 1;
        }
        int status = 0;
        for (long i = 0; repeat < 0 || i < repeat; i++) {
            if (i > 0 && intervalSeconds > 0) {
                try {
                    Thread.sleep((long) (intervalSeconds * 1000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return status;
                }
            }
            status = execute(args, false);
            if (status != 0 && !session.isConnected()) {
                return status;
            }
        }
        return status;
    }

    /** --scan [--pattern P]: every key, one per line, from a SCAN loop (quoted at a terminal, as redis-cli). */
    int scan(String pattern) {
        if (!session.connect()) {
            return 1;
        }
        String cursor = "0";
        try {
            do {
                RespValue r = pattern == null ? session.call("SCAN", cursor) : session.call("SCAN", cursor, "MATCH", pattern);
                if (r.type == '-') {
                    out.flush();
                    err.println("ERROR: " + r.text());
                    return 1;
                }
                cursor = r.elements.get(0).text();
                for (RespValue key : r.elements.get(1).elements) {
                    print(key, false);
                }
            } while (!cursor.equals("0"));
            return 0;
        } catch (IOException e) {
            out.flush();
            err.println("Error: " + e.getMessage());
            return 1;
        }
    }

    int oneShot(List<String> command) {
        if (!session.connect()) {
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
            session.send(args);
            boolean streaming = name.equals("subscribe") || name.equals("psubscribe")
                    || name.equals("ssubscribe") || name.equals("monitor");
            RespValue r = session.read(false);
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
            print(r, printsRaw(name, args));
            if (!error) {
                afterReply(name, args);
            }
            if (!error && streaming) {
                while (true) {
                    print(session.read(true), false);
                }
            }
            return 0;
        } catch (ServerClosedException e) {
            out.flush();
            if (name.equals("shutdown") || name.equals("quit")) {
                session.close();
                return 0;
            }
            err.println("Error: Server closed the connection");
            session.close();
            return 1;
        } catch (IOException e) {
            out.flush();
            err.println("Error: " + e.getMessage());
            session.close();
            return 1;
        }
    }

    private void afterReply(String name, List<byte[]> args) {
        if (name.equals("select") && args.size() == 2) {
            try {
                session.selected(Integer.parseInt(new String(args.get(1), StandardCharsets.UTF_8)));
            } catch (NumberFormatException ignored) {
                // the server accepted it; keep the prompt as it was
            }
        }
    }

    /**
     * Commands whose text reply redis-cli prints raw even at a terminal (or with --no-raw), so
     * that INFO and CLIENT LIST come out as lines rather than one quoted string, and without the
     * newline added after other raw replies. The list holds what was checked against redis-cli 7.0.
     */
    static boolean printsRaw(String name, List<byte[]> args) {
        if (name.equals("info") || name.equals("lolwut")) {
            return true;
        }
        if (args.size() < 2) {
            return false;
        }
        String sub = new String(args.get(1), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        return switch (name) {
            case "client" -> sub.equals("list") || sub.equals("info");
            case "memory" -> sub.equals("doctor") || sub.equals("malloc-stats");
            case "latency" -> sub.equals("doctor");
            default -> false;
        };
    }

    void print(RespValue r, boolean rawCommand) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (rawCommand) {
            // as redis-cli: the text as it is, without the delimiter raw output adds after a reply
            ReplyRenderer.raw(r, b);
        } else if (o.csv) {
            ReplyRenderer.csv(r, b);
            b.write('\n');
        } else if (tty) {
            ReplyRenderer.tty(r, "", b);
        } else {
            ReplyRenderer.raw(r, b);
            b.write('\n');
        }
        b.writeTo(out);
        out.flush();
    }

    int repl(InputStream in, boolean stdinTty) {
        boolean connected = session.connect();
        if (!connected && !stdinTty) {
            return 1;
        }
        LineReader lines = new LineReader(in);
        int status = 0;
        while (true) {
            if (stdinTty) {
                out.print(session.prompt());
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
            List<byte[]> args = splitLine(line);
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
            if (args.size() > 1 && KvCli.isNumber(first)) {
                repeat = Long.parseLong(first);
                args = args.subList(1, args.size());
            }
            for (long n = 0; n < repeat; n++) {
                if (!session.isConnected() && !session.connect()) {
                    status = 1;
                    break;
                }
                status = execute(args, true);
            }
        }
    }

    /**
     * The arguments of one input line, split like redis-cli (sdssplitargs, the same rules as
     * inline commands); redis-cli sees the line as a C string, so a NUL byte ends it. Null when
     * the quoting is unbalanced.
     */
    static List<byte[]> splitLine(byte[] line) {
        int end = 0;
        while (end < line.length && line[end] != 0) {
            end++;
        }
        return ArgSplitter.split(line, 0, end);
    }
}
