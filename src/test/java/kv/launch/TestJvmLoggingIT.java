package kv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.logging.LogManager;

import org.junit.jupiter.api.Test;

/**
 * The integration tests' JVM logs through JBoss LogManager, as the unit tests' and the server's do:
 * without it, JBoss' System.Logger finder (on the class path) prints "The LogManager accessed before
 * the java.util.logging.manager system property was set" into the build's output.
 */
class TestJvmLoggingIT {
    @Test
    void julIsJBossLogManager() {
        assertEquals("org.jboss.logmanager.LogManager", LogManager.getLogManager().getClass().getName());
    }
}
