package kv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The kv.* properties the main method reads before Quarkus' configuration exists. */
class EarlyPropertiesTest {

    @Test
    void systemPropertiesNameDirectivesAndTheActiveProfileWins() {
        String profile = System.getProperty("quarkus.profile");
        try {
            System.setProperty("quarkus.profile", "early-test");
            System.setProperty("kv.hz", "42");
            System.setProperty("kv.maxmemory-policy", "allkeys-lru");
            System.setProperty("%early-test.kv.maxmemory-policy", "volatile-lru");
            System.setProperty("%other.kv.databases", "3");
            Map<String, String> props = EarlyProperties.read();
            assertEquals("42", props.get("hz"));
            assertEquals("volatile-lru", props.get("maxmemory-policy"));
            assertFalse(props.containsKey("databases"), "another profile's property: " + props);
        } finally {
            for (String name : new String[] {"kv.hz", "kv.maxmemory-policy", "%early-test.kv.maxmemory-policy", "%other.kv.databases"}) {
                System.clearProperty(name);
            }
            if (profile == null) {
                System.clearProperty("quarkus.profile");
            } else {
                System.setProperty("quarkus.profile", profile);
            }
        }
    }

    @Test
    void aQuarkusPropertyComesFromTheSystemPropertyThenThePackagedFile() {
        String name = "quarkus.vertx.prefer-native-transport";
        assertEquals("true", EarlyProperties.quarkusProperty(name, "false"), "application.properties' value");
        assertEquals("dflt", EarlyProperties.quarkusProperty("quarkus.kv-test.unset", "dflt"));
        try {
            System.setProperty(name, "false");
            assertEquals("false", EarlyProperties.quarkusProperty(name, "true"));
        } finally {
            System.clearProperty(name);
        }
    }

    @Test
    void theApplicationsOwnPropertiesOfAnotherProfileAreNotRead() {
        // application.properties has %test.kv.port=0 and %test.kv.bind; the packaged server runs as prod
        String profile = System.getProperty("quarkus.profile");
        try {
            System.setProperty("quarkus.profile", "prod");
            Map<String, String> props = EarlyProperties.read();
            assertFalse(props.containsKey("port"), props.toString());
            assertFalse(props.containsKey("bind"), props.toString());
        } finally {
            if (profile == null) {
                System.clearProperty("quarkus.profile");
            } else {
                System.setProperty("quarkus.profile", profile);
            }
        }
    }
}
