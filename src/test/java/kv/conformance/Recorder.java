package kv.conformance;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Re-records corpus files against a live reference redis-server: every command is sent as the
 * replayer would, and each {@code <} line is rewritten with the bytes received (added if missing).
 * Comments, layout and hand-written {@code <72} lines are kept; for a command that only has a
 * {@code <72} line, what the reference said is printed instead.
 *
 * <p>Usage: {@code Recorder host port file-or-dir...}
 */
public final class Recorder {
    private static final int FIRST_REPLY_MILLIS = 1000;
    private static final int QUIET_MILLIS = 25;
    private static final int QUIET_RAW_MILLIS = 200;

    private final String host;
    private final int port;
    private final CaseIsolation isolation;
    private int recorded;
    private int changed;
    private int problems;

    Recorder(String host, int port) {
        this.host = host;
        this.port = port;
        this.isolation = new CaseIsolation(host, port, 3000);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: Recorder host port file-or-dir...");
            System.exit(2);
        }
        Recorder r = new Recorder(args[0], Integer.parseInt(args[1]));
        List<Path> roots = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            roots.add(Path.of(args[i]));
        }
        for (Path p : Corpus.findFiles(roots)) {
            r.recordFile(p);
        }
        System.out.printf("recorded %d exchanges, %d reply lines changed or added, %d problems%n",
                r.recorded, r.changed, r.problems);
        System.exit(r.problems == 0 ? 0 : 1);
    }

    private record Result(byte[] reply, boolean closed) {
    }

    void recordFile(Path path) throws IOException {
        String text = Files.readString(path, StandardCharsets.UTF_8);
        Corpus.CorpusFile f = Corpus.parseForRecording(path, text);
        Map<Integer, String> replace = new HashMap<>();
        Map<Integer, List<String>> insertAfter = new HashMap<>();
        Set<Integer> delete = new HashSet<>();
        for (Corpus.Case c : f.cases) {
            List<Result> results = runCase(f, c);
            for (int i = 0; i < results.size(); i++) {
                Corpus.Exchange e = c.exchanges.get(i);
                Result res = results.get(i);
                recorded++;
                String where = f.name + ":" + e.line();
                if (e.expected72() != null && e.expectedLine() < 0) {
                    if (!Arrays.equals(res.reply, e.expected72())) {
                        System.out.println(where + ": <72 kept; 7.0 replied: " + render(res.reply)
                                + (res.closed ? " and closed" : ""));
                    }
                    continue;
                }
                String line = res.reply.length == 0 ? "<" : "< " + Escapes.escape(res.reply);
                int last = Math.max(e.lineIndex, Math.max(e.expectedLine(), e.expected72Line()));
                if (e.expectedLine() >= 0) {
                    if (!f.lines.get(e.expectedLine()).equals(line) && !equivalent(e, res.reply)) {
                        replace.put(e.expectedLine(), line);
                        changed++;
                        System.out.println(where + ": changed to " + line);
                    }
                } else {
                    insertAfter.computeIfAbsent(e.lineIndex, k -> new ArrayList<>()).add(line);
                    changed++;
                }
                if (res.closed && e.closeLine() < 0) {
                    insertAfter.computeIfAbsent(last, k -> new ArrayList<>()).add("<close");
                    System.out.println(where + ": server closed the connection; <close added");
                } else if (!res.closed && e.closeLine() >= 0) {
                    delete.add(e.closeLine());
                    System.out.println(where + ": server did NOT close the connection; <close removed");
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < f.lines.size(); i++) {
            if (!delete.contains(i)) {
                out.add(replace.getOrDefault(i, f.lines.get(i)));
            }
            out.addAll(insertAfter.getOrDefault(i, List.of()));
        }
        String newText = String.join("\n", out) + "\n";
        if (!newText.equals(text)) {
            Files.writeString(path, newText, StandardCharsets.UTF_8);
            System.out.println("wrote " + path);
        }
    }

    private List<Result> runCase(Corpus.CorpusFile f, Corpus.Case c) throws IOException {
        List<Result> results = new ArrayList<>();
        isolation.beforeCase();
        try {
            return replay(f, c, results);
        } finally {
            List<CaseIsolation.Drift> drift = isolation.afterCase();
            if (!drift.isEmpty()) {
                problems++;
                System.out.println(f.name + ": case '" + c.name + "' left the configuration changed (set back): " + drift);
            }
        }
    }

    private List<Result> replay(Corpus.CorpusFile f, Corpus.Case c, List<Result> results) throws IOException {
        try (RespConnection conn = new RespConnection(host, port, FIRST_REPLY_MILLIS)) {
            for (Corpus.Exchange e : c.exchanges) {
                conn.send(e.request);
                ByteArrayOutputStream reply = new ByteArrayOutputStream();
                boolean closed = false;
                try {
                    conn.setTimeout(FIRST_REPLY_MILLIS);
                    if (conn.reader.hasMore()) {
                        reply.write(conn.reader.read().raw);
                        int quiet = e.raw || e.close() ? QUIET_RAW_MILLIS : QUIET_MILLIS;
                        while (true) {
                            conn.setTimeout(quiet);
                            boolean more = conn.reader.hasMore();
                            if (!more) {
                                closed = true;
                                break;
                            }
                            conn.setTimeout(FIRST_REPLY_MILLIS);
                            reply.write(conn.reader.read().raw);
                        }
                    } else {
                        closed = true;
                    }
                } catch (SocketTimeoutException ex) {
                    // quiet: the reply (possibly none) is complete
                    if (conn.reader.partial().length > 0 && reply.size() == 0) {
                        problems++;
                        System.out.println(f.name + ":" + e.line() + ": incomplete reply "
                                + Escapes.escape(conn.reader.partial()));
                    }
                } catch (EOFException ex) {
                    closed = true;
                } catch (IOException ex) {
                    closed = true;
                }
                results.add(new Result(reply.toByteArray(), closed));
                if (closed) {
                    if (results.size() < c.exchanges.size()) {
                        problems++;
                        System.out.println(f.name + ":" + e.line() + ": connection closed before the end of case '"
                                + c.name + "'; later commands not recorded");
                    }
                    break;
                }
            }
        }
        return results;
    }

    /** True if the old recording still matches under the command's comparison (unordered, shape). */
    private static boolean equivalent(Corpus.Exchange e, byte[] reply) {
        if (e.compare == Corpus.Compare.EXACT || e.expected() == null) {
            return false;
        }
        try {
            return Replies.matches(e, RespReader.parseAll(e.expected()), RespReader.parseAll(reply));
        } catch (IllegalArgumentException ex) {
            return false;
        }
    }

    private static String render(byte[] reply) {
        return reply.length == 0 ? "(no reply)" : Escapes.escape(reply);
    }
}
