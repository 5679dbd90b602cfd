package kv.conformance;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;

/** A plain TCP connection to a RESP server, with a structural reply reader. */
final class RespConnection implements AutoCloseable {
    final Socket socket;
    final OutputStream out;
    final RespReader reader;

    RespConnection(String host, int port, int timeoutMillis) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        out = new BufferedOutputStream(socket.getOutputStream());
        reader = new RespReader(socket.getInputStream());
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    RespReader.Value command(String... args) throws IOException {
        List<byte[]> list = new java.util.ArrayList<>();
        for (String a : args) {
            list.add(a.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        send(Escapes.multibulk(list));
        return reader.read();
    }

    void setTimeout(int millis) throws SocketException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
