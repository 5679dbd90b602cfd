package kv.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import kv.engine.EngineHarness;
import kv.engine.FunctionLibraryStore;

/**
 * Until a script or function library is used, the server neither loads the scripting engine nor
 * LuaJ: not when the function-library store is attached at start-up, not for INFO, not for an RDB
 * save's look at the libraries. LuaJ's jar is near the end of the class path and its classes
 * (Java 1.3 class files) cannot be in a JDK 25 AOT cache, so each start that needed them searched
 * some hundred jars first; and a cache trained with an INFO held the engine linked, which loads
 * LuaJ while the JVM starts. The scenarios run in a class loader of their own, since the test JVM
 * has long loaded both.
 */
class ScriptingStaysUnloadedTest {
    private static final String ENGINE = "kv.script.ScriptEngine";
    private static final String LUAJ = "org.luaj.vm2.LuaValue";

    /** Loads kv's and LuaJ's classes itself, everything else through the test's class loader. */
    static final class OwnKvClasses extends URLClassLoader {
        OwnKvClasses() throws MalformedURLException {
            super(classPath(), ScriptingStaysUnloadedTest.class.getClassLoader());
        }

        private static URL[] classPath() throws MalformedURLException {
            List<URL> urls = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                urls.add(new File(entry).toURI().toURL());
            }
            return urls.toArray(new URL[0]);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("kv.") && !name.startsWith("org.luaj.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        boolean loaded(String name) {
            return findLoadedClass(name) != null;
        }

        @SuppressWarnings("unchecked")
        <T> T run(Class<? extends Supplier<T>> scenario) throws Exception {
            Class<?> mine = Class.forName(scenario.getName(), true, this);
            return ((Supplier<T>) mine.getDeclaredConstructor().newInstance()).get();
        }
    }

    /** The server as the engine starts it, then INFO with every section. */
    public static final class StartAndInfo implements Supplier<String> {
        @Override
        public String get() {
            EngineHarness e = new EngineHarness();
            e.server.attach(FunctionLibraryStore.class, new ScriptLibraryStore(e.server));
            return e.call("INFO", "everything");
        }
    }

    /** What an RDB save asks the store when no library was ever loaded. */
    public static final class LibrariesForASave implements Supplier<Integer> {
        @Override
        public Integer get() {
            EngineHarness e = new EngineHarness();
            e.server.attach(FunctionLibraryStore.class, new ScriptLibraryStore(e.server));
            return e.server.functionLibraries().libraryCodes().size();
        }
    }

    @Test
    void startUpAndInfoLoadNeitherTheEngineNorLuaj() throws Exception {
        try (OwnKvClasses loader = new OwnKvClasses()) {
            String info = loader.run(StartAndInfo.class);
            assertTrue(info.contains("number_of_cached_scripts:0\r\n") && info.contains("used_memory_scripts:0\r\n"), info);
            assertTrue(loader.loaded("kv.engine.Server"), "the scenario ran in the loader of its own");
            assertFalse(loader.loaded(ENGINE), "INFO or the store loaded the scripting engine");
            assertFalse(loader.loaded(LUAJ), "LuaJ was loaded");
        }
    }

    @Test
    void aSaveWithoutLibrariesLeavesLuajUnloaded() throws Exception {
        try (OwnKvClasses loader = new OwnKvClasses()) {
            assertEquals(0, loader.run(LibrariesForASave.class));
            assertFalse(loader.loaded(LUAJ), "LuaJ was loaded");
        }
    }
}
