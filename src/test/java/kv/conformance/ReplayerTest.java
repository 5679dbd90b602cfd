package kv.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The replayer against a tiny scripted RESP server, to prove it reports each kind of mismatch
 * (wrong bytes, wrong order, missing close, timeout, extra bytes, early close) at the right line.
 */
class ReplayerTest {
    private ServerSocket server;
    private Thread acceptor;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "scripted-resp-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s));
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** The scripted server's only configuration parameter. */
    private final AtomicReference<String> maxmemory = new AtomicReference<>("0");

    private void serve(Socket s) {
        try (s) {
            RespReader in = new RespReader(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (in.hasMore()) {
                RespReader.Value cmd = in.read();
                String name = new String(cmd.children.get(0).raw, StandardCharsets.ISO_8859_1).split("\r\n")[1];
                String reply = switch (name) {
                    case "FLUSHALL", "SLOWLOG", "CLIENT" -> "+OK\r\n";
                    case "CONFIG" -> config(cmd);
                    case "DRIFT" -> {
                        maxmemory.set("1");
                        yield "+OK\r\n";
                    }
                    case "PING" -> "+PONG\r\n";
                    case "KEYS" -> "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n";
                    case "GET" -> "$-1\r\n";
                    case "BYE" -> "-ERR bye\r\n";
                    case "STAY" -> "-ERR stay\r\n";
                    case "DOUBLE" -> "+A\r\n+B\r\n";
                    case "SILENT" -> "";
                    default -> "-ERR unknown\r\n";
                };
                out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (name.equals("BYE")) {
                    return;
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    /** CONFIG GET * and CONFIG SET maxmemory v, enough for {@link CaseIsolation}. */
    private String config(RespReader.Value cmd) {
        String sub = arg(cmd, 1);
        if (sub.equalsIgnoreCase("SET") && arg(cmd, 2).equals("maxmemory")) {
            maxmemory.set(arg(cmd, 3));
            return "+OK\r\n";
        }
        String v = maxmemory.get();
        return "*2\r\n$9\r\nmaxmemory\r\n$" + v.length() + "\r\n" + v + "\r\n";
    }

    private static String arg(RespReader.Value cmd, int i) {
        RespReader.Value a = cmd.children.get(i);
        return new String(a.raw, a.headerLength, a.raw.length - a.headerLength - 2, StandardCharsets.ISO_8859_1);
    }

    private static final String CORPUS = String.join("\n",
            "=== good",                                       // 1
            "> PING",                                         // 2
            "< +PONG\\r\\n",
            ">~ KEYS *",                                      // 4
            "< *3\\r\\n$1\\r\\na\\r\\n$1\\r\\nb\\r\\n$1\\r\\nc\\r\\n",
            "> BYE",                                          // 6
            "< -ERR bye\\r\\n",
            "<close",
            "=== bad",                                        // 9
            "> PING",                                         // 10 wrong bytes
            "< +PING\\r\\n",
            "> KEYS *",                                       // 12 exact compare, other order
            "< *3\\r\\n$1\\r\\na\\r\\n$1\\r\\nb\\r\\n$1\\r\\nc\\r\\n",
            "> STAY",                                         // 14 not closed
            "< -ERR stay\\r\\n",
            "<close",
            "=== timeout",                                    // 17
            "> SILENT",                                       // 18 no reply in time
            "< +OK\\r\\n",
            "> PING",                                         // 20 skipped
            "< +PONG\\r\\n",
            "=== extra",                                      // 22
            "> DOUBLE",                                       // 23 extra bytes
            "< +A\\r\\n",
            "=== closed early",                               // 25
            "> BYE",                                          // 26
            "< -ERR bye\\r\\n",
            "> PING",                                         // 28 connection closed
            "< +PONG\\r\\n",
            "=== newer",                                      // 30
            "# a 7.2 change",
            "> GET k",                                        // 32
            "<72 $1\\r\\nv\\r\\n",
            "") ;

    private List<Replayer.Mismatch> run(Replayer.Target target, Replayer r) throws IOException {
        Corpus.CorpusFile f = Corpus.parse(Path.of("scripted.corpus"), CORPUS);
        return r.run(List.of(f));
    }

    private static List<Integer> lines(List<Replayer.Mismatch> ms) {
        return ms.stream().map(Replayer.Mismatch::line).collect(Collectors.toList());
    }

    @Test
    void reportsEveryKindOfMismatchAtItsLine() throws IOException {
        Replayer r = new Replayer("127.0.0.1", server.getLocalPort(), Replayer.Target.KV).timeoutMillis(400);
        List<Replayer.Mismatch> ms = run(Replayer.Target.KV, r);
        assertEquals(List.of(10, 12, 14, 18, 23, 28, 32), lines(ms), ms.toString());
        assertTrue(ms.get(0).actual().equals("+PONG\\r\\n"), ms.get(0).actual());
        assertTrue(ms.get(2).actual().contains("left open"), ms.get(2).actual());
        assertTrue(ms.get(3).actual().contains("timeout"), ms.get(3).actual());
        assertTrue(ms.get(4).actual().contains("+B\\r\\n"), ms.get(4).actual());
        assertTrue(ms.get(5).actual().contains("closed"), ms.get(5).actual());
        assertEquals("$1\\r\\nv\\r\\n", ms.get(6).expected());
        assertEquals("scripted.corpus", ms.get(0).file());
        assertEquals("bad", ms.get(0).caseName());
        assertEquals("> PING", ms.get(0).command());
    }

    @Test
    void aCaseThatLeavesTheConfigurationChangedIsReportedAndSetBack() throws IOException {
        Corpus.CorpusFile f = Corpus.parse(Path.of("drift.corpus"), String.join("\n",
                "=== drifts",
                "> DRIFT",
                "< +OK\\r\\n",
                "=== next",
                "> PING",
                "< +PONG\\r\\n",
                ""));
        try (Replayer r = new Replayer("127.0.0.1", server.getLocalPort(), Replayer.Target.KV).timeoutMillis(400)) {
            List<Replayer.Mismatch> first = r.runCase(f.cases.get(0));
            assertEquals(1, first.size(), first.toString());
            assertEquals("drifts", first.get(0).caseName());
            assertEquals("left changed: [maxmemory is '1', was '0']", first.get(0).actual());
            assertEquals("0", maxmemory.get());
            assertEquals(List.of(), r.runCase(f.cases.get(1)));
        }
    }

    @Test
    void oracleTargetSkipsHandWrittenExpectations() throws IOException {
        Replayer r = new Replayer("127.0.0.1", server.getLocalPort(), Replayer.Target.ORACLE_70).timeoutMillis(400);
        List<Replayer.Mismatch> ms = run(Replayer.Target.ORACLE_70, r);
        assertEquals(List.of(10, 12, 14, 18, 23, 28), lines(ms), ms.toString());
        assertEquals(1, r.skipped());
    }
}
