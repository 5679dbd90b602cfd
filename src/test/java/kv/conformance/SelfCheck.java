package kv.conformance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays corpus files against a live server from the command line and prints every mismatch.
 * Usage: {@code SelfCheck host port [kv|oracle] file-or-dir...}; "oracle" (the default) checks
 * only the recorded 7.0 lines, "kv" checks what our server must answer.
 */
public final class SelfCheck {
    private SelfCheck() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: SelfCheck host port [kv|oracle] file-or-dir...");
            System.exit(2);
        }
        int next = 2;
        Replayer.Target target = Replayer.Target.ORACLE_70;
        if (args[2].equals("kv") || args[2].equals("oracle")) {
            target = args[2].equals("kv") ? Replayer.Target.KV : Replayer.Target.ORACLE_70;
            next = 3;
        }
        List<Path> roots = new ArrayList<>();
        for (int i = next; i < args.length; i++) {
            roots.add(Path.of(args[i]));
        }
        List<Corpus.CorpusFile> files = Corpus.load(roots);
        Replayer r = new Replayer(args[0], Integer.parseInt(args[1]), target);
        long t0 = System.nanoTime();
        List<Replayer.Mismatch> mismatches = r.run(files);
        mismatches.forEach(System.out::println);
        System.out.printf("%d exchanges compared, %d skipped (<72 only), %d mismatches, %d ms%n",
                r.checked(), r.skipped(), mismatches.size(), (System.nanoTime() - t0) / 1_000_000);
        System.exit(mismatches.isEmpty() ? 0 : 1);
    }
}
