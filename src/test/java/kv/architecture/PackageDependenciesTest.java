package kv.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The package structure docs/ARCHITECTURE.md describes, checked on the sources: dependencies
 * point one way (server → command → engine → store/protocol/config/observe → util), so there
 * are no cycles, the store knows nothing of replies, and observe is a leaf.
 */
class PackageDependenciesTest {
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?kv\\.(\\w+)\\.", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])kv\\.(\\w+)\\.[A-Z]");

    /** package → the kv packages its main sources use (imports and fully qualified names). */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> deps = new TreeMap<>();
        Path root = Path.of("src/main/java/kv");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f.getParent()).toString().replace('/', '.');
                String text = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
                Set<String> used = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
                for (Pattern p : List.of(IMPORT, QUALIFIED)) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        if (!m.group(1).equals(pkg)) {
                            used.add(m.group(1));
                        }
                    }
                }
            }
        }
        return deps;
    }

    @Test
    void layersPointOneWay() throws IOException {
        Map<String, Set<String>> deps = dependencies();
        Map<String, Set<String>> allowed = Map.ofEntries(
                Map.entry("util", Set.of()),
                Map.entry("observe", Set.of("util")),
                Map.entry("protocol", Set.of("util")),
                Map.entry("config", Set.of("util")),
                Map.entry("store", Set.of("util")),
                Map.entry("rdb", Set.of("util", "store")),
                Map.entry("engine", Set.of("util", "store", "protocol", "config", "observe", "rdb")),
                Map.entry("aof", Set.of("util", "store", "protocol", "config", "observe", "engine", "rdb")),
                Map.entry("script", Set.of("util", "store", "protocol", "config", "observe", "engine")),
                Map.entry("repl", Set.of("util", "store", "protocol", "config", "observe", "engine", "rdb")),
                Map.entry("command", Set.of("util", "store", "protocol", "config", "observe", "engine", "rdb", "aof", "script", "repl")),
                Map.entry("server", Set.of("util", "store", "protocol", "config", "observe", "engine", "command", "rdb", "aof", "script", "repl")),
                Map.entry("tools", Set.of("util")));
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : deps.entrySet()) {
            String top = e.getKey().split("\\.")[0];
            Set<String> ok = allowed.get(top);
            assertTrue(ok != null, "a package the layering does not know: kv." + e.getKey() + " (add it to this test and ARCHITECTURE.md)");
            for (String used : e.getValue()) {
                if (!used.equals(top) && !ok.contains(used)) {
                    violations.add("kv." + e.getKey() + " uses kv." + used);
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void noCycles() throws IOException {
        Map<String, Set<String>> deps = dependencies();
        for (String start : deps.keySet()) {
            List<String> path = new ArrayList<>();
            assertTrue(!reaches(deps, start, start, path, new TreeSet<>()), "cycle: kv." + start + " -> " + path);
        }
    }

    private static boolean reaches(Map<String, Set<String>> deps, String from, String target, List<String> path, Set<String> seen) {
        for (String next : deps.getOrDefault(from, Set.of())) {
            path.add(next);
            if (next.equals(target) || (seen.add(next) && reaches(deps, next, target, path, seen))) {
                return true;
            }
            path.remove(path.size() - 1);
        }
        return false;
    }
}
