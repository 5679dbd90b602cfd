package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What write commands propagate (what the AOF and replicas will receive): Redis 7's rules, checked
 * with a recording propagator. Relative times become absolute, arithmetic becomes its result, a
 * read never propagates, and a lazily expired key is deleted before the command that met it.
 */
class PropagationTest {
    private EngineHarness e;

    @BeforeEach
    void setUp() {
        e = new EngineHarness();
        e.recordPropagation();
    }

    private List<String> run(String... args) {
        return e.propagatedBy(args);
    }

    private long now() {
        return System.currentTimeMillis();
    }

    /** The absolute time in a propagated line, checked to be near {@code expected}. */
    private static void assertNear(long expected, String line) {
        String[] parts = line.split(" ");
        long when = Long.parseLong(parts[parts.length - 1].equals("KEEPTTL") ? "0" : parts[parts.length - 1]);
        assertTrue(Math.abs(when - expected) < 5_000, line);
    }

    @Test
    void plainWritesPropagateThemselves() {
        assertEquals(List.of("0: SET k v"), run("SET", "k", "v"));
        assertEquals(List.of("0: APPEND k w"), run("APPEND", "k", "w"));
        assertEquals(List.of("0: DEL k nokey"), run("DEL", "k", "nokey"));
        assertEquals(List.of("0: MSET a 1 b 2"), run("MSET", "a", "1", "b", "2"));
        assertEquals(List.of("0: INCR a"), run("INCR", "a"));
    }

    @Test
    void readsAndWritesThatChangeNothingPropagateNothing() {
        e.call("SET", "k", "v");
        assertEquals(List.of(), run("GET", "k"));
        assertEquals(List.of(), run("EXISTS", "k"));
        assertEquals(List.of(), run("SET", "k", "x", "NX"));
        assertEquals(List.of(), run("DEL", "nokey"));
        assertEquals(List.of(), run("PERSIST", "k"));
        assertEquals(List.of(), run("EXPIRE", "nokey", "10"));
        assertEquals(List.of(), run("GETEX", "k"));
        assertEquals(List.of(), run("GETDEL", "nokey"));
        assertEquals(List.of(), run("SETRANGE", "nokey", "0", ""));
    }

    @Test
    void relativeExpiriesBecomeAbsolute() {
        List<String> set = run("SET", "k", "v", "EX", "100");
        assertEquals(1, set.size());
        assertTrue(set.get(0).startsWith("0: SET k v PXAT "), set.get(0));
        assertNear(now() + 100_000, set.get(0));

        List<String> setex = run("SETEX", "k", "50", "v2");
        assertTrue(setex.get(0).startsWith("0: SET k v2 PXAT "), setex.get(0));
        assertNear(now() + 50_000, setex.get(0));

        List<String> psetex = run("PSETEX", "k", "5000", "v3");
        assertTrue(psetex.get(0).startsWith("0: SET k v3 PXAT "), psetex.get(0));

        // an absolute PXAT is already what a replay needs
        long at = now() + 60_000;
        assertEquals(List.of("0: SET k v4 PXAT " + at), run("SET", "k", "v4", "PXAT", Long.toString(at)));

        List<String> expire = run("EXPIRE", "k", "300", "GT");
        assertTrue(expire.get(0).startsWith("0: PEXPIREAT k "), expire.get(0));
        assertTrue(expire.get(0).endsWith(" GT"), expire.get(0));

        List<String> getex = run("GETEX", "k", "PX", "20000");
        assertTrue(getex.get(0).startsWith("0: PEXPIREAT k "), getex.get(0));
        assertNear(now() + 20_000, getex.get(0));

        assertEquals(List.of("0: PERSIST k"), run("GETEX", "k", "PERSIST"));
    }

    @Test
    void deletionsByTimeAreDels() {
        e.call("SET", "k", "v");
        assertEquals(List.of("0: DEL k"), run("EXPIRE", "k", "-1"));
        e.call("SET", "k", "v");
        assertEquals(List.of("0: DEL k"), run("GETEX", "k", "EXAT", "1"));
        e.call("SET", "k", "v");
        assertEquals(List.of("0: DEL k"), run("GETDEL", "k"));
    }

    @Test
    void arithmeticOnFloatsPropagatesItsResult() {
        e.call("SET", "f", "10.5");
        assertEquals(List.of("0: SET f 13 KEEPTTL"), run("INCRBYFLOAT", "f", "2.5"));
    }

    @Test
    void lazilyExpiredKeyIsDeletedBeforeTheCommandThatMetIt() throws InterruptedException {
        e.call("SET", "k", "v", "PX", "1");
        Thread.sleep(5); // only needs the TTL to have passed; no upper bound is assumed
        assertEquals(List.of("0: DEL k", "0: SET k new"), run("SET", "k", "new"));
        e.call("SET", "r", "v", "PX", "1");
        Thread.sleep(5);
        // a read that meets an expired key propagates the deletion, not itself
        assertEquals(List.of("0: DEL r"), run("GET", "r"));
    }

    @Test
    void unlinkForExpiryWhenLazyFreeingIsConfigured() throws InterruptedException {
        e.call("CONFIG", "SET", "lazyfree-lazy-expire", "yes");
        e.call("SET", "k", "v", "PX", "1");
        Thread.sleep(5);
        assertEquals(List.of("0: UNLINK k"), run("EXISTS", "k"));
        e.call("SET", "k", "v");
        assertEquals(List.of("0: UNLINK k"), run("EXPIRE", "k", "0"));
    }

    @Test
    void databaseOfTheCallerAndFlushesAlwaysPropagate() {
        e.call("SELECT", "3");
        assertEquals(List.of("3: SET k v"), run("SET", "k", "v"));
        assertEquals(List.of("3: FLUSHDB"), run("FLUSHDB"));
        assertEquals(List.of("3: FLUSHDB"), run("FLUSHDB"));
        assertEquals(List.of("3: FLUSHALL"), run("FLUSHALL"));
        assertEquals(List.of("3: SWAPDB 0 1"), run("SWAPDB", "0", "1"));
    }
}
