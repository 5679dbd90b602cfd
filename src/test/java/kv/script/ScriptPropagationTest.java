package kv.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import kv.engine.EngineHarness;

/**
 * A script's effects are the write commands it executed (Redis 7's effects replication), in order,
 * wrapped in MULTI/EXEC when there is more than one; reads, failed writes and set_repl(REPL_NONE)
 * sections propagate nothing. Checked with a recording propagator.
 */
class ScriptPropagationTest {
    private EngineHarness e;

    @BeforeEach
    void setUp() {
        e = new EngineHarness();
        e.recordPropagation();
    }

    private List<String> run(String... args) {
        return e.propagatedBy(args);
    }

    @Test
    void oneWriteIsPropagatedAlone() {
        assertEquals(List.of("0: set k v"), run("EVAL", "return redis.call('set', KEYS[1], 'v')", "1", "k"));
    }

    @Test
    void severalWritesAreWrappedInMultiExec() {
        assertEquals(List.of("0: MULTI", "0: set a 1", "0: incr a", "0: rpush undeclared x", "0: EXEC"),
                run("EVAL", "redis.call('set', 'a', 1) redis.call('incr', 'a') redis.call('get', 'a') "
                        + "return redis.call('rpush', 'undeclared', 'x')", "0"));
    }

    @Test
    void readsAndNoOpWritesPropagateNothing() {
        assertEquals(List.of(), run("EVAL", "redis.call('get', 'k') return redis.call('del', 'missing')", "0"));
    }

    @Test
    void effectsBeforeAnErrorStillPropagate() {
        List<String> out = run("EVAL", "redis.call('set', 'a', 'x') redis.call('incr', 'a')", "0");
        assertEquals(List.of("0: set a x"), out);
    }

    @Test
    void rewritesOfTheCommandsThemselvesApply() {
        List<String> out = run("EVAL", "return redis.call('expire', 'k', 100)", "0");
        assertEquals(List.of(), out);
        e.call("SET", "k", "v");
        out = run("EVAL", "return redis.call('expire', 'k', 100)", "0");
        assertEquals(1, out.size());
        assertTrue(out.get(0).startsWith("0: PEXPIREAT k "), out.toString());
    }

    @Test
    void selectInsideAScriptPropagatesToThatDb() {
        assertEquals(List.of("0: MULTI", "0: set a 1", "1: set b 2", "1: EXEC"),
                run("EVAL", "redis.call('set', 'a', 1) redis.call('select', 1) redis.call('set', 'b', 2)", "0"));
        // the caller stays in its own db
        assertEquals(":0\r\n", e.call("EXISTS", "b"));
    }

    @Test
    void replNoneSkipsPropagation() {
        assertEquals(List.of("0: set b 2"),
                run("EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set', 'a', 1) redis.set_repl(redis.REPL_ALL) "
                        + "redis.call('set', 'b', 2)", "0"));
    }

    @Test
    void functionsPropagateTheirEffects() {
        e.call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function(keys) "
                + "redis.call('set', keys[1], 'a') return redis.call('append', keys[1], 'b') end)");
        assertEquals(List.of("0: MULTI", "0: set k a", "0: append k b", "0: EXEC"), run("FCALL", "f", "1", "k"));
    }

    @Test
    void aScriptInsideExecIsPartOfExecsOneBlock() {
        // as redis-server 7.0.15 writes it to its AOF: one MULTI/EXEC around the transaction, the
        // script's own effects unwrapped inside it
        e.call("MULTI");
        e.call("EVAL", "redis.call('set', 'a', 1) redis.call('set', 'b', 2)", "0");
        e.call("SET", "c", "3");
        assertEquals(List.of("0: MULTI", "0: set a 1", "0: set b 2", "0: SET c 3", "0: EXEC"), run("EXEC"));
        e.call("MULTI");
        e.call("EVAL", "redis.call('set', 'a', 1) redis.call('set', 'b', 2)", "0");
        assertEquals(List.of("0: MULTI", "0: set a 1", "0: set b 2", "0: EXEC"), run("EXEC"));
    }
}
