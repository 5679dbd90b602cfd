package kv.aof;

import java.util.ArrayList;
import java.util.List;

/**
 * The manifest of Redis 7's multi-part AOF: which base, incr and history files make up the log,
 * one line per file ({@code file <name> seq <n> type <b|i|h>}), the base first, then history,
 * then the incr files in replay order. Immutable: a rewrite builds a new manifest.
 */
public final class AofManifest {
    private static final int MAX_LINE = 1024;

    public enum Type {
        BASE('b'), HISTORY('h'), INCR('i');

        final char code;

        Type(char code) {
            this.code = code;
        }

        static Type of(String code) {
            for (Type t : values()) {
                if (code.length() == 1 && t.code == code.charAt(0)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** One line of the manifest. */
    public record Entry(String name, long seq, Type type) {
        Entry as(Type other) {
            return new Entry(name, seq, other);
        }
    }

    private final Entry base;
    private final List<Entry> history;
    private final List<Entry> incrs;

    public AofManifest(Entry base, List<Entry> history, List<Entry> incrs) {
        this.base = base;
        this.history = List.copyOf(history);
        this.incrs = List.copyOf(incrs);
    }

    public static String baseName(String prefix, long seq, boolean rdb) {
        return prefix + "." + seq + ".base." + (rdb ? "rdb" : "aof");
    }

    public static String incrName(String prefix, long seq) {
        return prefix + "." + seq + ".incr.aof";
    }

    public static String manifestName(String prefix) {
        return prefix + ".manifest";
    }

    /** The base (null if there is none), then the incr files: what a load replays, in order. */
    public List<Entry> replayOrder() {
        List<Entry> files = new ArrayList<>(incrs.size() + 1);
        if (base != null) {
            files.add(base);
        }
        files.addAll(incrs);
        return files;
    }

    public Entry base() {
        return base;
    }

    public List<Entry> history() {
        return history;
    }

    public List<Entry> incrs() {
        return incrs;
    }

    /** The incr file appends go to: the last one. */
    public Entry lastIncr() {
        return incrs.isEmpty() ? null : incrs.get(incrs.size() - 1);
    }

    /** The same files plus {@code next} as the incr file appends now go to. */
    public AofManifest withIncr(Entry next) {
        List<Entry> all = new ArrayList<>(incrs);
        all.add(next);
        return new AofManifest(base, history, all);
    }

    /**
     * After a rewrite: {@code newBase} and the incr file written since it started (none if
     * {@code newIncr} is null: a rewrite with appendonly off); everything before becomes history.
     */
    public AofManifest rewritten(Entry newBase, Entry newIncr) {
        List<Entry> old = new ArrayList<>(history);
        if (base != null) {
            old.add(base.as(Type.HISTORY));
        }
        for (Entry e : incrs) {
            old.add(e.as(Type.HISTORY));
        }
        return new AofManifest(newBase, old, newIncr == null ? List.of() : List.of(newIncr));
    }

    /** The same files without history (once the history files are deleted). */
    public AofManifest withoutHistory() {
        return new AofManifest(base, List.of(), incrs);
    }

    /** The highest base and incr sequence numbers in use (0 if none), for naming the next files. */
    public long baseSeq() {
        return base == null ? 0 : base.seq();
    }

    public long incrSeq() {
        long max = 0;
        for (Entry e : incrs) {
            max = Math.max(max, e.seq());
        }
        return max;
    }

    /** The manifest text, byte for byte as Redis writes it. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        if (base != null) {
            line(sb, base);
        }
        for (Entry e : history) {
            line(sb, e);
        }
        for (Entry e : incrs) {
            line(sb, e);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, Entry e) {
        sb.append("file ").append(quoteIfNeeded(e.name())).append(" seq ").append(e.seq())
                .append(" type ").append(e.type().code).append('\n');
    }

    /** Redis quotes a file name only when it holds spaces, quotes or unprintable bytes. */
    private static String quoteIfNeeded(String name) {
        boolean plain = !name.isEmpty();
        for (int i = 0; i < name.length() && plain; i++) {
            char ch = name.charAt(i);
            plain = ch > ' ' && ch < 127 && ch != '"' && ch != '\'' && ch != '\\';
        }
        if (plain) {
            return name;
        }
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            switch (ch) {
                case '\\', '"' -> q.append('\\').append(ch);
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (ch < ' ' || ch >= 127) {
                        q.append(String.format("\\x%02x", (int) ch & 0xff));
                    } else {
                        q.append(ch);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    /**
     * Parses a manifest with Redis' rules: {@code #} lines are comments; each line is key/value
     * pairs (file, seq, type; unknown keys ignored); one base at most; incr sequence numbers
     * strictly increasing. {@code origin} names the file in error messages.
     */
    public static AofManifest parse(String text, String origin) throws AofException {
        Entry base = null;
        List<Entry> history = new ArrayList<>();
        List<Entry> incrs = new ArrayList<>();
        long lastIncrSeq = 0;
        int lineNo = 0;
        boolean any = false;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.length() > MAX_LINE) {
                throw new AofException("The AOF manifest file " + origin + " contains too long line (line " + lineNo + ")");
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            List<String> words = splitArgs(trimmed);
            if (words == null || words.size() < 6 || words.size() % 2 != 0) {
                throw invalid(origin, lineNo);
            }
            String name = null;
            String seq = null;
            String type = null;
            for (int i = 0; i < words.size(); i += 2) {
                switch (words.get(i).toLowerCase(java.util.Locale.ROOT)) {
                    case "file" -> name = words.get(i + 1);
                    case "seq" -> seq = words.get(i + 1);
                    case "type" -> type = words.get(i + 1);
                    default -> { /* newer servers may add keys */ }
                }
            }
            Type t = type == null ? null : Type.of(type);
            long n;
            try {
                n = seq == null ? -1 : Long.parseLong(seq);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (name == null || t == null || n < 0 || name.indexOf('/') >= 0) {
                throw invalid(origin, lineNo);
            }
            Entry e = new Entry(name, n, t);
            any = true;
            switch (t) {
                case BASE -> {
                    if (base != null) {
                        throw new AofException("Found duplicate base file information in " + origin + " (line " + lineNo + ")");
                    }
                    base = e;
                }
                case HISTORY -> history.add(e);
                case INCR -> {
                    if (n <= lastIncrSeq) {
                        throw new AofException("Found a non-monotonic sequence number in " + origin + " (line " + lineNo + ")");
                    }
                    lastIncrSeq = n;
                    incrs.add(e);
                }
            }
        }
        if (!any) {
            throw new AofException("Found an empty AOF manifest " + origin);
        }
        return new AofManifest(base, history, incrs);
    }

    private static AofException invalid(String origin, int line) {
        return new AofException("Invalid AOF manifest file format in " + origin + " (line " + line + ")");
    }

    /** Splits on blanks, honouring "double" (with \ escapes) and 'single' quotes; null if unbalanced. */
    static List<String> splitArgs(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            StringBuilder w = new StringBuilder();
            char quote = 0;
            while (i < n) {
                char ch = line.charAt(i);
                if (quote == '"') {
                    if (ch == '\\' && i + 1 < n) {
                        char next = line.charAt(++i);
                        switch (next) {
                            case 'n' -> w.append('\n');
                            case 'r' -> w.append('\r');
                            case 't' -> w.append('\t');
                            case 'x' -> {
                                if (i + 2 >= n) {
                                    return null;
                                }
                                w.append((char) Integer.parseInt(line.substring(i + 1, i + 3), 16));
                                i += 2;
                            }
                            default -> w.append(next);
                        }
                    } else if (ch == '"') {
                        quote = 0;
                        if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) {
                            return null;
                        }
                    } else {
                        w.append(ch);
                    }
                } else if (quote == '\'') {
                    if (ch == '\'') {
                        quote = 0;
                        if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) {
                            return null;
                        }
                    } else {
                        w.append(ch);
                    }
                } else if (Character.isWhitespace(ch)) {
                    break;
                } else if (ch == '"' || ch == '\'') {
                    quote = ch;
                } else {
                    w.append(ch);
                }
                i++;
            }
            if (quote != 0) {
                return null;
            }
            out.add(w.toString());
        }
    }
}
