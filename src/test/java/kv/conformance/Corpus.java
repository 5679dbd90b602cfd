package kv.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Parsed corpus files. See src/test/resources/conformance/README.md for the format. */
public final class Corpus {
    private Corpus() {
    }

    /** How a reply is compared with its expectation. */
    public enum Compare {
        /** raw bytes, exactly */
        EXACT,
        /** {@code >~}: the top-level aggregate's elements as a multiset (map entries as pairs) */
        UNORDERED,
        /** {@code >~N}: the N-th (1-based) element of the top-level array as a multiset, the rest exactly */
        UNORDERED_NESTED,
        /** {@code >~kv}: a flat top-level array of key, value, key, value... as a multiset of pairs */
        UNORDERED_PAIRS,
        /** {@code >?}: only the shape: type byte, and element count for aggregates (for HELLO and the like) */
        SHAPE
    }

    public static final class Exchange {
        public final String file;
        /** 0-based index of the command line in {@link CorpusFile#lines}. */
        public final int lineIndex;
        public final boolean raw;
        public final Compare compare;
        public final int nestedIndex;
        /** The command line as written, marker included. */
        public final String source;
        public final byte[] request;
        byte[] expected;
        int expectedLine = -1;
        byte[] expected72;
        int expected72Line = -1;
        boolean close;
        int closeLine = -1;

        Exchange(String file, int lineIndex, boolean raw, Compare compare, int nestedIndex, String source, byte[] request) {
            this.file = file;
            this.lineIndex = lineIndex;
            this.raw = raw;
            this.compare = compare;
            this.nestedIndex = nestedIndex;
            this.source = source;
            this.request = request;
        }

        /** 1-based line number of the command. */
        public int line() {
            return lineIndex + 1;
        }

        /** Reply recorded from the 7.0 oracle, or null. */
        public byte[] expected() {
            return expected;
        }

        /** Hand-written Redis 7.2 / Valkey 8 expectation, or null. */
        public byte[] expected72() {
            return expected72;
        }

        public int expectedLine() {
            return expectedLine;
        }

        public int expected72Line() {
            return expected72Line;
        }

        public boolean close() {
            return close;
        }

        public int closeLine() {
            return closeLine;
        }

        /** The expectation our server must meet: 7.2 if written, else the recording. */
        public byte[] target() {
            return expected72 != null ? expected72 : expected;
        }
    }

    public static final class Case {
        public final String file;
        public final String name;
        public final int lineIndex;
        public final List<Exchange> exchanges = new ArrayList<>();

        Case(String file, String name, int lineIndex) {
            this.file = file;
            this.name = name;
            this.lineIndex = lineIndex;
        }
    }

    public static final class CorpusFile {
        public final Path path;
        public final String name;
        public final List<String> lines;
        public final List<Case> cases = new ArrayList<>();

        CorpusFile(Path path, List<String> lines) {
            this.path = path;
            this.name = path.getFileName().toString();
            this.lines = lines;
        }

        public int exchangeCount() {
            return cases.stream().mapToInt(c -> c.exchanges.size()).sum();
        }
    }

    public static final class FormatException extends RuntimeException {
        FormatException(String file, int lineIndex, String message) {
            super(file + ":" + (lineIndex + 1) + ": " + message);
        }
    }

    private static final Pattern COMMAND = Pattern.compile("^>(!|\\?|~(\\d+|kv)?)?(?: (.*))?$");
    private static final Pattern REPLY = Pattern.compile("^<(72)?(?: (.*))?$");

    /** All *.corpus files under the given files or directories, sorted by name. */
    public static List<Path> findFiles(List<Path> roots) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> s = Files.list(root)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".corpus")).sorted().forEach(out::add);
                }
            } else {
                out.add(root);
            }
        }
        return out;
    }

    public static List<CorpusFile> load(List<Path> roots) throws IOException {
        List<CorpusFile> files = new ArrayList<>();
        for (Path p : findFiles(roots)) {
            files.add(parse(p, Files.readString(p, StandardCharsets.UTF_8)));
        }
        return files;
    }

    public static CorpusFile parse(Path path, String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.endsWith("\r")) {
                lines.set(i, l.substring(0, l.length() - 1));
            }
        }
        CorpusFile f = new CorpusFile(path, lines);
        String fn = f.name;
        Case current = null;
        Exchange ex = null;
        boolean caseClosed = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("=== ")) {
                finish(fn, ex);
                ex = null;
                String name = line.substring(4).trim();
                if (name.isEmpty()) {
                    throw new FormatException(fn, i, "case without a name");
                }
                for (Case c : f.cases) {
                    if (c.name.equals(name)) {
                        throw new FormatException(fn, i, "duplicate case name '" + name + "'");
                    }
                }
                current = new Case(fn, name, i);
                f.cases.add(current);
                caseClosed = false;
                continue;
            }
            if (line.startsWith(">")) {
                Matcher m = COMMAND.matcher(line);
                if (!m.matches()) {
                    throw new FormatException(fn, i, "bad command marker");
                }
                if (current == null) {
                    throw new FormatException(fn, i, "command before the first '=== case'");
                }
                if (caseClosed) {
                    throw new FormatException(fn, i, "command after <close in the same case");
                }
                finish(fn, ex);
                String marker = m.group(1);
                String body = m.group(3) == null ? "" : m.group(3);
                boolean raw = "!".equals(marker);
                Compare cmp = Compare.EXACT;
                int nested = -1;
                if ("?".equals(marker)) {
                    cmp = Compare.SHAPE;
                }
                if (marker != null && marker.startsWith("~")) {
                    String spec = m.group(2);
                    if (spec == null) {
                        cmp = Compare.UNORDERED;
                    } else if (spec.equals("kv")) {
                        cmp = Compare.UNORDERED_PAIRS;
                    } else {
                        cmp = Compare.UNORDERED_NESTED;
                        nested = Integer.parseInt(spec);
                        if (nested < 1) {
                            throw new FormatException(fn, i, ">~N needs N >= 1");
                        }
                    }
                }
                byte[] request;
                try {
                    if (raw) {
                        request = Escapes.unescape(body);
                        if (request.length == 0) {
                            throw new IllegalArgumentException("empty raw request");
                        }
                    } else {
                        List<byte[]> args = Escapes.splitArgs(body);
                        if (args.isEmpty()) {
                            throw new IllegalArgumentException("command without arguments");
                        }
                        request = Escapes.multibulk(args);
                    }
                } catch (IllegalArgumentException e) {
                    throw new FormatException(fn, i, e.getMessage());
                }
                ex = new Exchange(fn, i, raw, cmp, nested, line, request);
                current.exchanges.add(ex);
                continue;
            }
            if (line.equals("<close")) {
                if (ex == null) {
                    throw new FormatException(fn, i, "<close without a command");
                }
                if (ex.close) {
                    throw new FormatException(fn, i, "duplicate <close");
                }
                ex.close = true;
                ex.closeLine = i;
                caseClosed = true;
                continue;
            }
            if (line.startsWith("<")) {
                Matcher m = REPLY.matcher(line);
                if (!m.matches()) {
                    throw new FormatException(fn, i, "bad reply marker (use '< ', '<72 ' or '<close')");
                }
                if (ex == null) {
                    throw new FormatException(fn, i, "reply without a command");
                }
                if (ex.close) {
                    throw new FormatException(fn, i, "reply after <close");
                }
                byte[] bytes;
                try {
                    bytes = Escapes.unescape(m.group(2) == null ? "" : m.group(2));
                    RespReader.parseAll(bytes);
                } catch (IllegalArgumentException e) {
                    throw new FormatException(fn, i, e.getMessage());
                }
                if (m.group(1) != null) {
                    if (ex.expected72 != null) {
                        throw new FormatException(fn, i, "two <72 lines for one command");
                    }
                    ex.expected72 = bytes;
                    ex.expected72Line = i;
                } else {
                    if (ex.expected != null) {
                        throw new FormatException(fn, i, "two < lines for one command");
                    }
                    ex.expected = bytes;
                    ex.expectedLine = i;
                }
                continue;
            }
            throw new FormatException(fn, i, "unrecognized line (not a comment, '===', '>' or '<')");
        }
        finish(fn, ex);
        return f;
    }

    private static void finish(String fn, Exchange ex) {
        if (ex != null && ex.expected == null && ex.expected72 == null) {
            throw new FormatException(fn, ex.lineIndex, "command without an expected reply line");
        }
    }

    /** Parses a file for recording: commands may lack a reply line (the recorder adds it). */
    public static CorpusFile parseForRecording(Path path, String text) {
        // Give every reply-less command a placeholder so the strict parser accepts it; the
        // recorder tells placeholders apart by their line index (-2).
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        StringBuilder sb = new StringBuilder();
        List<Integer> placeholderAfter = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.endsWith("\r")) {
                l = l.substring(0, l.length() - 1);
            }
            sb.append(l).append('\n');
            if (l.startsWith(">") && !hasReplyAfter(lines, i)) {
                placeholderAfter.add(i);
            }
        }
        if (placeholderAfter.isEmpty()) {
            return parse(path, sb.toString());
        }
        List<String> patched = new ArrayList<>();
        List<Integer> origIndex = new ArrayList<>();
        String[] split = sb.toString().split("\n", -1);
        for (int i = 0; i < lines.size(); i++) {
            patched.add(split[i]);
            origIndex.add(i);
            if (placeholderAfter.contains(i)) {
                patched.add("<");
                origIndex.add(-1);
            }
        }
        CorpusFile tmp = parse(path, String.join("\n", patched) + "\n");
        CorpusFile f = new CorpusFile(path, new ArrayList<>(Arrays.asList(split).subList(0, lines.size())));
        for (Case c : tmp.cases) {
            Case nc = new Case(c.file, c.name, origIndex.get(c.lineIndex));
            for (Exchange e : c.exchanges) {
                Exchange ne = new Exchange(e.file, origIndex.get(e.lineIndex), e.raw, e.compare, e.nestedIndex, e.source, e.request);
                ne.expected72 = e.expected72;
                ne.expected72Line = e.expected72Line < 0 ? -1 : origIndex.get(e.expected72Line);
                int el = e.expectedLine < 0 ? -1 : origIndex.get(e.expectedLine);
                ne.expectedLine = el;
                ne.expected = el < 0 ? null : e.expected;
                ne.close = e.close;
                ne.closeLine = e.closeLine < 0 ? -1 : origIndex.get(e.closeLine);
                nc.exchanges.add(ne);
            }
            f.cases.add(nc);
        }
        return f;
    }

    private static boolean hasReplyAfter(List<String> lines, int cmd) {
        for (int j = cmd + 1; j < lines.size(); j++) {
            String l = lines.get(j);
            if (l.endsWith("\r")) {
                l = l.substring(0, l.length() - 1);
            }
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            return l.startsWith("<") && !l.equals("<close");
        }
        return false;
    }
}
