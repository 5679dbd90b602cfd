package kv.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import kv.config.ConfigException;
import kv.config.ConfigLine;
import kv.util.Version;

/**
 * Chooses the port of the HTTP management interface (health probes, metrics) before Quarkus
 * starts, and hands it to Quarkus as {@code quarkus.management.port}.
 *
 * <ul>
 * <li>{@code management-port N} in the config file or flags (or {@code -Dquarkus.management.port=N}):
 * exactly that port, 0 = any free one; a port already in use stops start-up with a message
 * naming it, before the data port opens.</li>
 * <li>Not configured: 9000, and when 9000 is taken (a second server on the host) a free port,
 * with a warning: a second {@code kv-server --port 7001} starts instead of dying on the
 * management port.</li>
 * </ul>
 * The port actually bound is logged by Quarkus ("Management interface listening on"), by KV's
 * "ready" line, and shown by INFO ({@code kv_management_port}) and CONFIG GET management-port.
 */
public final class ManagementPort {
    static final String QUARKUS_PORT = "quarkus.management.port";
    static final int DEFAULT = 9000;

    private ManagementPort() {
    }

    /** What to tell Quarkus; {@code warning} is null unless the default port was taken. */
    public record Choice(int port, String warning) {
    }

    /**
     * @param lines the config file and flag lines (to see whether management-port was given)
     * @param configured the management-port value they produced
     * @param quarkusProperty the -Dquarkus.management.port system property, or null
     * @param host the management interface's bind address
     * @param defaultPort the port used when none is configured (9000)
     */
    public static Choice choose(List<ConfigLine> lines, int configured, String quarkusProperty, String host, int defaultPort)
            throws ConfigException {
        ConfigLine given = null;
        for (ConfigLine line : lines) {
            if (line.directive().equals("management-port")) {
                given = line;
            }
        }
        if (given != null || quarkusProperty != null) {
            int port = given != null ? configured : parse(quarkusProperty);
            if (port != 0 && !free(host, port)) {
                String what = given != null ? "'management-port " + port + "'" : "-D" + QUARKUS_PORT + "=" + port;
                throw new ConfigException("\n*** FATAL CONFIG FILE ERROR (KV " + Version.KV + ") ***\n>>> " + what
                        + "\nThe management port " + port + " (health and metrics) is already in use on " + host
                        + ": choose another one, or 0 for any free port");
            }
            return new Choice(port, null);
        }
        if (free(host, defaultPort)) {
            return new Choice(defaultPort, null);
        }
        return new Choice(0, "the default management port " + defaultPort + " is in use (another server on this host?): "
                + "health and metrics listen on a free port instead (see INFO kv_management_port); "
                + "set management-port to choose one");
    }

    private static int parse(String value) throws ConfigException {
        try {
            int port = Integer.parseInt(value.strip());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new ConfigException("-D" + QUARKUS_PORT + "=" + value + " is not a port number");
        }
    }

    /** Whether a listener could bind host:port now (the same reuse-address setting Vert.x uses). */
    static boolean free(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
