package kv.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * coroutine.create, resume and wrap whose coroutines stay under the script's hook. LuaJ runs each
 * coroutine on a Java thread of its own, where neither the count hook of Lua's main thread nor the
 * data thread's engine is seen. So each coroutine gets a hook that <em>preempts</em> it: it yields a
 * private marker to its resumer, which runs the data thread's hook listener (time limit, serving
 * SCRIPT KILL while busy, memory guard) and resumes it. If the listener stops the script, the
 * coroutine is resumed with the order to stop (its Java thread unwinds and ends) and the stop goes
 * on in the resumer. A coroutine resumed by another coroutine passes the marker up the chain.
 * Scripts cannot see the marker: it never leaves these functions.
 */
final class Coroutines {
    private static final LuaValue PREEMPTED = new LuaUserdata(new Object());
    private static final LuaValue CONTINUE = new LuaUserdata(new Object());
    private static final LuaValue STOP = new LuaUserdata(new Object());
    private static final LuaValue PREEMPT_HOOK = new VarArgFunction() {
        @Override
        public Varargs invoke(Varargs args) {
            if (LuaThread.yield(PREEMPTED).arg1() == STOP) {
                throw new ScriptKilled("coroutine stopped");
            }
            return NONE;
        }
    };

    private Coroutines() {
    }

    /** Replaces create, resume and wrap in {@code coroutine} (LuaJ's CoroutineLib table). */
    static void install(LuaTable coroutine) {
        coroutine.rawset("create", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return hooked(new LuaThread(args.checkfunction(1), LuaThread.getGlobals()));
            }
        });
        coroutine.rawset("resume", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return resume(args.checkthread(1), args.subargs(2));
            }
        });
        coroutine.rawset("wrap", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue f = args.checkfunction(1);
                LuaThread thread = hooked(new LuaThread(f, f.getfenv()));
                return new VarArgFunction() {
                    @Override
                    public Varargs invoke(Varargs args) {
                        Varargs result = resume(thread, args);
                        if (!result.arg1().toboolean()) {
                            throw new LuaError(result.arg(2).tojstring());
                        }
                        return result.subargs(2);
                    }
                };
            }
        });
    }

    private static LuaThread hooked(LuaThread thread) {
        ScriptHook.installOn(thread, PREEMPT_HOOK);
        return thread;
    }

    /** LuaThread.resume, serving the coroutine's preemptions until it yields, returns or fails. */
    static Varargs resume(LuaThread thread, Varargs args) {
        Varargs result = thread.resume(args);
        while (result.arg1().toboolean() && result.arg(2) == PREEMPTED) {
            RuntimeException failure = null;
            ScriptKilled stop = null;
            if (LuaThread.isMainThread(LuaThread.getRunning())) {
                try {
                    ScriptHook.fire();
                } catch (ScriptKilled e) {
                    stop = e;
                } catch (RuntimeException e) {
                    failure = e;
                }
            } else if (LuaThread.yield(PREEMPTED).arg1() == STOP) {
                stop = new ScriptKilled("coroutine stopped");
            }
            if (stop != null || failure != null) {
                // the coroutine's thread unwinds and ends before the stop goes on here
                thread.resume(STOP);
                if (stop != null) {
                    throw stop;
                }
                throw failure;
            }
            result = thread.resume(CONTINUE);
        }
        return result;
    }
}
