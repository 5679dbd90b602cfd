package kv.conformance;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays corpus cases against a live server and collects every mismatch. Each case runs on a
 * fresh connection, on the clean server state {@link CaseIsolation} prepares. Replies are read structurally
 * (as many RESP values as the expectation holds), then compared as raw bytes, or as multisets for
 * {@code >~} commands.
 */
public final class Replayer implements AutoCloseable {
    /** Which expectation is checked. */
    public enum Target {
        /** Our server: the hand-written {@code <72} line wins over the 7.0 recording. */
        KV,
        /** The Redis 7.0 oracle: only {@code <} lines are checked; {@code <72}-only replies are read and skipped. */
        ORACLE_70
    }

    public record Mismatch(String file, int line, String caseName, String command, String expected, String actual) {
        @Override
        public String toString() {
            return file + ":" + line + " [" + caseName + "] " + command
                    + "\n      expected: " + expected
                    + "\n      actual:   " + actual;
        }
    }

    private final String host;
    private final int port;
    private final Target target;
    private int timeoutMillis = 3000;
    private int checked;
    private int skipped;
    private CaseIsolation isolation;

    public Replayer(String host, int port, Target target) {
        this.host = host;
        this.port = port;
        this.target = target;
    }

    public Replayer timeoutMillis(int millis) {
        this.timeoutMillis = millis;
        return this;
    }

    /** Exchanges whose reply was compared. */
    public int checked() {
        return checked;
    }

    /** Exchanges whose reply was read but not compared ({@code <72}-only against the 7.0 oracle). */
    public int skipped() {
        return skipped;
    }

    public List<Mismatch> run(List<Corpus.CorpusFile> files) throws IOException {
        List<Mismatch> out = new ArrayList<>();
        try {
            for (Corpus.CorpusFile f : files) {
                for (Corpus.Case c : f.cases) {
                    out.addAll(runCase(c));
                }
            }
        } finally {
            close();
        }
        return out;
    }

    /** Closes the admin connection ({@link #runCase} reopens it when needed). */
    @Override
    public void close() {
        if (isolation != null) {
            isolation.close();
            isolation = null;
        }
    }

    /**
     * Replays one case on a fresh connection, after {@link CaseIsolation#beforeCase}; a case that
     * leaves the configuration changed is reported too (and the configuration set back).
     */
    public List<Mismatch> runCase(Corpus.Case c) throws IOException {
        if (isolation == null) {
            isolation = new CaseIsolation(host, port, timeoutMillis);
        }
        isolation.beforeCase();
        List<Mismatch> out = replay(c);
        List<CaseIsolation.Drift> drift = isolation.afterCase();
        if (!drift.isEmpty()) {
            Corpus.Exchange last = c.exchanges.isEmpty() ? null : c.exchanges.get(c.exchanges.size() - 1);
            out.add(new Mismatch(c.file, last == null ? c.lineIndex + 1 : last.line(), c.name, "(after the case)",
                    "the configuration as the case found it", "left changed: " + drift));
        }
        return out;
    }

    private List<Mismatch> replay(Corpus.Case c) throws IOException {
        List<Mismatch> out = new ArrayList<>();
        try (RespConnection conn = new RespConnection(host, port, timeoutMillis)) {
            Corpus.Exchange last = null;
            for (Corpus.Exchange e : c.exchanges) {
                last = e;
                byte[] expected = target == Target.KV ? e.target() : e.expected();
                boolean compare = expected != null;
                if (!compare) {
                    expected = e.expected72();
                    skipped++;
                } else {
                    checked++;
                }
                List<RespReader.Value> want = RespReader.parseAll(expected);
                conn.send(e.request);
                List<RespReader.Value> got = new ArrayList<>();
                ByteArrayOutputStream gotRaw = new ByteArrayOutputStream();
                try {
                    for (int i = 0; i < want.size(); i++) {
                        RespReader.Value v = conn.reader.read();
                        got.add(v);
                        gotRaw.write(v.raw);
                    }
                } catch (SocketTimeoutException ex) {
                    gotRaw.write(conn.reader.partial());
                    out.add(mismatch(c, e, expected, Escapes.escape(gotRaw.toByteArray())
                            + "  <timeout after " + timeoutMillis + " ms; rest of case skipped>"));
                    return out;
                } catch (EOFException ex) {
                    gotRaw.write(conn.reader.partial());
                    out.add(mismatch(c, e, expected, Escapes.escape(gotRaw.toByteArray())
                            + "  <connection closed; rest of case skipped>"));
                    return out;
                } catch (IOException ex) {
                    gotRaw.write(conn.reader.partial());
                    out.add(mismatch(c, e, expected, Escapes.escape(gotRaw.toByteArray())
                            + "  <" + ex + "; rest of case skipped>"));
                    return out;
                }
                if (compare && !Replies.matches(e, want, got)) {
                    out.add(mismatch(c, e, expected, Escapes.escape(gotRaw.toByteArray())));
                }
                if (e.close()) {
                    String problem = expectClose(conn);
                    if (problem != null) {
                        out.add(new Mismatch(e.file, e.line(), c.name, e.source, "<close>", problem));
                    }
                    return out;
                }
            }
            if (last != null && conn.reader.hasBuffered()) {
                byte[] extra = new byte[0];
                try {
                    conn.setTimeout(200);
                    extra = conn.reader.read().raw;
                } catch (IOException ex) {
                    extra = conn.reader.partial();
                }
                out.add(new Mismatch(last.file, last.line(), c.name, last.source, "(nothing more)",
                        "unexpected extra bytes after the last reply: " + Escapes.escape(extra)));
            }
        }
        return out;
    }

    private String expectClose(RespConnection conn) {
        try {
            if (!conn.reader.hasMore()) {
                return null;
            }
            RespReader.Value v = conn.reader.read();
            return "connection left open; more bytes followed: " + Escapes.escape(v.raw);
        } catch (SocketTimeoutException ex) {
            return "connection left open (no EOF within " + timeoutMillis + " ms)";
        } catch (EOFException ex) {
            return "connection left open; partial bytes: " + Escapes.escape(conn.reader.partial());
        } catch (IOException ex) {
            // A reset is as good as a close for a client.
            return null;
        }
    }

    private static Mismatch mismatch(Corpus.Case c, Corpus.Exchange e, byte[] expected, String actual) {
        String exp = Escapes.escape(expected);
        if (expected.length == 0) {
            exp = "(no reply)";
        }
        if (e.compare != Corpus.Compare.EXACT) {
            exp += "  (compared " + e.compare.name().toLowerCase(java.util.Locale.ROOT) + ")";
        }
        return new Mismatch(e.file, e.line(), c.name, e.source, exp, actual);
    }
}
