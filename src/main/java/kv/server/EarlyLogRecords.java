package kv.server;

import java.util.logging.Handler;

import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

import io.quarkus.bootstrap.logging.InitialConfigurator;
import io.quarkus.bootstrap.logging.QuarkusDelayedHandler;

/**
 * Records logged before Quarkus has configured logging wait in Quarkus' delayed handler, which writes
 * them once logging is set up. A process that ends before then (a SIGTERM while Quarkus boots) would
 * lose them, the shutdown's own lines included: the launcher's shutdown hook hands them to a console
 * handler in the configured console format instead.
 */
final class EarlyLogRecords {
    static final String FORMAT_PROPERTY = "quarkus.log.console.format";

    private EarlyLogRecords() {
    }

    /** Writes the waiting records to standard output, unless Quarkus has already given them their handlers. */
    static void writeIfLoggingNeverStarted() {
        QuarkusDelayedHandler delayed = InitialConfigurator.DELAYED_HANDLER;
        // the handler's activation holds its lock: Quarkus sets up logging either before or after this
        synchronized (delayed) {
            if (delayed.isActivated() || delayed.getHandlers().length > 0) {
                return;
            }
            ConsoleHandler console = new ConsoleHandler(new PatternFormatter(
                    EarlyProperties.quarkusProperty(FORMAT_PROPERTY, "%d{HH:mm:ss.SSS} %-5p [%c{1.}] %s%e%n")));
            console.setFilter(LogSettings.BEFORE_QUARKUS_LEVELS);
            delayed.setHandlers(new Handler[] {console});
            console.flush();
        }
    }
}
