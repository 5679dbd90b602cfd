package kv.ci;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Case mapping without a locale follows the JVM's default locale: under a Turkish locale
 * upper-casing "info" gives "\u0130NFO", so command names, error texts and config names would
 * change with the host. Every case mapping in the code names Locale.ROOT.
 */
class LocaleIndependenceTest {
    @Test
    void everyCaseMappingNamesALocale() throws Exception {
        Pattern bare = Pattern.compile("\\.to(Upper|Lower)Case\\(\\)");
        List<String> hits = new ArrayList<>();
        for (String dir : new String[] {"src/main/java", "src/test/java"}) {
            try (Stream<Path> s = Files.walk(Tools.ROOT.resolve(dir))) {
                for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    List<String> lines = Files.readAllLines(p);
                    for (int i = 0; i < lines.size(); i++) {
                        if (bare.matcher(lines.get(i)).find()) {
                            hits.add(Tools.ROOT.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertTrue(hits.isEmpty(), "case mapping without Locale.ROOT:\n" + String.join("\n", hits));
    }
}
