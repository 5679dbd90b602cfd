package kv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import kv.config.ConfigException;
import kv.config.ConfigSource;
import kv.config.ServerConfig;
import kv.server.ManagementPort;

/**
 * The management port's choice before Quarkus starts (two servers on one host): the default
 * falls back to a free port when taken, an explicitly requested busy port is a start-up error.
 * A busy "default" is simulated with a port from the OS (9000 itself is never used in tests).
 */
class ManagementPortTest {

    static ManagementPort.Choice choose(String quarkusProperty, int defaultPort, String... args) throws ConfigException {
        ConfigSource.Lines lines = ConfigSource.fromArgs(args);
        ServerConfig cfg = ServerConfig.load(lines);
        return ManagementPort.choose(lines, cfg.managementPort(), quarkusProperty, "127.0.0.1", defaultPort);
    }

    @Test
    void defaultIsUsedWhenFree() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        ManagementPort.Choice c = choose(null, free, "--port", "7001");
        assertEquals(free, c.port());
        assertNull(c.warning());
        assertEquals(9000, ServerConfig.defaults().managementPort(), "the documented default");
    }

    @Test
    void busyDefaultFallsBackToAFreePortWithAWarning() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ManagementPort.Choice c = choose(null, busy.getLocalPort(), "--port", "7001");
            assertEquals(0, c.port(), "0: Quarkus binds any free port");
            assertTrue(c.warning().contains("default management port " + busy.getLocalPort() + " is in use"), c.warning());
        }
    }

    @Test
    void explicitBusyPortIsAStartUpError() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = busy.getLocalPort();
            ConfigException e = assertThrows(ConfigException.class,
                    () -> choose(null, 9000, "--management-port", Integer.toString(port)));
            assertTrue(e.getMessage().contains("'management-port " + port + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
            ConfigException q = assertThrows(ConfigException.class, () -> choose(Integer.toString(port), 9000));
            assertTrue(q.getMessage().contains("-Dquarkus.management.port=" + port), q.getMessage());
        }
    }

    @Test
    void explicitZeroOrFreePortIsTaken() throws Exception {
        assertEquals(0, choose(null, 9000, "--management-port", "0").port());
        assertEquals(0, choose("0", 9000).port());
        assertThrows(ConfigException.class, () -> choose(null, 9000, "--management-port", "70000"));
    }
}
