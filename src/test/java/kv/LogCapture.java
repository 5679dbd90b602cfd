package kv;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what anything logs at WARN or above while installed (JBoss LogManager is JUL-based), so
 * a test can assert that nothing was logged: Netty's leak reports, warnings, escaped exceptions.
 */
public final class LogCapture extends Handler {
    private final List<String> records = Collections.synchronizedList(new ArrayList<>());

    public static LogCapture install() {
        LogCapture h = new LogCapture();
        h.setLevel(Level.WARNING);
        Logger.getLogger("").addHandler(h);
        return h;
    }

    public void remove() {
        Logger.getLogger("").removeHandler(this);
    }

    /**
     * Lets Netty report leaks: it does so once a leaked buffer has been collected and another one is
     * allocated, so this collects and has the server answer a PING (which allocates), three times.
     */
    public static void provokeLeakReports(RespTestClient server) throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            String pong = server.call("PING");
            if (!pong.equals("+PONG\r\n")) {
                throw new AssertionError("PING answered " + pong);
            }
        }
    }

    public List<String> problems() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    @Override
    public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
            Throwable t = r.getThrown();
            records.add(r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage() + (t == null ? "" : " " + t));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
