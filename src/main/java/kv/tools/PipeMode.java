package kv.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * {@code --pipe}, redis-cli's mass insertion: stdin (RESP or inline commands, as the server
 * reads them) goes to the server unchanged while the replies are counted; the end is found by
 * an ECHO of a random token sent after the last byte of stdin. Errors are printed (their text,
 * on stderr) and counted; the summary and the exit status (1 when any reply was an error) are
 * redis-cli's.
 */
final class PipeMode {
    private static final char[] TOKEN_CHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

    private PipeMode() {
    }

    static int run(CliSession session, InputStream stdin, PrintStream out, PrintStream err) {
        byte[] token = token();
        OutputStream toServer = session.output();
        InputStream fromServer = session.input();
        IOException[] writeFailure = new IOException[1];
        Thread writer = new Thread(() -> {
            try {
                stdin.transferTo(toServer);
                toServer.write(echo(token));
                toServer.flush();
                synchronized (out) {
                    out.println("All data transferred. Waiting for the last reply...");
                    out.flush();
                }
            } catch (IOException e) {
                writeFailure[0] = e;
            }
        }, "kv-cli-pipe-writer");
        writer.setDaemon(true);
        writer.start();

        long replies = 0;
        long errors = 0;
        try {
            while (true) {
                RespValue r = RespValueReader.read(fromServer);
                if (r.type == '$' && r.str != null && Arrays.equals(r.str, token)) {
                    break;
                }
                replies++;
                if (r.type == '-') {
                    errors++;
                    err.println(r.text());
                }
            }
            writer.join();
        } catch (IOException e) {
            err.println("Error reading from the server: " + (writeFailure[0] != null ? writeFailure[0].getMessage() : e.getMessage()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        synchronized (out) {
            out.println("Last reply received from server.");
            out.println("errors: " + errors + ", replies: " + replies);
            out.flush();
        }
        return errors > 0 ? 1 : 0;
    }

    private static byte[] token() {
        SecureRandom random = new SecureRandom();
        byte[] t = new byte[20];
        for (int i = 0; i < t.length; i++) {
            t[i] = (byte) TOKEN_CHARS[random.nextInt(TOKEN_CHARS.length)];
        }
        return t;
    }

    private static byte[] echo(byte[] token) {
        byte[] head = ("*2\r\n$4\r\nECHO\r\n$" + token.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] cmd = Arrays.copyOf(head, head.length + token.length + 2);
        System.arraycopy(token, 0, cmd, head.length, token.length);
        cmd[cmd.length - 2] = '\r';
        cmd[cmd.length - 1] = '\n';
        return cmd;
    }
}
