package kv.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Placeholder until the configuration registry lands: defaults only. */
public final class ServerConfig {
    public static ServerConfig load(List<ConfigLine> lines) throws ConfigException {
        ServerConfig c = new ServerConfig();
        for (ConfigLine l : lines) {
            if (l.name().equals("port")) {
                c.port = Integer.parseInt(l.args().get(0));
            }
        }
        return c;
    }

    public static ServerConfig defaults() {
        return new ServerConfig();
    }

    private int port = 6379;
    public int port() { return port; }
    public List<String> bind() { return List.of("*", "-::*"); }
    public boolean protectedMode() { return true; }
    public byte[] requirePass() { return null; }
    public Map<String, String> renamedCommands() { return Map.of(); }
    public int databases() { return 16; }
    public Path dir() { return Path.of("").toAbsolutePath(); }
    public long timeoutSeconds() { return 0; }
    public int tcpKeepalive() { return 300; }
    public int maxClients() { return 10000; }
    public String maxMemoryPolicy() { return "noeviction"; }
    public long maxMemory() { return 0; }
    public long protoMaxBulkLen() { return 512L * 1024 * 1024; }
    public long clientQueryBufferLimit() { return 1024L * 1024 * 1024; }
    public long slowlogLogSlowerThan() { return 10000; }
    public int slowlogMaxLen() { return 128; }
    public long latencyMonitorThreshold() { return 0; }
    public int hz() { return 10; }
    public String get(String name) { return null; }
}
