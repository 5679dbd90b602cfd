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
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One connection to the server: connect with redis-cli's handshake, send commands, read replies. */
final class CliSession {
    private final CliOptions o;
    private final PrintStream out;
    private final PrintStream err;
    private Socket socket;
    private InputStream sin;
    private OutputStream sout;
    private int db;

    CliSession(CliOptions o, PrintStream out, PrintStream err) {
        this.o = o;
        this.out = out;
        this.err = err;
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
            RespValue r = o.user == null ? call("AUTH", o.password) : call("AUTH", o.user, o.password);
            if (r.type == '-') {
                err.println("AUTH failed: " + r.text());
            }
        }
        db = 0;
        if (o.db != 0) {
            RespValue r = call("SELECT", Integer.toString(o.db));
            if (r.type == '-') {
                err.println("SELECT " + o.db + " failed: " + r.text());
            } else {
                db = o.db;
            }
        }
        if (o.resp3) {
            RespValue r = call("HELLO", "3");
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

    RespValue call(String... args) throws IOException {
        List<byte[]> a = new ArrayList<>(args.length);
        for (String s : args) {
            a.add(s.getBytes(StandardCharsets.UTF_8));
        }
        send(a);
        return read(false);
    }

    void send(List<byte[]> args) throws IOException {
        write(args);
        sout.flush();
    }

    /** Sends all commands in one go, then reads their replies in order. */
    List<RespValue> pipeline(List<List<byte[]>> commands) throws IOException {
        for (List<byte[]> args : commands) {
            write(args);
        }
        sout.flush();
        List<RespValue> replies = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            replies.add(read(false));
        }
        return replies;
    }

    private void write(List<byte[]> args) throws IOException {
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
    }

    /** The next reply; push messages are skipped unless {@code pushes} (subscribe mode). */
    RespValue read(boolean pushes) throws IOException {
        while (true) {
            RespValue r = RespValueReader.read(sin);
            if (r.type == '>' && !pushes) {
                continue;
            }
            return r;
        }
    }

    /** The connection's streams, for --pipe (after the handshake). */
    InputStream input() {
        return sin;
    }

    OutputStream output() {
        return sout;
    }

    boolean isConnected() {
        return socket != null;
    }

    /** Records a SELECT the server accepted, for the prompt. */
    void selected(int db) {
        this.db = db;
    }

    String prompt() {
        if (socket == null) {
            return "not connected> ";
        }
        return o.host + ":" + o.port + (db != 0 ? "[" + db + "]" : "") + "> ";
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
