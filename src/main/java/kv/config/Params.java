package kv.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import kv.util.Doubles;
import kv.util.StrToD;

/** The kinds of parameters the registry knows, with their parsing and formatting rules. */
final class Params {

    private Params() {
    }

    static final int IMMUTABLE = 1;
    static final int PROTECTED = 2;
    static final int MULTI_ARG = 4;
    static final int SENSITIVE = 8;

    /** A rejected value; the message is Redis' reason text. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    /** State shared by the lines of one load or the pairs of one CONFIG SET. */
    static final class Ctx {
        final Object[] values;
        final boolean loading;
        boolean saveLoaded;
        ConfigLine.Origin origin;

        Ctx(Object[] values, boolean loading) {
            this.values = values;
            this.loading = loading;
        }
    }

    abstract static class Param {
        final String name;
        final int flags;
        int index;
        Object def;
        /** A second name for the same parameter (Redis' old ziplist names), or null. */
        String alias;

        Param(String name, int flags) {
            this.name = name;
            this.flags = flags;
        }

        boolean is(int flag) {
            return (flags & flag) != 0;
        }

        /** A value of a Redis feature KV lacks (it would turn the feature on), or null. */
        java.util.function.Predicate<Object> unsupported;
        String unsupportedReason;

        /** Parses the values (exactly one unless MULTI_ARG) into the stored form. */
        abstract Object parse(List<String> args, Ctx ctx) throws Invalid;

        /** {@link #parse}, refusing a value {@link #unsupported} names. */
        final Object read(List<String> args, Ctx ctx) throws Invalid {
            Object v = parse(args, ctx);
            if (unsupported != null && unsupported.test(v)) {
                throw new Invalid(unsupportedReason);
            }
            return v;
        }

        /** Marks the values for which {@code when} holds as ones KV refuses, with {@code reason}. */
        Param unsupported(java.util.function.Predicate<Object> when, String reason) {
            this.unsupported = when;
            this.unsupportedReason = reason;
            return this;
        }

        /** The value as CONFIG GET prints it. */
        abstract String format(Object v);

        /** The lines CONFIG REWRITE writes for this value. */
        List<String> rewriteLines(Object v) {
            return List.of(name + " " + format(v));
        }
    }

    static final class BoolParam extends Param {
        BoolParam(String name, int flags, boolean def) {
            super(name, flags);
            this.def = def;
        }

        @Override
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            String v = args.get(0);
            if (v.equalsIgnoreCase("yes")) {
                return Boolean.TRUE;
            }
            if (v.equalsIgnoreCase("no")) {
                return Boolean.FALSE;
            }
            throw new Invalid("argument must be 'yes' or 'no'");
        }

        @Override
        String format(Object v) {
            return ((Boolean) v) ? "yes" : "no";
        }
    }

    static final class EnumParam extends Param {
        final String[] choices;
        /** A choice that Redis stores as another (its enum maps both to one value), or null. */
        private String synonym;
        private String synonymOf;

        EnumParam(String name, int flags, String def, String... choices) {
            super(name, flags);
            this.choices = choices;
            this.def = def;
        }

        /** {@code word} is stored, and printed, as {@code canonical}. */
        EnumParam synonym(String word, String canonical) {
            this.synonym = word;
            this.synonymOf = canonical;
            return this;
        }

        @Override
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            String v = args.get(0);
            for (String c : choices) {
                if (c.equalsIgnoreCase(v)) {
                    return c.equals(synonym) ? synonymOf : c;
                }
            }
            throw new Invalid("argument(s) must be one of the following: " + String.join(", ", choices));
        }

        @Override
        String format(Object v) {
            return (String) v;
        }
    }

    /** Integers: plain (strict decimal) or memory values (with units). */
    static class NumParam extends Param {
        final long min;
        final long max;
        final boolean memory;
        final boolean unsigned64;

        NumParam(String name, int flags, long min, long max, long def, boolean memory) {
            this(name, flags, min, max, def, memory, false);
        }

        NumParam(String name, int flags, long min, long max, long def, boolean memory, boolean unsigned64) {
            super(name, flags);
            this.min = min;
            this.max = max;
            this.memory = memory;
            this.unsigned64 = unsigned64;
            this.def = def;
        }

        @Override
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            String s = args.get(0);
            long v;
            if (memory) {
                v = parseMemory(s);
                if (unsigned64) {
                    return v; // the whole unsigned 64-bit range is allowed
                }
                if (v < 0) { // above Long.MAX_VALUE as unsigned
                    throw rangeError();
                }
            } else {
                Long p = parseStrictLong(s);
                if (p == null) {
                    throw new Invalid("argument couldn't be parsed into an integer");
                }
                v = p;
            }
            if (v < min || v > max) {
                throw rangeError();
            }
            return adjust(v);
        }

        Object adjust(long v) {
            return v;
        }

        private Invalid rangeError() {
            return new Invalid("argument must be between " + min + " and " + max + " inclusive");
        }

        @Override
        String format(Object v) {
            return unsigned64 ? Long.toUnsignedString((Long) v) : Long.toString((Long) v);
        }

        @Override
        List<String> rewriteLines(Object v) {
            if (!memory) {
                return super.rewriteLines(v);
            }
            return List.of(name + " " + formatMemory((Long) v, unsigned64));
        }
    }

    /** hz: accepted in 0..INT_MAX, stored clamped to 1..500 as Redis does. */
    static final class HzParam extends NumParam {
        HzParam() {
            super("hz", 0, 0, Integer.MAX_VALUE, 10, false);
        }

        @Override
        Object adjust(long v) {
            return Math.max(1L, Math.min(500L, v));
        }
    }

    /**
     * repl-backlog-size: CONFIG SET raises a value below 16 KiB to 16 KiB (Redis'
     * CONFIG_REPL_BACKLOG_MIN_SIZE, applied when the backlog is resized); the config file and the
     * command line keep what they say, as in redis-server 7.0.15.
     */
    static final class BacklogSizeParam extends NumParam {
        static final long MIN_SET = 16 * 1024;

        BacklogSizeParam() {
            super("repl-backlog-size", 0, 1, Long.MAX_VALUE, 1024 * 1024, true);
        }

        @Override
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            long v = (Long) super.parse(args, ctx);
            return ctx.loading ? v : Math.max(MIN_SET, v);
        }
    }

    static final class StringParam extends Param {
        interface Check {
            void check(String v) throws Invalid;
        }

        final Check check;

        StringParam(String name, int flags, String def, Check check) {
            super(name, flags);
            this.def = def;
            this.check = check;
        }

        @Override
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            String v = args.get(0);
            if (check != null) {
                check.check(v);
            }
            return v;
        }

        @Override
        String format(Object v) {
            return (String) v;
        }

        @Override
        List<String> rewriteLines(Object v) {
            return List.of(name + " " + ConfigTokenizer.quote((String) v));
        }
    }

    /**
     * replicaof host port (slaveof): the master, as "host port", "" for none. Not settable by CONFIG
     * SET (REPLICAOF changes it); CONFIG REWRITE writes it only while there is a master.
     */
    static final class ReplicaOfParam extends Param {
        ReplicaOfParam() {
            super("replicaof", IMMUTABLE | MULTI_ARG);
            this.def = "";
        }

        @Override
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            if (args.size() != 2) {
                throw new Invalid("wrong number of arguments");
            }
            if (args.get(0).equalsIgnoreCase("no") && args.get(1).equalsIgnoreCase("one")) {
                return "";
            }
            String port = args.get(1);
            long p;
            try {
                p = port.isEmpty() ? 0 : Long.parseLong(port);
            } catch (NumberFormatException e) {
                throw new Invalid("Invalid master port");
            }
            if (p < 0 || p > 65535) {
                throw new Invalid("Invalid master port");
            }
            return args.get(0) + " " + p;
        }

        @Override
        String format(Object v) {
            return (String) v;
        }

        @Override
        List<String> rewriteLines(Object v) {
            return ((String) v).isEmpty() ? List.of() : List.of(name + " " + v);
        }
    }

    static final class BindParam extends Param {
        BindParam() {
            super("bind", IMMUTABLE | MULTI_ARG);
            this.def = List.of("*", "-::*");
        }

        @Override
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            List<String> a = args;
            if (a.size() == 1 && a.get(0).isEmpty()) {
                a = List.of();
            }
            if (a.size() > 16) {
                throw new Invalid("Too many bind addresses specified.");
            }
            return List.copyOf(a);
        }

        @Override
        @SuppressWarnings("unchecked")
        String format(Object v) {
            return String.join(" ", (List<String>) v);
        }

        @Override
        @SuppressWarnings("unchecked")
        List<String> rewriteLines(Object v) {
            List<String> l = (List<String>) v;
            return List.of(l.isEmpty() ? "bind \"\"" : "bind " + String.join(" ", l));
        }
    }

    /** save: pairs of (seconds >= 1, changes >= 0); "" means no snapshots. */
    /**
     * client-output-buffer-limit: hard limit, soft limit and soft seconds for the normal, replica
     * and pubsub classes (9 numbers). A line or a CONFIG SET names the classes it changes; the others
     * keep their values, as in Redis.
     */
    static final class OutputLimitParam extends Param {
        static final String[] CLASSES = {"normal", "slave", "pubsub"};
        private static final List<Long> DEFAULTS = List.of(0L, 0L, 0L, 268435456L, 67108864L, 60L, 33554432L, 8388608L, 60L);

        OutputLimitParam() {
            super("client-output-buffer-limit", MULTI_ARG);
            this.def = DEFAULTS;
        }

        @Override
        @SuppressWarnings("unchecked")
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            if (args.isEmpty() || args.size() % 4 != 0) {
                throw new Invalid("Wrong number of arguments in buffer limit configuration.");
            }
            List<Long> out = new ArrayList<>((List<Long>) ctx.values[index]);
            for (int j = 0; j < args.size(); j += 4) {
                int cls = classIndex(args.get(j));
                if (cls < 0) {
                    throw new Invalid("Invalid client class specified in buffer limit configuration.");
                }
                long hard;
                long soft;
                long seconds;
                try {
                    hard = parseMemory(args.get(j + 1));
                    soft = parseMemory(args.get(j + 2));
                    Long s = parseLikeStrtoll(args.get(j + 3));
                    if (s == null || s < 0 || hard < 0 || soft < 0) {
                        throw new Invalid("");
                    }
                    seconds = s;
                } catch (Invalid e) {
                    throw new Invalid("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
                }
                out.set(3 * cls, hard);
                out.set(3 * cls + 1, soft);
                out.set(3 * cls + 2, seconds);
            }
            return List.copyOf(out);
        }

        private static int classIndex(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "normal" -> 0;
                case "slave", "replica" -> 1;
                case "pubsub" -> 2;
                default -> -1;
            };
        }

        @Override
        @SuppressWarnings("unchecked")
        String format(Object v) {
            List<Long> l = (List<Long>) v;
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < CLASSES.length; c++) {
                sb.append(c == 0 ? "" : " ").append(CLASSES[c]).append(' ').append(l.get(3 * c)).append(' ')
                        .append(l.get(3 * c + 1)).append(' ').append(l.get(3 * c + 2));
            }
            return sb.toString();
        }

        /** One line per class that differs from Redis' default, as CONFIG REWRITE writes them. */
        @Override
        @SuppressWarnings("unchecked")
        List<String> rewriteLines(Object v) {
            List<Long> l = (List<Long>) v;
            List<String> lines = new ArrayList<>();
            for (int c = 0; c < CLASSES.length; c++) {
                if (!l.subList(3 * c, 3 * c + 3).equals(DEFAULTS.subList(3 * c, 3 * c + 3))) {
                    lines.add(name + " " + CLASSES[c] + " " + formatMemory(l.get(3 * c), false) + " "
                            + formatMemory(l.get(3 * c + 1), false) + " " + l.get(3 * c + 2));
                }
            }
            return lines;
        }
    }

    static final class SaveParam extends Param {
        SaveParam() {
            super("save", MULTI_ARG);
            this.def = List.of(3600L, 1L, 300L, 100L, 60L, 10000L);
        }

        @Override
        @SuppressWarnings("unchecked")
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            List<String> a = args;
            boolean reset = false;
            if (a.size() == 1 && a.get(0).isEmpty()) {
                a = List.of();
                reset = true;
            }
            if ((a.size() & 1) != 0) {
                throw new Invalid("Invalid save parameters");
            }
            List<Long> parsed = new ArrayList<>(a.size());
            for (int j = 0; j < a.size(); j++) {
                Long v = parseLikeStrtoll(a.get(j));
                if (v == null || ((j & 1) == 0 && v < 1) || ((j & 1) == 1 && v < 0)) {
                    throw new Invalid("Invalid save parameters");
                }
                parsed.add(v);
            }
            List<Long> base = List.of();
            if (ctx.loading) {
                // in config text, save lines accumulate; the first one (or save "")
                // replaces the default; properties are only a base for file and flags
                boolean property = ctx.origin == ConfigLine.Origin.PROPERTY;
                if (!reset && !property && ctx.saveLoaded) {
                    base = (List<Long>) ctx.values[index];
                }
                if (!property) {
                    ctx.saveLoaded = true;
                }
            }
            if (base.isEmpty()) {
                return List.copyOf(parsed);
            }
            List<Long> out = new ArrayList<>(base);
            out.addAll(parsed);
            return Collections.unmodifiableList(out);
        }

        @Override
        @SuppressWarnings("unchecked")
        String format(Object v) {
            StringBuilder sb = new StringBuilder();
            for (Long l : (List<Long>) v) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(l);
            }
            return sb.toString();
        }

        @Override
        @SuppressWarnings("unchecked")
        List<String> rewriteLines(Object v) {
            List<Long> l = (List<Long>) v;
            if (l.isEmpty()) {
                return List.of("save \"\"");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i + 1 < l.size(); i += 2) {
                out.add("save " + l.get(i) + " " + l.get(i + 1));
            }
            return out;
        }
    }

    /**
     * An enum whose words combine (Redis' multi-flag enums, e.g. shutdown-on-sigterm): stored as the
     * set words in declaration order; the first word is the empty combination's name.
     */
    static final class FlagsParam extends Param {
        final String[] words;
        final String exclusive;

        /** {@code exclusive}: the error for words 1 and 2 together, or null if they combine. */
        FlagsParam(String name, String exclusive, String... words) {
            super(name, MULTI_ARG);
            this.words = words;
            this.exclusive = exclusive;
            this.def = 0;
        }

        @Override
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            if (args.isEmpty()) {
                throw notAWord();
            }
            int bits = 0;
            for (String a : args) {
                int i = 0;
                while (i < words.length && !words[i].equalsIgnoreCase(a)) {
                    i++;
                }
                if (i == words.length) {
                    throw notAWord();
                }
                bits |= i == 0 ? 0 : 1 << i;
            }
            if (exclusive != null && (bits & 6) == 6) {
                throw new Invalid(exclusive);
            }
            return bits;
        }

        private Invalid notAWord() {
            return new Invalid("argument(s) must be one of the following: " + String.join(", ", words));
        }

        @Override
        String format(Object v) {
            int bits = (Integer) v;
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < words.length; i++) {
                if ((bits & (1 << i)) != 0) {
                    sb.append(sb.length() > 0 ? " " : "").append(words[i]);
                }
            }
            return sb.length() == 0 ? words[0] : sb.toString();
        }
    }

    /** oom-score-adj-values: three integers in [-2000, 2000], one per process role. */
    static final class OomScoreValuesParam extends Param {
        OomScoreValuesParam() {
            super("oom-score-adj-values", MULTI_ARG);
            this.def = "0 200 800";
        }

        @Override
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            if (args.size() != 3) {
                throw new Invalid("wrong number of arguments");
            }
            StringBuilder sb = new StringBuilder();
            for (String a : args) {
                Long v = parseLikeStrtoll(a);
                if (v == null || v < -2000 || v > 2000) {
                    throw new Invalid("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
                }
                sb.append(sb.length() > 0 ? " " : "").append(v);
            }
            return sb.toString();
        }

        @Override
        String format(Object v) {
            return (String) v;
        }
    }

    /**
     * latency-tracking-info-percentiles: space-separated percentiles, each a whole double (as
     * Redis' string2d reads it) in [0, 100]; empty for none. Stored as an immutable List of Double.
     */
    static final class PercentilesParam extends Param {
        PercentilesParam() {
            super("latency-tracking-info-percentiles", MULTI_ARG);
            this.def = List.of(50.0, 99.0, 99.9);
        }

        @Override
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            List<String> a = args.size() == 1 && args.get(0).isEmpty() ? List.of() : args;
            List<Double> out = new ArrayList<>(a.size());
            for (String arg : a) {
                byte[] text = arg.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                StrToD read = new StrToD().parse(text, 0, text.length);
                boolean whole = text.length > 0 && !StrToD.isSpace(text[0]) && read.end == text.length;
                boolean overflow = read.rangeError && (Double.isInfinite(read.value) || read.value == 0);
                if (!whole || overflow || Double.isNaN(read.value)) {
                    throw new Invalid("Invalid latency-tracking-info-percentiles parameters");
                }
                if (read.value < 0 || read.value > 100) {
                    throw new Invalid("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
                }
                out.add(read.value);
            }
            return List.copyOf(out);
        }

        @Override
        @SuppressWarnings("unchecked")
        String format(Object v) {
            StringBuilder sb = new StringBuilder();
            for (double d : (List<Double>) v) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(Doubles.trimmedFixed(d));
            }
            return sb.toString();
        }

        @Override
        List<String> rewriteLines(Object v) {
            String text = format(v);
            return List.of(name + " " + (text.isEmpty() ? "\"\"" : text));
        }
    }

    /** dir: must be an existing directory; stored as an absolute real path. */
    static final class DirParam extends Param {
        DirParam() {
            super("dir", PROTECTED);
            this.def = Path.of("").toAbsolutePath().normalize();
        }

        @Override
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            String s = args.get(0);
            Path base = (Path) ctx.values[index];
            Path p;
            try {
                p = base.resolve(s);
            } catch (RuntimeException e) {
                throw new Invalid("No such file or directory");
            }
            if (s.isEmpty()) {
                throw new Invalid("No such file or directory");
            }
            try {
                Path real = p.toRealPath();
                if (!Files.isDirectory(real)) {
                    throw new Invalid("Not a directory");
                }
                if (!Files.isExecutable(real)) {
                    throw new Invalid("Permission denied");
                }
                return real;
            } catch (NoSuchFileException e) {
                throw new Invalid("No such file or directory");
            } catch (AccessDeniedException e) {
                throw new Invalid("Permission denied");
            } catch (IOException e) {
                throw new Invalid(String.valueOf(e.getMessage()));
            }
        }

        @Override
        String format(Object v) {
            return v.toString();
        }

        @Override
        List<String> rewriteLines(Object v) {
            return List.of("dir " + ConfigTokenizer.quote(v.toString()));
        }
    }

    /** notify-keyspace-events: class characters, stored as a bit set. */
    static final class NotifyParam extends Param {
        // bit values follow the reference server's NOTIFY_* flags
        static final int KEYSPACE = 1, KEYEVENT = 2, GENERIC = 4, STRING = 8, LIST = 16, SET = 32,
                HASH = 64, ZSET = 128, EXPIRED = 256, EVICTED = 512, STREAM = 1024, KEY_MISS = 2048,
                LOADED = 4096, MODULE = 8192, NEW = 16384;
        static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

        NotifyParam() {
            super("notify-keyspace-events", 0);
            this.def = 0;
        }

        @Override
        Object parse(List<String> args, Ctx ctx) throws Invalid {
            int flags = 0;
            for (char c : args.get(0).toCharArray()) {
                flags |= switch (c) {
                    case 'A' -> ALL;
                    case 'g' -> GENERIC;
                    case '$' -> STRING;
                    case 'l' -> LIST;
                    case 's' -> SET;
                    case 'h' -> HASH;
                    case 'z' -> ZSET;
                    case 'x' -> EXPIRED;
                    case 'e' -> EVICTED;
                    case 'K' -> KEYSPACE;
                    case 'E' -> KEYEVENT;
                    case 't' -> STREAM;
                    case 'm' -> KEY_MISS;
                    case 'd' -> MODULE;
                    case 'n' -> NEW;
                    default -> throw new Invalid("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
                };
            }
            return flags;
        }

        @Override
        String format(Object v) {
            int f = (Integer) v;
            StringBuilder sb = new StringBuilder();
            if ((f & ALL) == ALL) {
                sb.append('A');
            } else {
                if ((f & GENERIC) != 0) sb.append('g');
                if ((f & STRING) != 0) sb.append('$');
                if ((f & LIST) != 0) sb.append('l');
                if ((f & SET) != 0) sb.append('s');
                if ((f & HASH) != 0) sb.append('h');
                if ((f & ZSET) != 0) sb.append('z');
                if ((f & EXPIRED) != 0) sb.append('x');
                if ((f & EVICTED) != 0) sb.append('e');
                if ((f & STREAM) != 0) sb.append('t');
                if ((f & MODULE) != 0) sb.append('d');
                if ((f & NEW) != 0) sb.append('n');
            }
            if ((f & KEYSPACE) != 0) sb.append('K');
            if ((f & KEYEVENT) != 0) sb.append('E');
            if ((f & KEY_MISS) != 0) sb.append('m');
            return sb.toString();
        }

        @Override
        List<String> rewriteLines(Object v) {
            return List.of(name + " " + ConfigTokenizer.quote(format(v)));
        }
    }

    // ---- number parsing ---------------------------------------------------------------

    /**
     * Strict decimal: optional '-', no '+', no blanks, no leading zeros (except "0"), no
     * "-0", must fit in a signed 64-bit integer. Null when not a number.
     */
    static Long parseStrictLong(String s) {
        int n = s.length();
        if (n == 0 || n > 20) {
            return null;
        }
        if (n == 1 && s.charAt(0) == '0') {
            return 0L;
        }
        int i = 0;
        boolean neg = false;
        if (s.charAt(0) == '-') {
            neg = true;
            i = 1;
            if (n == 1) {
                return null;
            }
        }
        char first = s.charAt(i);
        if (first < '1' || first > '9') {
            return null;
        }
        long v = 0; // accumulated as a negative number to reach Long.MIN_VALUE
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            int d = c - '0';
            if (v < (Long.MIN_VALUE + d) / 10) {
                return null;
            }
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) {
                return null;
            }
            return -v;
        }
        return v;
    }

    /**
     * Like C strtoll over the whole string: leading blanks, optional sign, digits (possibly
     * none, giving 0), nothing after; saturates on overflow. Null when junk follows.
     */
    static Long parseLikeStrtoll(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && ConfigTokenizer.isSpace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int digitsAt = i;
        long v = 0;
        boolean overflow = false;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            int d = s.charAt(i) - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                overflow = true;
            } else {
                v = v * 10 + d;
            }
            i++;
        }
        if (i == digitsAt) {
            // no digits: strtoll consumes nothing, so only an empty string is "all parsed"
            return n == 0 ? 0L : null;
        }
        if (i != n) {
            return null;
        }
        if (overflow) {
            return neg ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return neg ? -v : v;
    }

    /**
     * Memory values: decimal digits followed by an optional unit, case-insensitive:
     * b (1), k (1000), kb (1024), m (1000^2), mb (1024^2), g (1000^3), gb (1024^3).
     * Returns the value as an unsigned 64-bit number. Empty digits mean 0 (as in the
     * reference server). Values not representable in 64 bits are rejected.
     */
    static long parseMemory(String s) throws Invalid {
        int u = 0;
        while (u < s.length() && s.charAt(u) >= '0' && s.charAt(u) <= '9') {
            u++;
        }
        String unit = s.substring(u).toLowerCase(Locale.ROOT);
        long mul = switch (unit) {
            case "", "b" -> 1L;
            case "k" -> 1000L;
            case "kb" -> 1024L;
            case "m" -> 1000L * 1000;
            case "mb" -> 1024L * 1024;
            case "g" -> 1000L * 1000 * 1000;
            case "gb" -> 1024L * 1024 * 1024;
            default -> throw new Invalid("argument must be a memory value");
        };
        String digits = s.substring(0, u);
        if (digits.isEmpty()) {
            return 0L;
        }
        long v;
        try {
            v = Long.parseUnsignedLong(digits);
        } catch (NumberFormatException e) {
            throw new Invalid("argument must be a memory value");
        }
        if (mul != 1 && Long.compareUnsigned(v, Long.divideUnsigned(-1L, mul)) > 0) {
            throw new Invalid("argument must be a memory value");
        }
        return v * mul;
    }

    /** The form CONFIG REWRITE uses: the largest of gb/mb/kb that divides the value. */
    static String formatMemory(long v, boolean unsigned) {
        final long kb = 1024L;
        final long mb = kb * 1024;
        final long gb = mb * 1024;
        if (v != 0 && (!unsigned || v > 0)) {
            if (v % gb == 0) {
                return (v / gb) + "gb";
            }
            if (v % mb == 0) {
                return (v / mb) + "mb";
            }
            if (v % kb == 0) {
                return (v / kb) + "kb";
            }
        } else if (v != 0) {
            // an unsigned value above Long.MAX_VALUE
            if (Long.remainderUnsigned(v, gb) == 0) {
                return Long.toUnsignedString(Long.divideUnsigned(v, gb)) + "gb";
            }
            if (Long.remainderUnsigned(v, mb) == 0) {
                return Long.toUnsignedString(Long.divideUnsigned(v, mb)) + "mb";
            }
            if (Long.remainderUnsigned(v, kb) == 0) {
                return Long.toUnsignedString(Long.divideUnsigned(v, kb)) + "kb";
            }
            return Long.toUnsignedString(v);
        }
        return Long.toString(v);
    }
}
