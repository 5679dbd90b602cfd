package kv.config;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @TempDir
    Path tmp;

    static List<byte[]> b(String... s) {
        List<byte[]> out = new ArrayList<>();
        for (String x : s) {
            out.add(x.getBytes(ISO_8859_1));
        }
        return out;
    }

    static ServerConfig text(String conf) throws ConfigException {
        return ServerConfig.load(ConfigSource.fromString(conf));
    }

    static String loadError(String conf) {
        return assertThrows(ConfigException.class, () -> text(conf)).getMessage();
    }

    static String reason(String conf) {
        return assertThrows(ConfigException.class, () -> text(conf)).reason();
    }

    static String setError(ServerConfig c, String... pairs) {
        return assertThrows(ConfigException.class, () -> c.set(b(pairs))).getMessage();
    }

    static Map<String, String> getAll(ServerConfig c, String... patterns) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String[] kv : c.getMatching(b(patterns))) {
            assertFalse(m.containsKey(kv[0]), "each parameter once");
            m.put(kv[0], kv[1]);
        }
        return m;
    }

    /** CONFIG GET output of redis-server 7.0.15 started with no config (save/dir/port aside). */
    @Test
    void defaultsAsRedisReportsThem() {
        ServerConfig c = ServerConfig.defaults();
        Map<String, String> all = getAll(c, "*");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("port", "6379");
        expected.put("bind", "* -::*");
        expected.put("protected-mode", "yes");
        expected.put("requirepass", "");
        expected.put("databases", "16");
        expected.put("timeout", "0");
        expected.put("tcp-keepalive", "300");
        expected.put("maxclients", "10000");
        expected.put("loglevel", "notice");
        expected.put("logfile", "");
        expected.put("appendonly", "no");
        expected.put("appendfsync", "everysec");
        expected.put("appendfilename", "appendonly.aof");
        expected.put("appenddirname", "appendonlydir");
        expected.put("auto-aof-rewrite-percentage", "100");
        expected.put("auto-aof-rewrite-min-size", "67108864");
        expected.put("aof-load-truncated", "yes");
        expected.put("aof-use-rdb-preamble", "yes");
        expected.put("no-appendfsync-on-rewrite", "no");
        expected.put("aof-rewrite-incremental-fsync", "yes");
        expected.put("aof-timestamp-enabled", "no");
        expected.put("save", "3600 1 300 100 60 10000");
        expected.put("dbfilename", "dump.rdb");
        expected.put("maxmemory", "0");
        expected.put("maxmemory-policy", "noeviction");
        expected.put("maxmemory-samples", "5");
        expected.put("proto-max-bulk-len", "536870912");
        expected.put("client-query-buffer-limit", "1073741824");
        expected.put("slowlog-log-slower-than", "10000");
        expected.put("slowlog-max-len", "128");
        expected.put("latency-monitor-threshold", "0");
        expected.put("latency-tracking", "yes");
        expected.put("latency-tracking-info-percentiles", "50 99 99.9");
        expected.put("busy-reply-threshold", "5000");
        expected.put("lua-time-limit", "5000");
        expected.put("hz", "10");
        expected.put("lfu-log-factor", "10");
        expected.put("lfu-decay-time", "1");
        expected.put("lazyfree-lazy-user-flush", "no");
        expected.put("notify-keyspace-events", "");
        expected.put("tracking-table-max-keys", "1000000");
        expected.put("active-expire-effort", "1");
        expected.put("daemonize", "no");
        expected.put("supervised", "no");
        expected.put("pidfile", "");
        expected.put("unixsocket", "");
        expected.put("io-threads", "1");
        expected.put("enable-protected-configs", "no");
        expected.put("enable-debug-command", "no");
        expected.put("maxmemory-eviction-tenacity", "10");
        expected.put("maxmemory-clients", "0");
        expected.put("lazyfree-lazy-expire", "no");
        expected.put("lazyfree-lazy-eviction", "no");
        expected.put("hash-max-listpack-entries", "512");
        expected.put("hash-max-ziplist-entries", "512");
        expected.put("hash-max-listpack-value", "64");
        expected.put("hash-max-ziplist-value", "64");
        expected.put("set-max-intset-entries", "512");
        expected.put("set-max-listpack-entries", "128");
        expected.put("set-max-listpack-value", "64");
        expected.put("zset-max-listpack-entries", "128");
        expected.put("zset-max-ziplist-entries", "128");
        expected.put("zset-max-listpack-value", "64");
        expected.put("zset-max-ziplist-value", "64");
        expected.put("list-max-listpack-size", "-2");
        expected.put("list-max-ziplist-size", "-2");
        expected.put("list-compress-depth", "0");
        expected.put("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
        expected.put("hll-sparse-max-bytes", "3000");
        expected.put("lazyfree-lazy-server-del", "no");
        expected.put("rdbcompression", "yes");
        expected.put("rdbchecksum", "yes");
        expected.put("stop-writes-on-bgsave-error", "yes");
        expected.put("repl-backlog-size", "1048576");
        expected.put("repl-timeout", "60");
        expected.put("repl-diskless-sync", "yes");
        expected.put("repl-diskless-sync-delay", "5");
        expected.put("repl-diskless-sync-max-replicas", "0");
        expected.put("repl-backlog-ttl", "3600");
        expected.put("repl-ping-replica-period", "10");
        expected.put("repl-ping-slave-period", "10");
        expected.put("min-replicas-to-write", "0");
        expected.put("min-slaves-to-write", "0");
        expected.put("min-replicas-max-lag", "10");
        expected.put("min-slaves-max-lag", "10");
        expected.put("repl-disable-tcp-nodelay", "no");
        // the replica side's, as redis-server 7.0.15 reports them on a master
        expected.put("replicaof", "");
        expected.put("slaveof", "");
        expected.put("masterauth", "");
        expected.put("masteruser", "");
        expected.put("replica-read-only", "yes");
        expected.put("slave-read-only", "yes");
        expected.put("replica-serve-stale-data", "yes");
        expected.put("slave-serve-stale-data", "yes");
        expected.put("replica-priority", "100");
        expected.put("slave-priority", "100");
        expected.put("replica-announce-ip", "");
        expected.put("slave-announce-ip", "");
        expected.put("replica-announce-port", "0");
        expected.put("slave-announce-port", "0");
        expected.put("replica-announced", "yes");
        expected.put("repl-diskless-load", "disabled");
        expected.put("shutdown-timeout", "10");
        expected.put("replica-lazy-flush", "no");
        expected.put("slave-lazy-flush", "no");
        // directives of what KV lacks or has no use for, accepted so a stock redis.conf loads
        expected.put("acl-pubsub-default", "resetchannels");
        expected.put("aclfile", "");
        expected.put("acllog-max-len", "128");
        expected.put("active-defrag-cycle-max", "25");
        expected.put("active-defrag-cycle-min", "1");
        expected.put("active-defrag-ignore-bytes", "104857600");
        expected.put("active-defrag-max-scan-fields", "1000");
        expected.put("active-defrag-threshold-lower", "10");
        expected.put("active-defrag-threshold-upper", "100");
        expected.put("activedefrag", "no");
        expected.put("activerehashing", "yes");
        expected.put("always-show-logo", "no");
        expected.put("aof-disable-auto-gc", "no");
        expected.put("aof_rewrite_cpulist", "");
        expected.put("bgsave_cpulist", "");
        expected.put("bind-source-addr", "");
        expected.put("bio_cpulist", "");
        expected.put("cluster-allow-pubsubshard-when-down", "yes");
        expected.put("cluster-allow-reads-when-down", "no");
        expected.put("cluster-allow-replica-migration", "yes");
        expected.put("cluster-announce-bus-port", "0");
        expected.put("cluster-announce-hostname", "");
        expected.put("cluster-announce-ip", "");
        expected.put("cluster-announce-port", "0");
        expected.put("cluster-announce-tls-port", "0");
        expected.put("cluster-config-file", "nodes.conf");
        expected.put("cluster-enabled", "no");
        expected.put("cluster-link-sendbuf-limit", "0");
        expected.put("cluster-migration-barrier", "1");
        expected.put("cluster-node-timeout", "15000");
        expected.put("cluster-port", "0");
        expected.put("cluster-preferred-endpoint-type", "ip");
        expected.put("cluster-replica-no-failover", "no");
        expected.put("cluster-replica-validity-factor", "10");
        expected.put("cluster-require-full-coverage", "yes");
        expected.put("cluster-slave-no-failover", "no");
        expected.put("cluster-slave-validity-factor", "10");
        expected.put("crash-log-enabled", "yes");
        expected.put("crash-memcheck-enabled", "yes");
        expected.put("disable-thp", "yes");
        expected.put("dynamic-hz", "yes");
        expected.put("enable-module-command", "no");
        expected.put("ignore-warnings", "");
        expected.put("io-threads-do-reads", "no");
        expected.put("jemalloc-bg-thread", "yes");
        expected.put("lazyfree-lazy-user-del", "no");
        expected.put("oom-score-adj", "no");
        expected.put("oom-score-adj-values", "0 200 800");
        expected.put("proc-title-template", "{title} {listen-addr} {server-mode}");
        expected.put("propagation-error-behavior", "ignore");
        expected.put("rdb-del-sync-files", "no");
        expected.put("rdb-save-incremental-fsync", "yes");
        expected.put("replica-ignore-disk-write-errors", "no");
        expected.put("replica-ignore-maxmemory", "yes");
        expected.put("sanitize-dump-payload", "no");
        expected.put("server_cpulist", "");
        expected.put("set-proc-title", "yes");
        expected.put("shutdown-on-sigint", "default");
        expected.put("shutdown-on-sigterm", "default");
        expected.put("slave-ignore-maxmemory", "yes");
        expected.put("socket-mark-id", "0");
        expected.put("stream-node-max-bytes", "4096");
        expected.put("stream-node-max-entries", "100");
        expected.put("syslog-enabled", "no");
        expected.put("syslog-facility", "local0");
        expected.put("syslog-ident", "redis");
        expected.put("tcp-backlog", "511");
        expected.put("tls-auth-clients", "yes");
        expected.put("tls-ca-cert-dir", "");
        expected.put("tls-ca-cert-file", "");
        expected.put("tls-cert-file", "");
        expected.put("tls-ciphers", "");
        expected.put("tls-ciphersuites", "");
        expected.put("tls-client-cert-file", "");
        expected.put("tls-client-key-file", "");
        expected.put("tls-client-key-file-pass", "");
        expected.put("tls-cluster", "no");
        expected.put("tls-dh-params-file", "");
        expected.put("tls-key-file", "");
        expected.put("tls-key-file-pass", "");
        expected.put("tls-port", "0");
        expected.put("tls-prefer-server-ciphers", "no");
        expected.put("tls-protocols", "");
        expected.put("tls-replication", "no");
        expected.put("tls-session-cache-size", "20480");
        expected.put("tls-session-cache-timeout", "300");
        expected.put("tls-session-caching", "yes");
        expected.put("unixsocketperm", "0");
        // KV only: the health and metrics port (redis-server has no such directive)
        expected.put("management-port", "9000");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), all.get(e.getKey()), e.getKey());
        }
        assertEquals(Path.of("").toAbsolutePath().normalize().toString(), all.get("dir"));
        assertEquals(expected.size() + 1, all.size());

        assertEquals(6379, c.port());
        assertEquals(List.of("*", "-::*"), c.bind());
        assertTrue(c.protectedMode());
        assertNull(c.requirePass());
        assertTrue(c.renamedCommands().isEmpty());
        assertEquals(16, c.databases());
        assertEquals(0, c.timeoutSeconds());
        assertEquals(300, c.tcpKeepalive());
        assertEquals(10000, c.maxClients());
        assertEquals("notice", c.logLevel());
        assertEquals("", c.logFile());
        assertFalse(c.appendOnly());
        assertEquals("everysec", c.appendFsync());
        assertEquals(0, c.maxMemory());
        assertEquals("noeviction", c.maxMemoryPolicy());
        assertEquals(512L << 20, c.protoMaxBulkLen());
        assertEquals(1L << 30, c.clientQueryBufferLimit());
        assertEquals(10000, c.slowlogLogSlowerThan());
        assertEquals(128, c.slowlogMaxLen());
        assertEquals(0, c.latencyMonitorThreshold());
        assertEquals(10, c.hz());
        assertEquals(3, c.saveParams().size());
        assertArrayEquals(new long[] {3600, 1}, c.saveParams().get(0));
        assertNull(c.configFile());
    }

    @Test
    void loadsAFullFile() throws Exception {
        ServerConfig c = text(String.join("\n",
                "port 7000",
                "bind 127.0.0.1 ::1",
                "protected-mode no",
                "requirepass \"s3cr\\x00t\"",
                "rename-command FLUSHALL \"\"",
                "rename-command CONFIG cfg",
                "databases 4",
                "dir " + tmp,
                "timeout 30",
                "tcp-keepalive 60",
                "maxclients 50",
                "loglevel WARNING",
                "appendonly yes",
                "appendfsync always",
                "save 900 1",
                "save 300 10",
                "maxmemory 100MB",
                "maxmemory-policy allkeys-lru",
                "proto-max-bulk-len 1gb",
                "client-query-buffer-limit 2gb",
                "slowlog-log-slower-than -1",
                "slowlog-max-len 1000",
                "latency-monitor-threshold 100",
                "hz 1000",
                "notify-keyspace-events Ex",
                ""));
        assertEquals(7000, c.port());
        assertEquals(List.of("127.0.0.1", "::1"), c.bind());
        assertFalse(c.protectedMode());
        assertArrayEquals(new byte[] {'s', '3', 'c', 'r', 0, 't'}, c.requirePass());
        assertEquals(Map.of("flushall", "", "config", "cfg"), c.renamedCommands());
        assertEquals(4, c.databases());
        assertEquals(tmp.toRealPath(), c.dir());
        assertEquals(30, c.timeoutSeconds());
        assertEquals(60, c.tcpKeepalive());
        assertEquals(50, c.maxClients());
        assertEquals("warning", c.logLevel());
        assertTrue(c.appendOnly());
        assertEquals("always", c.appendFsync());
        assertEquals("900 1 300 10", c.get("save"), "save lines accumulate");
        assertEquals(100L << 20, c.maxMemory());
        assertEquals("allkeys-lru", c.maxMemoryPolicy());
        assertEquals(1L << 30, c.protoMaxBulkLen());
        assertEquals(2L << 30, c.clientQueryBufferLimit());
        assertEquals(-1, c.slowlogLogSlowerThan());
        assertEquals(1000, c.slowlogMaxLen());
        assertEquals(100, c.latencyMonitorThreshold());
        assertEquals(500, c.hz(), "hz is clamped to 500");
        assertEquals("500", c.get("hz"));
        assertEquals("xE", c.get("notify-keyspace-events"));
        assertEquals(ServerConfig.NOTIFY_EXPIRED | ServerConfig.NOTIFY_KEYEVENT, c.notifyKeyspaceEvents());
    }

    @Test
    void saveSemanticsInFiles() throws Exception {
        // redis-server 7.0: the first save line replaces the default, later ones append,
        // save "" clears; a bare "save" is an empty list too
        assertEquals("300 3", text("save 100 1\nsave 200 2\nsave \"\"\nsave 300 3\n").get("save"));
        assertEquals("", text("save\n").get("save"));
        assertEquals("", text("save \"\"\n").get("save"));
        assertEquals("100 1 200 2", text("save \"100 1 200 2\"\n").get("save"));
        assertEquals("10 20", text("save 010 020\n").get("save"));
        assertEquals("100 0", text("save 100 \"\"\n").get("save"), "strtoll(\"\") is 0");
        for (String bad : new String[] {"save 0 0", "save 10", "save a b", "save 1 -1", "save \"  \""}) {
            assertEquals("Invalid save parameters", reason(bad), bad);
        }
    }

    /** Start-up error texts of redis-server 7.0.15. */
    @Test
    void loadErrors() {
        assertEquals("\n*** FATAL CONFIG FILE ERROR (KV 0.1.0) ***\n"
                + "Reading the configuration file, at line 2\n"
                + ">>> 'foo bar'\n"
                + "Bad directive or wrong number of arguments\n", loadError("port 7202\nfoo bar\n"));
        assertEquals("wrong number of arguments", reason("port"));
        assertEquals("wrong number of arguments", reason("maxmemory-policy"));
        assertEquals("wrong number of arguments", reason("requirepass"));
        assertEquals("wrong number of arguments", reason("requirepass a b"));
        assertEquals("wrong number of arguments", reason("maxmemory 1 2"));
        assertEquals("wrong number of arguments", reason("unixsocket"));
        assertEquals("Bad directive or wrong number of arguments", reason("rename-command GET"));
        assertEquals("Bad directive or wrong number of arguments", reason("rename-command a b c"));
        assertEquals("argument couldn't be parsed into an integer", reason("port abc"));
        assertEquals("argument must be a memory value", reason("maxmemory abc"));
        assertEquals("argument must be between 1 and 2147483647 inclusive", reason("databases 0"));
        assertEquals("argument must be 'yes' or 'no'", reason("daemonize maybe"));
        assertEquals("argument(s) must be one of the following: debug, verbose, notice, warning",
                reason("loglevel nothing"));
        assertEquals("argument(s) must be one of the following: no, yes, local",
                reason("enable-protected-configs maybe"));
        assertEquals("argument(s) must be one of the following: upstart, systemd, auto, no",
                reason("supervised x"));
        assertEquals("argument must be between 1 and 128 inclusive", reason("io-threads 0"));
        assertEquals("argument must be between 1 and 128 inclusive", reason("io-threads 200"));
        assertEquals("Too many bind addresses specified.", reason("bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"));
        assertEquals("No such file or directory", reason("dir /nonexistent-kv-dir"));
        assertEquals("Not a directory", reason("dir /etc/passwd"));
        assertEquals("dbfilename can't be a path, just a filename", reason("dbfilename a/b"));
        assertEquals("appendfilename can't be a path, just a filename", reason("appendfilename a/b"));
        assertEquals("appenddirname can't be a path, just a dirname", reason("appenddirname a/b"));
        // what we cannot do is refused, not ignored
        assertTrue(reason("daemonize yes").startsWith("daemonize yes is not supported by KV"));
        assertTrue(reason("supervised systemd").startsWith("supervised systemd is not supported by KV"));
        assertTrue(reason("unixsocket /tmp/kv.sock").startsWith("unixsocket is not supported by KV"));
    }

    /** The uncommented lines of Debian's redis-server 7.0.15 /etc/redis/redis.conf that KV did not know. */
    @Test
    void stockRedisConfLoads() throws Exception {
        ServerConfig c = text("""
                tcp-backlog 511
                always-show-logo no
                set-proc-title yes
                proc-title-template "{title} {listen-addr} {server-mode}"
                rdb-del-sync-files no
                acllog-max-len 128
                lazyfree-lazy-user-del no
                oom-score-adj no
                oom-score-adj-values 0 200 800
                disable-thp yes
                stream-node-max-bytes 4096
                stream-node-max-entries 100
                activerehashing yes
                dynamic-hz yes
                rdb-save-incremental-fsync yes
                jemalloc-bg-thread yes
                cluster-enabled no
                tls-port 0
                aclfile ""
                activedefrag no
                shutdown-on-sigterm default
                """);
        assertEquals(511, c.tcpBacklog());
        assertEquals(Map.of("oom-score-adj-values", "0 200 800"), getAll(c, "oom-score-adj-values"));
        assertFalse(c.signalForcesSave() || c.signalSkipsSave() || c.signalSkipsReplicaWait());
    }

    @Test
    void featuresKvLacksAreRefusedNotIgnored() throws Exception {
        assertEquals("cluster mode is not supported by KV yet: set cluster-enabled no", reason("cluster-enabled yes"));
        assertEquals("TLS is not supported by KV yet: set tls-port 0", reason("tls-port 6380"));
        assertEquals("TLS is not supported by KV yet: set tls-replication no", reason("tls-replication yes"));
        assertTrue(reason("aclfile /etc/redis/users.acl").startsWith("ACL files are not supported by KV"));
        assertTrue(reason("bind-source-addr 10.0.0.1").startsWith("bind-source-addr is not supported by KV"));
        assertTrue(reason("activedefrag yes").startsWith("Active defragmentation cannot be enabled"));
        assertTrue(setError(text(""), "tls-port", "6380").endsWith("TLS is not supported by KV yet: set tls-port 0"));
    }

    @Test
    void shutdownOnSigtermFlags() throws Exception {
        ServerConfig c = text("shutdown-on-sigterm nosave now\n");
        assertTrue(c.signalSkipsSave() && c.signalSkipsReplicaWait() && !c.signalForcesSave());
        assertEquals(Map.of("shutdown-on-sigterm", "nosave now"), getAll(c, "shutdown-on-sigterm"));
        c.set(b("shutdown-on-sigterm", "force save"));
        assertTrue(c.signalForcesSave() && !c.signalSkipsSave());
        assertEquals(Map.of("shutdown-on-sigterm", "save force"), getAll(c, "shutdown-on-sigterm"));
        assertEquals("shutdown options SAVE and NOSAVE can't be used simultaneously",
                reason("shutdown-on-sigterm save nosave"));
        c.set(b("shutdown-on-sigterm", "default"));
        assertFalse(c.signalForcesSave() || c.signalSkipsSave() || c.signalSkipsReplicaWait());
    }

    @Test
    void emptyBindMeansNoAddress() throws Exception {
        assertEquals(List.of(), text("bind\n").bind());
        assertEquals(List.of(), text("bind \"\"\n").bind());
        assertEquals(List.of("a", "b"), text("bind \"a b\"\n").bind());
    }

    @Test
    void relativeDirFollowsEarlierDir() throws Exception {
        Files.createDirectory(tmp.resolve("sub"));
        ServerConfig c = text("dir " + tmp + "\ndir sub\n");
        assertEquals(tmp.toRealPath().resolve("sub"), c.dir());
    }

    /** Memory values as redis-server 7.0.15 parses them (CONFIG SET maxmemory X; CONFIG GET). */
    @Test
    void memoryUnits() throws Exception {
        ServerConfig c = ServerConfig.defaults();
        String[][] cases = {
            {"1k", "1000"}, {"1K", "1000"}, {"1kb", "1024"}, {"1kB", "1024"}, {"1m", "1000000"},
            {"1mb", "1048576"}, {"1g", "1000000000"}, {"1GB", "1073741824"}, {"1b", "1"},
            {"10", "10"}, {"010", "10"}, {"5mb", "5242880"}, {"", "0"}, {"k", "0"},
            {"18446744073709551615", "18446744073709551615"},
            {"9223372036854775808", "9223372036854775808"},
        };
        for (String[] t : cases) {
            c.set(b("maxmemory", t[0]));
            assertEquals(t[1], c.get("maxmemory"), t[0]);
        }
        assertEquals(Long.MAX_VALUE, c.maxMemory(), "unsigned values above 2^63 read as unlimited");
        for (String bad : new String[] {"abc", "0x10", " 10", "10 ", "+10", "1.5", "-1", "1tb", "1kbb"}) {
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - "
                    + "argument must be a memory value", setError(c, "maxmemory", bad), bad);
        }
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - "
                + "argument must be between 1048576 and 9223372036854775807 inclusive",
                setError(c, "proto-max-bulk-len", "100"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - "
                + "argument must be between 1048576 and 9223372036854775807 inclusive",
                setError(c, "proto-max-bulk-len", "9223372036854775808"));
        c.set(b("proto-max-bulk-len", "1mb"));
        assertEquals(1048576, c.protoMaxBulkLen());
    }

    /** Integer parsing as redis-server 7.0.15 does it for non-memory numbers. */
    @Test
    void strictIntegers() throws Exception {
        ServerConfig c = ServerConfig.defaults();
        for (String bad : new String[] {"abc", "+5", " 5", "05", "-0", "1e3", "1k", "", "9223372036854775808"}) {
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'timeout') - "
                    + "argument couldn't be parsed into an integer", setError(c, "timeout", bad), bad);
        }
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'timeout') - "
                + "argument must be between 0 and 2147483647 inclusive", setError(c, "timeout", "99999999999"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'timeout') - "
                + "argument must be between 0 and 2147483647 inclusive", setError(c, "timeout", "-1"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'maxclients') - "
                + "argument must be between 1 and 4294967295 inclusive", setError(c, "maxclients", "0"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - "
                + "argument must be between -1 and 9223372036854775807 inclusive",
                setError(c, "slowlog-log-slower-than", "-5"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'active-expire-effort') - "
                + "argument must be between 1 and 10 inclusive", setError(c, "active-expire-effort", "11"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'hz') - "
                + "argument must be between 0 and 2147483647 inclusive", setError(c, "hz", "-1"));
        c.set(b("hz", "0"));
        assertEquals("1", c.get("hz"), "hz 0 is reported as 1");
        c.set(b("timeout", "0", "slowlog-log-slower-than", "-1"));
        assertEquals(-1, c.slowlogLogSlowerThan());
    }

    /** As redis-server 7.0.15: the file keeps repl-backlog-size 1; CONFIG SET raises it to the 16 KiB minimum. */
    @Test
    void replBacklogSizeMinimumAppliesToConfigSet() throws Exception {
        ServerConfig c = text("repl-backlog-size 1\n");
        assertEquals("1", c.get("repl-backlog-size"));
        c.set(b("repl-backlog-size", "100"));
        assertEquals("16384", c.get("repl-backlog-size"));
        assertEquals(16384, c.replBacklogSize());
        c.set(b("repl-backlog-size", "20000"));
        assertEquals("20000", c.get("repl-backlog-size"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'repl-backlog-size') - "
                + "argument must be between 1 and 9223372036854775807 inclusive", setError(c, "repl-backlog-size", "0"));
    }

    /** A derived value is the same object while the configuration stands, and follows every CONFIG SET. */
    @Test
    void derivedValueIsComputedAgainOnlyAfterASet() throws Exception {
        ServerConfig c = text("zset-max-listpack-entries 7\n");
        List<Long> computed = new ArrayList<>();
        Derived<long[]> d = c.derive(cfg -> {
            computed.add(cfg.zsetMaxListpackEntries());
            return new long[] {cfg.zsetMaxListpackEntries(), cfg.zsetMaxListpackValue()};
        });
        long[] first = d.get();
        assertSame(first, d.get());
        assertEquals(7, first[0]);
        c.set(b("zset-max-listpack-value", "9"));
        long[] second = d.get();
        assertNotSame(first, second);
        assertEquals(7, second[0]);
        assertEquals(9, second[1]);
        assertSame(second, d.get());
        setError(c, "zset-max-listpack-entries", "-1");
        assertSame(second, d.get(), "a refused SET changes nothing");
        assertEquals(List.of(7L, 7L), computed);
    }

    /** CONFIG SET error strings of redis-server 7.0.15. */
    @Test
    void setErrors() {
        ServerConfig c = ServerConfig.defaults();
        assertEquals("ERR Unknown option or number of arguments for CONFIG SET - 'foo'", setError(c, "foo", "bar"));
        assertEquals("ERR Unknown option or number of arguments for CONFIG SET - 'FOO'", setError(c, "FOO", "1"));
        assertEquals("ERR Unknown option or number of arguments for CONFIG SET - 'rename-command'",
                setError(c, "rename-command", "a b"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter",
                setError(c, "maxmemory", "1m", "maxmemory", "2m"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter",
                setError(c, "maxmemory", "0", "MAXMEMORY", "1"));
        for (String imm : new String[] {"daemonize", "databases", "unixsocket", "io-threads", "logfile",
                                        "pidfile", "supervised", "appendfilename", "appenddirname"}) {
            assertEquals("ERR CONFIG SET failed (possibly related to argument '" + imm
                    + "') - can't set immutable config", setError(c, imm, "x"));
        }
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config",
                setError(c, "dir", "/tmp"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - "
                + "can't set protected config", setError(c, "dbfilename", "x.rdb"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'appendfsync') - "
                + "argument(s) must be one of the following: everysec, always, no",
                setError(c, "appendfsync", "sometimes"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must "
                + "be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, "
                + "allkeys-lru, allkeys-lfu, allkeys-random, noeviction", setError(c, "maxmemory-policy", ""));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'protected-mode') - "
                + "argument must be 'yes' or 'no'", setError(c, "protected-mode", "1"));
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
                + "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.", setError(c, "notify-keyspace-events", "Z"));
        for (String bad : new String[] {"100 x", "100", "0 0", "0 1", "-1 1", "1 -1", "  ", " 10 20 "}) {
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters",
                    setError(c, "save", bad), bad);
        }
        assertEquals("ERR wrong number of arguments for 'config|set' command",
                assertThrows(ConfigException.class, () -> c.set(b())).getMessage());
        assertEquals("ERR syntax error", setError(c, "maxmemory", "1", "maxmemory"));
    }

    @Test
    void setErrorPrecedenceFollowsArgumentOrder() {
        ServerConfig c = ServerConfig.defaults();
        // the first problem in argument order wins; unknown/immutable/duplicate are found
        // before any value is parsed
        assertTrue(setError(c, "databases", "2", "foo", "1").endsWith("can't set immutable config"));
        assertTrue(setError(c, "maxmemory", "0", "foo", "1").contains("Unknown option"));
        assertTrue(setError(c, "maxmemory", "x", "foo", "1").contains("Unknown option"));
        assertTrue(setError(c, "maxmemory", "1", "maxmemory-samples", "0", "timeout", "x")
                .contains("'maxmemory-samples'"));
    }

    @Test
    void setIsAtomic() throws Exception {
        ServerConfig c = ServerConfig.defaults();
        c.set(b("maxmemory", "10"));
        List<String> seen = new ArrayList<>();
        c.addListener("maxmemory", seen::add);
        setError(c, "maxmemory", "1", "maxmemory-samples", "0");
        assertEquals("10", c.get("maxmemory"), "nothing changes when one value is bad");
        assertEquals(List.of(), seen);
        c.set(b("maxmemory", "1mb", "maxmemory-policy", "ALLKEYS-LFU", "appendonly", "YES"));
        assertEquals(1 << 20, c.maxMemory());
        assertEquals("allkeys-lfu", c.maxMemoryPolicy());
        assertTrue(c.appendOnly());
        assertEquals(List.of("1048576"), seen);
    }

    @Test
    void setValuesRoundTrip() throws Exception {
        ServerConfig c = ServerConfig.defaults();
        c.set(b("save", "100 1 200 2"));
        assertEquals("100 1 200 2", c.get("save"));
        assertEquals(2, c.saveParams().size());
        c.set(b("save", "1 0"));
        assertEquals("1 0", c.get("save"));
        c.set(b("save", ""));
        assertEquals("", c.get("save"));
        c.set(b("requirepass", "a b"));
        assertEquals("a b", c.get("requirepass"));
        c.set(b("requirepass", ""));
        assertNull(c.requirePass());
        c.set(b("loglevel", "NOTICE"));
        assertEquals("notice", c.get("loglevel"));
        c.set(b("maxclients", "100000"));
        assertEquals(100000, c.maxClients());
        // notify-keyspace-events canonical forms (redis-server 7.0.15)
        String[][] notify = {{"KEA", "AKE"}, {"nmEKdtxg", "gxtdnKEm"}, {"g$lshzxetmdK", "AKm"}, {"An", "A"},
                             {"AnKm", "AKm"}, {"nE", "nE"}, {"dA", "A"}, {"mn", "nm"}, {"x", "x"}, {"", ""}};
        for (String[] t : notify) {
            c.set(b("notify-keyspace-events", t[0]));
            assertEquals(t[1], c.get("notify-keyspace-events"), t[0]);
        }
    }

    @Test
    void protectedConfigs() throws Exception {
        ServerConfig yes = text("enable-protected-configs yes\n");
        yes.set(b("dir", tmp.toString(), "dbfilename", "x.rdb"));
        assertEquals(tmp.toRealPath(), yes.dir());
        assertEquals("x.rdb", yes.dbFilename());
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory",
                setError(yes, "dir", "/nonexistent-kv-dir"));
        ServerConfig local = text("enable-protected-configs local\n");
        assertThrows(ConfigException.class, () -> local.set(b("dbfilename", "y.rdb"), false));
        local.set(b("dbfilename", "y.rdb"), true);
        assertEquals("y.rdb", local.dbFilename());
    }

    @Test
    void configGetPatterns() throws Exception {
        ServerConfig c = ServerConfig.defaults();
        Set<String> maxmemory = Set.of("maxmemory", "maxmemory-policy", "maxmemory-samples",
                "maxmemory-eviction-tenacity", "maxmemory-clients");
        assertEquals(maxmemory, getAll(c, "maxmemory*").keySet());
        Set<String> withReplicaFlags = new java.util.HashSet<>(maxmemory);
        withReplicaFlags.addAll(List.of("replica-ignore-maxmemory", "slave-ignore-maxmemory"));
        assertEquals(withReplicaFlags, getAll(c, "*MAXMEM*").keySet(), "case-insensitive");
        assertEquals(Map.of("maxmemory", "0"), getAll(c, "maxmemory", "maxmemory"), "once per parameter");
        assertEquals(Map.of("port", "6379"), getAll(c, "port", "PORT"), "a plain name keeps the first spelling");
        assertEquals(Map.of("PORT", "6379"), getAll(c, "PORT"), "a plain name is echoed as typed");
        assertEquals(Set.of("port", "hz"), getAll(c, "port", "h?").keySet());
        assertEquals(Map.of(), getAll(c, "rename-command"));
        assertEquals(Map.of(), getAll(c, "nothing*"));
        assertEquals("6379", c.get("PORT"));
        assertNull(c.get("nope"));
    }

    @Test
    void listenersAndUnknownNames() throws Exception {
        ServerConfig c = ServerConfig.defaults();
        AtomicReference<String> got = new AtomicReference<>();
        c.addListener("maxclients", got::set);
        c.set(b("maxclients", "77"));
        assertEquals("77", got.get());
        assertThrows(IllegalArgumentException.class, () -> c.addListener("nope", v -> { }));
    }

    @Test
    void readersSeeConsistentSnapshots() throws Exception {
        ServerConfig c = ServerConfig.defaults();
        c.set(b("maxmemory", "1000", "maxmemory-policy", "allkeys-lru"));
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            // getMatching reads one snapshot; two separate getters could legitimately straddle a SET
            Future<Integer> reads = reader.submit(() -> {
                int n = 0;
                while (writing.get() || n < 1000) {
                    Map<String, String> seen = getAll(c, "maxmemory", "maxmemory-policy");
                    String pair = seen.get("maxmemory") + " " + seen.get("maxmemory-policy");
                    // the pairs are always set together below
                    assertTrue(pair.equals("1000 allkeys-lru") || pair.equals("2000 volatile-ttl"), "torn read: " + pair);
                    n++;
                }
                return n;
            });
            for (int i = 0; i < 2000; i++) {
                c.set(i % 2 == 0 ? b("maxmemory", "2000", "maxmemory-policy", "volatile-ttl")
                                 : b("maxmemory", "1000", "maxmemory-policy", "allkeys-lru"));
            }
            writing.set(false);
            // an AssertionError in the reader surfaces here as the ExecutionException's cause
            try {
                assertTrue(reads.get(30, TimeUnit.SECONDS) >= 1000);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Error err ? err : new AssertionError(e.getCause());
            }
        } finally {
            writing.set(false);
            reader.shutdownNow();
        }
    }

    @Test
    void latencyTrackingPercentilesFromAFile() throws Exception {
        ServerConfig c = ServerConfig.load(ConfigSource.fromString("latency-tracking-info-percentiles 50 99.99 100\n"));
        assertEquals(List.of(50.0, 99.99, 100.0), c.latencyTrackingInfoPercentiles());
        assertEquals("50 99.99 100", c.get("latency-tracking-info-percentiles"));
        ConfigException bad = assertThrows(ConfigException.class,
                () -> ServerConfig.load(ConfigSource.fromString("latency-tracking-info-percentiles 101\n")));
        assertTrue(bad.getMessage().contains("\n" + "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"),
                bad.getMessage());
        ConfigException word = assertThrows(ConfigException.class,
                () -> ServerConfig.load(ConfigSource.fromString("latency-tracking-info-percentiles \"abc\"\n")));
        assertTrue(word.getMessage().contains("\n" + "Invalid latency-tracking-info-percentiles parameters"), word.getMessage());
        assertEquals(List.of(), ServerConfig.load(ConfigSource.fromString("latency-tracking-info-percentiles \"\"\n"))
                .latencyTrackingInfoPercentiles());
    }

    // ---- CONFIG REWRITE --------------------------------------------------------------------

    @Test
    void rewriteWithoutFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.defaults().rewrite());
        assertEquals("ERR The server is running without a config file", e.getMessage());
    }

    /** Mirrors what redis-server 7.0.15 did to the same file after the same CONFIG SETs. */
    @Test
    void rewriteUpdatesInPlaceAndAppends() throws Exception {
        Path f = tmp.resolve("kv.conf");
        Files.writeString(f, String.join("\n",
                "# my config",
                "port 7204",
                "dir " + tmp,
                "",
                "# memory",
                "maxmemory 100mb",
                "maxmemory-policy allkeys-lru",
                "save 900 1",
                "save 300 10",
                "timeout 0",
                "hz 10",
                "rename-command FLUSHALL \"\"",
                "bind 127.0.0.1",
                ""));
        ServerConfig c = ServerConfig.load(ConfigSource.fromFile(f));
        assertEquals("900 1 300 10", c.get("save"));
        c.set(b("maxmemory", "0", "timeout", "5", "maxmemory-samples", "7", "save", "100 1",
                "notify-keyspace-events", "KEA"));
        c.rewrite();
        String dir = tmp.toRealPath().toString();
        assertEquals(String.join("\n",
                "# my config",
                "port 7204",
                "dir \"" + dir + "\"",
                "",
                "# memory",
                "maxmemory 0",
                "maxmemory-policy allkeys-lru",
                "save 100 1",
                "",
                "timeout 5",
                "hz 10",
                "rename-command FLUSHALL \"\"",
                "bind 127.0.0.1",
                "",
                "# Generated by CONFIG REWRITE",
                "maxmemory-samples 7",
                "notify-keyspace-events \"AKE\"",
                ""), Files.readString(f));

        // a second rewrite keeps the appended block and does not add another signature
        c.set(b("save", "", "maxmemory-policy", "noeviction", "timeout", "0"));
        c.rewrite();
        String second = Files.readString(f);
        assertTrue(second.contains("\nmaxmemory-policy noeviction\nsave \"\"\n\ntimeout 0\n"), second);
        assertEquals(second.indexOf("# Generated by CONFIG REWRITE"),
                second.lastIndexOf("# Generated by CONFIG REWRITE"));
        c.rewrite();
        assertEquals(second, Files.readString(f), "rewrite is stable");
        // and the result loads back to the same values
        ServerConfig back = ServerConfig.load(ConfigSource.fromFile(f));
        assertEquals(c.getMatching(b("*")).stream().map(a -> a[0] + "=" + a[1]).toList(),
                back.getMatching(b("*")).stream().map(a -> a[0] + "=" + a[1]).toList());
    }

    @Test
    void rewriteFormatsLikeRedis() throws Exception {
        Path f = tmp.resolve("r.conf");
        Path inc = tmp.resolve("inc.conf");
        Files.writeString(inc, "maxmemory 5mb\n");
        Files.writeString(f, "PORT 7204\nport 7204\ninclude " + inc + "\n");
        ServerConfig c = ServerConfig.load(ConfigSource.fromFile(f));
        c.set(b("save", "100 1 200 2", "maxmemory", "3gb", "proto-max-bulk-len", "1025kb",
                "client-query-buffer-limit", "1048577", "requirepass", "p\"w"));
        c.rewrite();
        String out = Files.readString(f);
        assertTrue(out.startsWith("port 7204\n\ninclude " + inc + "\n\n# Generated by CONFIG REWRITE\n"), out);
        assertTrue(out.contains("\nrequirepass \"p\\\"w\"\n"), out);
        assertTrue(out.contains("\nsave 100 1\nsave 200 2\n"), out);
        assertTrue(out.contains("\nmaxmemory 3gb\n"), out);
        assertTrue(out.contains("\nproto-max-bulk-len 1025kb\n"), out);
        assertTrue(out.contains("\nclient-query-buffer-limit 1048577\n"), out);
        assertTrue(out.contains("\ndir \"" + c.dir() + "\"\n"), "dir is always written");
        assertFalse(out.contains("loglevel"), "defaults without a line are not written");
        assertFalse(Files.list(tmp).anyMatch(p -> p.getFileName().toString().contains(".tmp-")));
    }

    @Test
    void rewriteWritesDefaultSaveAndDirLikeRedis() throws Exception {
        // redis-server 7.0.15 on "port 7206\ndaemonize yes\npidfile ..." appended save and dir
        Path f = tmp.resolve("d.conf");
        Files.writeString(f, "port 7206\n");
        ServerConfig.load(ConfigSource.fromFile(f)).rewrite();
        String out = Files.readString(f);
        assertTrue(out.startsWith("port 7206\n\n# Generated by CONFIG REWRITE\n"), out);
        assertTrue(out.contains("\nsave 3600 1\nsave 300 100\nsave 60 10000\n"), out);
        assertTrue(out.contains("\ndir \""), out);
    }

    @Test
    void rewriteCreatesAMissingFileAndKeepsBadLinesAsComments() throws Exception {
        Path f = tmp.resolve("gone.conf");
        Files.writeString(f, "port 7000\n");
        ServerConfig c = ServerConfig.load(ConfigSource.fromFile(f));
        Files.delete(f);
        c.rewrite();
        assertTrue(Files.readString(f).contains("port 7000\n"));

        Files.writeString(f, "x \"y\n  # indented comment\nport 7000\n");
        c.rewrite();
        String out = Files.readString(f);
        assertTrue(out.startsWith("# ??? x \"y\n# indented comment\nport 7000\n"), out);
    }
}
