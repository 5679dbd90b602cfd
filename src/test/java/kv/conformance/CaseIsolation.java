package kv.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives every corpus case the same server state, through an admin connection of its own.
 *
 * <p>Before a case: FLUSHALL (every database), SLOWLOG RESET, CLIENT UNPAUSE. Client state
 * (selected db, protocol, name, reply mode, authentication) needs no reset: each case runs on a
 * fresh connection. Statistics are not reset: no case can observe them (INFO values are kept out
 * of the corpus).
 *
 * <p>After a case: the configuration is compared with the one found before the first case
 * (CONFIG GET *). A case must restore what it changes (corpus README); one that did not, or
 * failed before it could, is reported and the values are set back, so the next case does not
 * inherit a requirepass or a maxmemory.
 */
final class CaseIsolation implements AutoCloseable {
    /** A parameter a case left changed. */
    record Drift(String name, String value, String was) {
        @Override
        public String toString() {
            return name + " is '" + value + "', was '" + was + "'";
        }
    }

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private RespConnection admin;
    private Map<String, String> baseline;

    CaseIsolation(String host, int port, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    void beforeCase() throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                if (admin == null) {
                    admin = new RespConnection(host, port, timeoutMillis);
                }
                if (baseline == null) {
                    baseline = config();
                }
                expectOk("FLUSHALL");
                expectOk("SLOWLOG", "RESET");
                expectOk("CLIENT", "UNPAUSE");
                return;
            } catch (IOException e) {
                close();
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    /** The parameters the case left changed (already set back), empty if none. */
    List<Drift> afterCase() throws IOException {
        if (admin == null || baseline == null) {
            return List.of();
        }
        List<Drift> drift = new ArrayList<>();
        Map<String, String> now = config();
        for (Map.Entry<String, String> e : baseline.entrySet()) {
            String value = now.get(e.getKey());
            if (value != null && !value.equals(e.getValue())) {
                drift.add(new Drift(e.getKey(), value, e.getValue()));
            }
        }
        for (Drift d : drift) {
            expectOk("CONFIG", "SET", d.name(), d.was());
        }
        return drift;
    }

    private void expectOk(String... command) throws IOException {
        RespReader.Value v = admin.command(command);
        if (!Arrays.equals(v.raw, "+OK\r\n".getBytes(StandardCharsets.US_ASCII))) {
            throw new IllegalStateException(String.join(" ", command) + " on the admin connection answered "
                    + Escapes.escape(v.raw) + " (did a case leave requirepass set?)");
        }
    }

    /** CONFIG GET * as name → value; empty if the server has no CONFIG GET. */
    private Map<String, String> config() throws IOException {
        RespReader.Value v = admin.command("CONFIG", "GET", "*");
        Map<String, String> out = new LinkedHashMap<>();
        if (v.type != '*' && v.type != '%') {
            return out;
        }
        List<RespReader.Value> items = v.children;
        for (int i = 0; i + 1 < items.size(); i += 2) {
            out.put(payload(items.get(i)), payload(items.get(i + 1)));
        }
        return out;
    }

    private static String payload(RespReader.Value bulk) {
        return new String(bulk.raw, bulk.headerLength, bulk.raw.length - bulk.headerLength - 2, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
