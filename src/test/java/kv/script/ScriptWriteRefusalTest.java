package kv.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import kv.engine.EngineHarness;

/**
 * Writes a script runs are refused where Redis' scriptVerifyWriteCommandAllow refuses them:
 * NOREPLICAS without enough good replicas, READONLY on a read-only replica. Replies recorded from
 * redis-server 7.0.15 (EVAL itself is not a write command, so the refusal comes from inside).
 */
class ScriptWriteRefusalTest {
    private static final String SET_SCRIPT = "return redis.call('set','k','v')";
    private static final String SUFFIX = " script: d223ed8c7345b684e8ed044ed472601f536fa58b, on @user_script:1.\r\n";

    @Test
    void withoutEnoughGoodReplicasScriptWritesGetNoreplicas() {
        EngineHarness e = new EngineHarness();
        e.call("CONFIG", "SET", "min-replicas-to-write", "3");
        assertEquals("-NOREPLICAS Not enough good replicas to write." + SUFFIX, e.call("EVAL", SET_SCRIPT, "0"));
        assertEquals("-NOREPLICAS Not enough good replicas to write.\r\n",
                e.call("EVAL", "return redis.pcall('set','k','v')", "0"));
        assertEquals("$-1\r\n", e.call("EVAL", "return redis.call('get','k')", "0"));
        e.call("CONFIG", "SET", "min-replicas-to-write", "0");
        assertEquals("+OK\r\n", e.call("EVAL", SET_SCRIPT, "0"));
    }

    @Test
    void aReadOnlyReplicaRefusesScriptWrites() {
        EngineHarness e = new EngineHarness();
        e.server.readiness().replication(true, true);
        assertEquals("-READONLY You can't write against a read only replica." + SUFFIX, e.call("EVAL", SET_SCRIPT, "0"));
        assertEquals("-READONLY You can't write against a read only replica.\r\n",
                e.call("EVAL", "return redis.pcall('set','k','v')", "0"));
        e.call("CONFIG", "SET", "replica-read-only", "no");
        assertEquals("+OK\r\n", e.call("EVAL", SET_SCRIPT, "0"));
    }
}
