package kv.server;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * LuaJ builds its standard libraries' functions reflectively ({@code LibFunction.bind} calls
 * {@code Class.newInstance} on these classes), so the native image must keep their no-argument
 * constructors: the libraries the script sandbox loads (base, package, table, string, coroutine,
 * math) and the debug library whose hook times scripts. {@code NativeConfigTest} checks the list.
 */
@RegisterForReflection(classNames = {
        "org.luaj.vm2.lib.BaseLib$BaseLib2",
        "org.luaj.vm2.lib.BaseLib$BaseLibV",
        "org.luaj.vm2.lib.TableLib",
        "org.luaj.vm2.lib.TableLib$TableLibV",
        "org.luaj.vm2.lib.StringLib$StringLib1",
        "org.luaj.vm2.lib.StringLib$StringLibV",
        "org.luaj.vm2.lib.CoroutineLib",
        "org.luaj.vm2.lib.MathLib$MathLib1",
        "org.luaj.vm2.lib.MathLib$MathLib2",
        "org.luaj.vm2.lib.MathLib$MathLibV",
        "org.luaj.vm2.lib.jse.JseMathLib$JseMathLib1",
        "org.luaj.vm2.lib.jse.JseMathLib$JseMathLib2",
        "org.luaj.vm2.lib.DebugLib",
})
final class LuaReflection {
    private LuaReflection() {
    }
}
