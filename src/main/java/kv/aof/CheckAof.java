package kv.aof;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * kv-check-aof: checks a multi-part AOF (its directory or manifest) or a single AOF file, command
 * by command; with {@code --fix} it offers to cut a damaged last file back to its last complete
 * command (or to before an unfinished MULTI), after asking. Plain JDK: runs without the server.
 * Exit status 0 when everything is valid (or was fixed), 1 otherwise.
 */
public final class CheckAof {
    private final PrintStream out;
    private final BufferedReader answers;

    CheckAof(PrintStream out, InputStream answers) {
        this.out = out;
        this.answers = new BufferedReader(new InputStreamReader(answers, StandardCharsets.UTF_8));
    }

    public static void main(String[] args) throws IOException {
        System.exit(new CheckAof(System.out, System.in).run(args));
    }

    int run(String[] args) throws IOException {
        boolean fix = false;
        String target = null;
        for (String a : args) {
            if (a.equals("--fix")) {
                fix = true;
            } else if (target == null && !a.startsWith("--")) {
                target = a;
            } else {
                return usage();
            }
        }
        if (target == null) {
            return usage();
        }
        Path path = Path.of(target);
        if (!Files.exists(path)) {
            out.println("Cannot open file or directory " + path + ": no such file or directory");
            return 1;
        }
        try {
            List<Path> files = filesOf(path);
            for (int i = 0; i < files.size(); i++) {
                boolean last = i == files.size() - 1;
                Result r = check(files.get(i));
                if (r.valid()) {
                    continue;
                }
                if (!fix) {
                    out.println(r.file().getFileName() + " is not valid. Use the --fix option to try fixing it.");
                    return 1;
                }
                if (!last) {
                    out.println(r.file().getFileName() + " is not the last file of the AOF: only the last one can be fixed.");
                    return 1;
                }
                return fix(r);
            }
            out.println(files.size() == 1 ? "AOF is valid" : "All AOF files and manifest are valid");
            return 0;
        } catch (AofException e) {
            out.println(e.getMessage());
            return 1;
        }
    }

    private int usage() {
        out.println("Usage: kv-check-aof [--fix] <AOF directory | file.manifest | file.aof>");
        return 1;
    }

    /** The files to check, in replay order. */
    private List<Path> filesOf(Path path) throws IOException, AofException {
        Path manifest = null;
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                List<Path> found = s.filter(p -> p.getFileName().toString().endsWith(".manifest")
                        && !p.getFileName().toString().startsWith("temp-")).toList();
                if (found.size() != 1) {
                    throw new AofException("Expected exactly one .manifest file in " + path + ", found " + found.size());
                }
                manifest = found.get(0);
            }
        } else if (path.getFileName().toString().endsWith(".manifest")) {
            manifest = path;
        }
        if (manifest == null) {
            out.println("Start checking Old-Style AOF");
            return List.of(path);
        }
        out.println("Start checking Multi Part AOF");
        AofManifest m = AofManifest.parse(Files.readString(manifest, StandardCharsets.ISO_8859_1), manifest.toString());
        List<Path> files = new ArrayList<>();
        for (AofManifest.Entry e : m.replayOrder()) {
            Path f = manifest.resolveSibling(e.name());
            if (!Files.isRegularFile(f)) {
                throw new AofException("The AOF file " + f + " named in " + manifest + " doesn't exist");
            }
            files.add(f);
        }
        return files;
    }

    /** What checking one file found: valid, or readable up to {@code okUpTo}. */
    record Result(Path file, long size, long okUpTo, long commands, String problem) {
        boolean valid() {
            return problem == null;
        }
    }

    Result check(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] magic = in.readNBytes(5);
            if (new String(magic, StandardCharsets.ISO_8859_1).equals("REDIS")) {
                out.println(file.getFileName() + ": RDB format, not checked here (use kv-check-rdb)");
                return new Result(file, size, size, 0, null);
            }
        }
        long commands = 0;
        long multiStart = -1;
        AofReader r = new AofReader(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        try (r) {
            byte[][] argv;
            while ((argv = r.next()) != null) {
                commands++;
                String name = new String(argv[0], StandardCharsets.ISO_8859_1);
                if (name.equalsIgnoreCase("multi")) {
                    if (multiStart >= 0) {
                        return report(file, size, multiStart, commands, "MULTI inside MULTI at offset " + r.commandStart());
                    }
                    multiStart = r.commandStart();
                } else if (name.equalsIgnoreCase("exec")) {
                    if (multiStart < 0) {
                        return report(file, size, r.commandStart(), commands, "EXEC without MULTI at offset " + r.commandStart());
                    }
                    multiStart = -1;
                }
            }
            if (multiStart >= 0) {
                return report(file, size, multiStart, commands, "the file ends before the EXEC of the MULTI at offset " + multiStart);
            }
            out.println(file.getFileName() + " is valid (" + commands + " commands, " + size + " bytes)");
            return new Result(file, size, size, commands, null);
        } catch (AofReader.FormatError e) {
            // cut before the damaged command (or before the MULTI it belongs to)
            long okUpTo = multiStart >= 0 ? multiStart : r.commandStart();
            return report(file, size, okUpTo, commands, (e.truncated() ? "truncated: " : "bad format: ")
                    + e.getMessage() + " at offset " + e.offset());
        }
    }

    private Result report(Path file, long size, long okUpTo, long commands, String problem) {
        out.println(file.getFileName() + ": " + problem);
        out.println("AOF analyzed: filename=" + file.getFileName() + ", size=" + size + ", ok_up_to=" + okUpTo
                + ", diff=" + (size - okUpTo));
        return new Result(file, size, okUpTo, commands, problem);
    }

    private int fix(Result r) throws IOException {
        out.println("This will shrink the AOF " + r.file().getFileName() + " from " + r.size() + " bytes, with "
                + (r.size() - r.okUpTo()) + " bytes, to " + r.okUpTo() + " bytes");
        out.print("Continue? [y/N]: ");
        out.flush();
        String answer = answers.readLine();
        if (answer == null || !answer.trim().toLowerCase(java.util.Locale.ROOT).startsWith("y")) {
            out.println("Aborting...");
            return 1;
        }
        try (FileChannel ch = FileChannel.open(r.file(), StandardOpenOption.WRITE)) {
            ch.truncate(r.okUpTo());
            ch.force(true);
        }
        out.println("Successfully truncated AOF " + r.file().getFileName());
        return 0;
    }
}
