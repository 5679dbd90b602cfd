package kv.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kv.ReferenceRedis;
import kv.config.ConfigSource;
import kv.config.ServerConfig;
import kv.engine.EngineHarness;
import kv.engine.FunctionLibraryStore;
import kv.engine.RdbPersistence;
import kv.script.ScriptEngine;
import kv.script.ScriptLibraryStore;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.LibraryInfo;

/**
 * Function libraries through RDB files between real processes: a dump.rdb redis-server 7.0 wrote
 * loads in KV with the same libraries (their functions callable), and the file KV's SAVE writes
 * loads in redis-server 7.0 with the same libraries.
 */
class FunctionRdbInteropTest {
    private static final String LIB_A = "#!lua name=liba\n"
            + "redis.register_function('fa', function(keys, args) return redis.call('get', keys[1]) end)\n"
            + "redis.register_function{function_name='fa2', callback=function() return 2 end, flags={'no-writes', 'allow-oom'}, description='second'}";
    private static final String LIB_B = "#!lua name=libb\n" + "-- a long comment so the code is compressed in the file\n".repeat(20)
            + "redis.register_function('fb', function() return 'b' end)";

    @TempDir
    Path redisDir;
    @TempDir
    Path kvDir;

    private static EngineHarness kv(Path dir) throws Exception {
        EngineHarness e = new EngineHarness(ServerConfig.load(ConfigSource.fromString("dir \"" + dir + "\"")));
        // as the Quarkus wiring attaches it
        e.server.attach(FunctionLibraryStore.class, new ScriptLibraryStore(e.server));
        return e;
    }

    private static Set<String> codes(List<byte[]> codes) {
        Set<String> out = new TreeSet<>();
        codes.forEach(c -> out.add(new String(c, StandardCharsets.ISO_8859_1)));
        return out;
    }

    private static Set<String> codes(Jedis j) {
        Set<String> out = new TreeSet<>();
        for (LibraryInfo lib : j.functionListWithCode()) {
            out.add(lib.getLibraryCode());
        }
        return out;
    }

    @Test
    void librariesTravelBothWays() throws Exception {
        Set<String> expected = new TreeSet<>(List.of(LIB_A, LIB_B));
        try (ReferenceRedis redis = ReferenceRedis.startOrSkip("--dir", redisDir.toString());
                Jedis j = new Jedis("127.0.0.1", redis.port())) {
            j.functionLoad(LIB_A);
            j.functionLoad(LIB_B);
            j.set("k", "v");
            j.save();
            assertEquals(expected, codes(j));
        }

        EngineHarness e = kv(kvDir);
        ServerConfig config = e.server.config();
        e.server.rdb().install(RdbPersistence.read(redisDir.resolve("dump.rdb"), config, System.currentTimeMillis()));
        assertEquals(expected, codes(ScriptEngine.of(e.server).libraryCodes()));
        assertEquals("$1\r\nv\r\n", e.call("FCALL", "fa", "1", "k"));
        assertEquals(":2\r\n", e.call("FCALL_RO", "fa2", "0"));
        assertEquals("$1\r\nb\r\n", e.call("FCALL", "fb", "0"));

        e.server.rdb().saveNow();
        try (ReferenceRedis redis = ReferenceRedis.startOrSkip("--dir", kvDir.toString());
                Jedis j = new Jedis("127.0.0.1", redis.port())) {
            assertEquals(expected, codes(j));
            assertEquals("v", j.fcall("fa", List.of("k"), List.of()));
            assertEquals("b", j.fcall("fb", List.of(), List.of()));
        }
    }
}
