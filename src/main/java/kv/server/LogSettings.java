package kv.server;

import java.io.IOException;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.FileHandler;

/**
 * loglevel and logfile, applied to the application's log manager: Redis' levels map onto
 * JBoss/JUL levels, and a logfile sends the log there instead of standard output, as
 * redis-server does.
 */
final class LogSettings {
    private static final Logger ROOT = LogManager.getLogManager().getLogger("");
    private static FileHandler fileHandler;
    /**
     * For a handler set up before Quarkus has configured logging (the engine starts first), when every
     * logger still logs everything: KV's own loggers follow loglevel, the libraries' pass from INFO up,
     * as Quarkus' default level has them.
     */
    static final Filter BEFORE_QUARKUS_LEVELS = r -> r.getLevel().intValue() >= Level.INFO.intValue()
            || r.getLoggerName() != null && r.getLoggerName().startsWith("kv.");

    private LogSettings() {
    }

    static synchronized void apply(kv.config.ServerConfig config) {
        Level level = switch (config.logLevel()) {
            case "debug" -> Level.FINEST;
            case "verbose" -> Level.FINE;
            case "warning" -> Level.WARNING;
            default -> Level.INFO; // notice
        };
        Logger.getLogger("kv").setLevel(level);
        String file = config.logFile();
        if (file != null && !file.isEmpty() && fileHandler == null) {
            try {
                FileHandler handler = new FileHandler(file, true);
                handler.setFormatter(new PatternFormatter("%d{dd MMM yyyy HH:mm:ss.SSS} %-5p [%c{1.}] %s%e%n"));
                handler.setFilter(BEFORE_QUARKUS_LEVELS);
                for (Handler h : ROOT.getHandlers()) {
                    ROOT.removeHandler(h);
                }
                ROOT.addHandler(handler);
                fileHandler = handler;
            } catch (IOException e) {
                throw new IllegalStateException("Can't open the log file: " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
