package kv.script;

import kv.engine.Call;
import kv.engine.EffectBlock;

/** The script or function running now: who called it, what it may do, what it did. */
final class ScriptRun {
    final Call caller;
    /** EVAL: the script's SHA1; FCALL: the function's name (Redis' "script: ..." in errors). */
    final String name;
    /** "@user_script" or "@user_function". */
    final String source;
    final boolean isEval;
    /** EVAL_RO, FCALL_RO or a no-writes function: write commands are refused. */
    final boolean readOnly;
    /** The script or function declares allow-oom: denyoom commands run even when memory is full. */
    final boolean allowOom;
    final long startNanos = System.nanoTime();
    /** What the script propagates, held until it ends. */
    final EffectBlock effects = new EffectBlock();
    /** redis.setresp: the protocol of redis.call replies and of the script's own reply. */
    int resp = 2;
    /** redis.set_repl flags: REPL_NONE stops collecting effects. */
    int replication = RedisLib.REPL_ALL;
    /** A write command ran: SCRIPT KILL is refused from then on (UNKILLABLE). */
    boolean wrote;
    /** Past busy-reply-threshold: other clients get BUSY. */
    boolean timedOut;
    long lastPollNanos;
    /** Set by SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE: the hook ends the script with it. */
    String killedWith;

    ScriptRun(Call caller, String name, String source, boolean isEval, boolean readOnly, boolean allowOom) {
        this.caller = caller;
        this.name = name;
        this.source = source;
        this.isEval = isEval;
        this.readOnly = readOnly;
        this.allowOom = allowOom;
    }

    /** Redis' suffix of a script's error: " script: NAME, on @user_script:LINE." */
    String errorSuffix(int line) {
        return " script: " + name + ", on " + source + ":" + line + ".";
    }

    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
