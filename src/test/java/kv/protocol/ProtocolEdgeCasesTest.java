package kv.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.server.RespServer;

/** The request parser and reply path under hostile or unusual input, over real sockets. */
@QuarkusTest
class ProtocolEdgeCasesTest {
    @Inject
    RespServer server;

    private RespTestClient client() throws Exception {
        return new RespTestClient(server.port());
    }

    @Test
    void commandSplitOneByteAtATime() throws Exception {
        try (RespTestClient c = client()) {
            byte[] request = RespTestClient.encode("SET", "split:key", "hello world");
            for (byte b : request) {
                c.send(new byte[] {b});
            }
            assertEquals("+OK\r\n", c.readReply());
            for (byte b : RespTestClient.encode("GET", "split:key")) {
                c.send(new byte[] {b});
            }
            assertEquals("$11\r\nhello world\r\n", c.readReply());
        }
    }

    @Test
    void thousandCommandsInOneWrite() throws Exception {
        try (RespTestClient c = client()) {
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                batch.writeBytes(RespTestClient.encode("SET", "pipe:" + i, "v" + i));
                batch.writeBytes(RespTestClient.encode("GET", "pipe:" + i));
            }
            c.send(batch.toByteArray());
            for (int i = 0; i < 1000; i++) {
                assertEquals("+OK\r\n", c.readReply());
                String v = "v" + i;
                assertEquals("$" + v.length() + "\r\n" + v + "\r\n", c.readReply());
            }
        }
    }

    @Test
    void inlineCommandsWithQuoting() throws Exception {
        try (RespTestClient c = client()) {
            c.sendRaw("PING\r\n");
            assertEquals("+PONG\r\n", c.readReply());
            c.sendRaw("SET inline:k \"a b\\x41\\n\"\r\nGET inline:k\n");
            assertEquals("+OK\r\n", c.readReply());
            assertEquals("$5\r\na bA\n\r\n", c.readReply());
            c.sendRaw("\r\n\r\nECHO 'it''s'\r\n");
            assertEquals("-ERR Protocol error: unbalanced quotes in request\r\n", c.readReply());
            assertTrue(c.isClosedByServer());
        }
    }

    @Test
    void binarySafeValues() throws Exception {
        try (RespTestClient c = client()) {
            String value = "a\r\nb\u0000c\u00ff";
            c.send(RespTestClient.encode(StandardCharsets.ISO_8859_1, "SET", "bin:k", value));
            assertEquals("+OK\r\n", c.readReply());
            c.send(RespTestClient.encode(StandardCharsets.ISO_8859_1, "GET", "bin:k"));
            assertEquals("$" + value.length() + "\r\n" + value + "\r\n", c.readReply());
        }
    }

    @Test
    void sixtyFourMebibyteValue() throws Exception {
        int size = 64 * 1024 * 1024;
        byte[] value = new byte[size];
        for (int i = 0; i < size; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write("*3\r\n$3\r\nSET\r\n$7\r\nbig:key\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(("$" + size + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(value);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(RespTestClient.encode("GET", "big:key"));
            out.flush();
            InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 1 << 16);
            assertEquals("+OK\r\n", new String(in.readNBytes(5), StandardCharsets.US_ASCII));
            String header = "$" + size + "\r\n";
            assertEquals(header, new String(in.readNBytes(header.length()), StandardCharsets.US_ASCII));
            byte[] got = in.readNBytes(size);
            assertTrue(Arrays.equals(value, got), "64 MiB value must come back intact");
            assertEquals("\r\n", new String(in.readNBytes(2), StandardCharsets.US_ASCII));
        }
        try (RespTestClient c = client()) {
            c.call("SET", "big:key", "small");
        }
    }

    @Test
    void malformedInputGetsErrorAndCloseWhileOthersContinue() throws Exception {
        try (RespTestClient bystander = client()) {
            assertEquals("+OK\r\n", bystander.call("SET", "bystander", "1"));
            String[][] cases = {
                {"*1\r\nGET\r\n", "-ERR Protocol error: expected '$', got 'G'\r\n"},
                {"*2\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
                {"*2\r\n$x\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
                {"*1x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
                {"*3000000000\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
                {"*1\r\n$600000000\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
                {"SET k \"unterminated\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
            };
            for (String[] cse : cases) {
                try (RespTestClient bad = client()) {
                    bad.sendRaw(cse[0]);
                    assertEquals(cse[1], bad.readReply(), "reply to " + cse[0]);
                    assertTrue(bad.isClosedByServer(), "connection closed after " + cse[0]);
                }
                assertEquals("$1\r\n1\r\n", bystander.call("GET", "bystander"));
            }
            try (RespTestClient bad = client()) {
                bad.send(new byte[70 * 1024]);
                // 70 KiB of zero bytes with no newline: an inline request too big to buffer
                assertEquals("-ERR Protocol error: too big inline request\r\n", bad.readReply());
                assertTrue(bad.isClosedByServer());
            }
            assertEquals("+PONG\r\n", bystander.call("PING"));
        }
    }

    @Test
    void emptyAndNegativeMultibulkCountsAreIgnored() throws Exception {
        try (RespTestClient c = client()) {
            c.sendRaw("*0\r\n*-1\r\n\r\nPING\r\n");
            assertEquals("+PONG\r\n", c.readReply());
        }
    }

    @Test
    void thousandConcurrentConnections() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                s.setSoTimeout(20_000);
                sockets.add(s);
            }
            for (int i = 0; i < sockets.size(); i++) {
                sockets.get(i).getOutputStream().write(RespTestClient.encode("SET", "conn:" + i, Integer.toString(i)));
            }
            for (Socket s : sockets) {
                assertEquals("+OK\r\n", new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
            }
            for (int i = 0; i < sockets.size(); i++) {
                sockets.get(i).getOutputStream().write(RespTestClient.encode("GET", "conn:" + i));
            }
            for (int i = 0; i < sockets.size(); i++) {
                String v = Integer.toString(i);
                String expected = "$" + v.length() + "\r\n" + v + "\r\n";
                byte[] got = sockets.get(i).getInputStream().readNBytes(expected.length());
                assertEquals(expected, new String(got, StandardCharsets.US_ASCII));
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
